/* expr_digest.c - MD5, SHA-1 and SHA-256 (RFC 1321, FIPS 180-4) written from the
 * specifications, and base64 (RFC 4648, standard alphabet). The digest functions return
 * lowercase hex as Flink does; FROM_BASE64 returns NULL for text that is not base64. The
 * round constants of MD5 and SHA-256 are derived at first use from their definitions (sines,
 * square and cube roots of primes), computed in long double. */
#include "expr/expr_internal.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

static uint32_t md5_k[64], sha256_k[64], sha256_h0[8];
static pthread_once_t consts_once = PTHREAD_ONCE_INIT;

static void consts_init(void)
{
    for (int i = 0; i < 64; i++)
        md5_k[i] = (uint32_t)floorl(fabsl(sinl((long double)(i + 1))) * 4294967296.0L);
    int primes[64], np = 0;
    for (int cand = 2; np < 64; cand++) {
        bool prime = true;
        for (int d = 2; d * d <= cand; d++)
            if (cand % d == 0) prime = false;
        if (prime) primes[np++] = cand;
    }
    for (int i = 0; i < 64; i++) {
        long double r = cbrtl((long double)primes[i]);
        sha256_k[i] = (uint32_t)floorl((r - floorl(r)) * 4294967296.0L);
    }
    for (int i = 0; i < 8; i++) {
        long double r = sqrtl((long double)primes[i]);
        sha256_h0[i] = (uint32_t)floorl((r - floorl(r)) * 4294967296.0L);
    }
}

static inline uint32_t rotl(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}
static inline uint32_t rotr(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

/* Feed the message and the Merkle-Damgard padding in 64-byte blocks. */
typedef void (*block_fn)(uint32_t *h, const unsigned char *blk);

static void run_blocks(const void *data, size_t n, uint32_t *h, block_fn fn, bool big_endian)
{
    const unsigned char *p = data;
    size_t full = n / 64;
    for (size_t i = 0; i < full; i++)
        fn(h, p + 64 * i);
    unsigned char tail[128];
    size_t rest = n - full * 64;
    memcpy(tail, p + full * 64, rest);
    tail[rest] = 0x80;
    size_t tl = rest + 1 <= 56 ? 64 : 128;
    memset(tail + rest + 1, 0, tl - rest - 1);
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++)
        tail[tl - 8 + i] = (unsigned char)(big_endian ? bits >> (56 - 8 * i) : bits >> (8 * i));
    fn(h, tail);
    if (tl == 128) fn(h, tail + 64);
}

static void md5_block(uint32_t *h, const unsigned char *b)
{
    static const int s[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
               (uint32_t)b[4 * i + 3] << 24;
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (bb & c) | (~bb & d);
            g = i;
        } else if (i < 32) {
            f = (d & bb) | (~d & c);
            g = (5 * i + 1) % 16;
        } else if (i < 48) {
            f = bb ^ c ^ d;
            g = (3 * i + 5) % 16;
        } else {
            f = c ^ (bb | ~d);
            g = (7 * i) % 16;
        }
        f = f + a + md5_k[i] + m[g];
        a = d;
        d = c;
        c = bb;
        bb = bb + rotl(f, s[i]);
    }
    h[0] += a, h[1] += bb, h[2] += c, h[3] += d;
}

static void sha1_block(uint32_t *h, const unsigned char *b)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (bb & c) | (~bb & d);
            k = 0x5A827999;
        } else if (i < 40) {
            f = bb ^ c ^ d;
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (bb & c) | (bb & d) | (c & d);
            k = 0x8F1BBCDC;
        } else {
            f = bb ^ c ^ d;
            k = 0xCA62C1D6;
        }
        uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(bb, 30);
        bb = a;
        a = t;
    }
    h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
}

static void sha256_block(uint32_t *h, const unsigned char *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + sha256_k[i] + w[i];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & bb) ^ (a & c) ^ (bb & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = bb;
        bb = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

/* Hex digest of (p, n) into out (2 * digest bytes + 1). */
static size_t digest_hex(int op, const void *p, size_t n, char *out)
{
    static const char hexd[] = "0123456789abcdef";
    uint32_t h[8];
    int words;
    bool be;
    if (op == WR_OP_MD5) {
        h[0] = 0x67452301, h[1] = 0xefcdab89, h[2] = 0x98badcfe, h[3] = 0x10325476;
        run_blocks(p, n, h, md5_block, false);
        words = 4;
        be = false;
    } else if (op == WR_OP_SHA1) {
        h[0] = 0x67452301, h[1] = 0xEFCDAB89, h[2] = 0x98BADCFE, h[3] = 0x10325476;
        h[4] = 0xC3D2E1F0;
        run_blocks(p, n, h, sha1_block, true);
        words = 5;
        be = true;
    } else {
        memcpy(h, sha256_h0, sizeof h);
        run_blocks(p, n, h, sha256_block, true);
        words = 8;
        be = true;
    }
    size_t k = 0;
    for (int i = 0; i < words; i++)
        for (int j = 0; j < 4; j++) {
            unsigned byte = be ? (h[i] >> (24 - 8 * j)) & 0xFF : (h[i] >> (8 * j)) & 0xFF;
            out[k++] = hexd[byte >> 4];
            out[k++] = hexd[byte & 15];
        }
    out[k] = 0;
    return k;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/* Decode into b; false when the text is not base64 (padding optional, as Java's decoder). */
static bool b64_decode(wr_strv s, wr_buf *b)
{
    uint32_t n = s.len;
    while (n && s.ptr[n - 1] == '=' && s.len - n < 2)
        n--;
    if (n % 4 == 1) return false;
    if (s.len != n && (s.len % 4) != 0) return false;
    uint32_t acc = 0;
    int bits = 0;
    for (uint32_t i = 0; i < n; i++) {
        int v = b64_val((unsigned char)s.ptr[i]);
        if (v < 0) return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (wr_buf_putc(b, (char)((acc >> bits) & 0xFF)) < 0) return false;
        }
    }
    return true;
}

int wr_expr_k_digest(wr_expr_ctx *c, const wr_expr_insn *I)
{
    pthread_once(&consts_once, consts_init);
    wr_vec *D = c->R[I->dst];
    const wr_strv *s = wr_expr_arg(c, I, 0)->data;
    wr_strv *o = D->data;
    wr_buf *b = &c->s->buf;
    int rc;
    switch (I->op) {
    case WR_OP_MD5:
    case WR_OP_SHA1:
    case WR_OP_SHA256:
        WR_FOR_EACH_SET(D->validity, c->nw, i)
        {
            char hex[65];
            size_t len = digest_hex(I->op, s[i].len ? s[i].ptr : "", s[i].len, hex);
            if ((rc = wr_expr_str_out(c, &o[i], hex, len)) < 0) return rc;
        }
        return 0;
    case WR_OP_TO_BASE64:
        WR_FOR_EACH_SET(D->validity, c->nw, i)
        {
            wr_buf_clear(b);
            const unsigned char *p = (const unsigned char *)s[i].ptr;
            uint32_t n = s[i].len;
            for (uint32_t k = 0; k < n; k += 3) {
                uint32_t v = (uint32_t)p[k] << 16;
                if (k + 1 < n) v |= (uint32_t)p[k + 1] << 8;
                if (k + 2 < n) v |= p[k + 2];
                char q[4] = {B64[v >> 18], B64[(v >> 12) & 63],
                             k + 1 < n ? B64[(v >> 6) & 63] : '=', k + 2 < n ? B64[v & 63] : '='};
                if (wr_buf_append(b, q, 4) < 0) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    default: /* FROM_BASE64 */
        WR_FOR_EACH_SET(D->validity, c->nw, i)
        {
            wr_buf_clear(b);
            if (!b64_decode(s[i], b)) {
                wr_vec_set_valid(D, i, false);
                continue;
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    }
}
