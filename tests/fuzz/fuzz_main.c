/* fuzz_main.c - a replay driver for fuzz targets when libFuzzer is not available (the gcc
 * build): it feeds every file of the corpus directories given on the command line to
 * LLVMFuzzerTestOneInput, then a fixed number of deterministic mutations of them (byte
 * flips, insertions of SQL tokens, deletions, truncations, splices of two inputs), so the
 * default test run exercises the target in bounded time and always the same way.
 * Usage: fuzz_sql_parser [-n MUTATIONS] DIR|FILE... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    uint8_t *data;
    size_t len;
} input;

static input *inputs;
static size_t ninputs, capinputs;

static void add_input(uint8_t *data, size_t len)
{
    if (ninputs == capinputs) {
        capinputs = capinputs ? capinputs * 2 : 64;
        inputs = realloc(inputs, capinputs * sizeof *inputs);
        if (!inputs) abort();
    }
    inputs[ninputs++] = (input){data, len};
}

static void load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            if (!buf) abort();
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    fclose(f);
    add_input(buf, len);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        load_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
        sprintf(names[n], "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names); /* same order on every machine */
    for (size_t i = 0; i < n; i++) {
        load_file(names[i]);
        free(names[i]);
    }
    free(names);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const tokens[] = {
    "(",
    ")",
    ",",
    ";",
    "'",
    "`",
    "/*+",
    "*/",
    "--",
    "/*",
    "SELECT ",
    " FROM ",
    " WHERE ",
    " GROUP BY ",
    "(SELECT ",
    " JOIN ",
    " ON ",
    "INTERVAL '1' ",
    "DAY",
    " TO ",
    "CAST(",
    " AS ",
    "CASE ",
    " END",
    " AND ",
    " OR ",
    " NOT ",
    "NULL",
    " IN (",
    "TABLE ",
    "DESCRIPTOR(",
    "=>",
    "::",
    "[",
    "]",
    "ROW<",
    ">",
    "ARRAY[",
    "U&'\\",
    "X'",
    "1e",
    ".5",
    "999999999999999999999999999999999999999",
    "\xc3",
    "\xff",
    "\n",
    "MATCH_RECOGNIZE (",
    "PATTERN (",
    "{",
    "}",
    "|",
    "?",
    "OVER (",
    " PARTITION BY ",
    "ORDER BY ",
    "WINDOW ",
    "EXECUTE STATEMENT SET BEGIN ",
    "BEGIN STATEMENT SET;",
    "END;",
    "CREATE TABLE t (",
    "WATERMARK FOR ",
    "PRIMARY KEY ",
};

static void mutate_and_run(size_t nmut)
{
    if (ninputs == 0) return;
    uint8_t *buf = NULL;
    size_t cap = 0;
    for (size_t m = 0; m < nmut; m++) {
        const input *in = &inputs[next_rand() % ninputs];
        size_t len = in->len;
        if (cap < len * 2 + 256) {
            cap = len * 2 + 256;
            buf = realloc(buf, cap);
            if (!buf) abort();
        }
        memcpy(buf, in->data, len);
        int edits = 1 + (int)(next_rand() % 4);
        for (int k = 0; k < edits; k++) {
            size_t pos = len ? next_rand() % (len + 1) : 0;
            switch (next_rand() % 5) {
            case 0: /* flip a byte */
                if (len) buf[pos % len] ^= (uint8_t)(1u << (next_rand() % 8));
                break;
            case 1: { /* insert a token */
                const char *t = tokens[next_rand() % (sizeof tokens / sizeof tokens[0])];
                size_t tl = strlen(t);
                if (len + tl > cap) break;
                memmove(buf + pos + tl, buf + pos, len - pos);
                memcpy(buf + pos, t, tl);
                len += tl;
                break;
            }
            case 2: { /* delete a range */
                size_t n = len - pos ? next_rand() % (len - pos + 1) : 0;
                if (n > 16) n = 16;
                memmove(buf + pos, buf + pos + n, len - pos - n);
                len -= n;
                break;
            }
            case 3: /* truncate */
                len = pos;
                break;
            default: { /* splice the tail of another input */
                const input *o = &inputs[next_rand() % ninputs];
                size_t from = o->len ? next_rand() % o->len : 0;
                size_t n = o->len - from;
                if (pos + n > cap) n = cap - pos;
                memcpy(buf + pos, o->data + from, n);
                len = pos + n;
                break;
            }
            }
        }
        LLVMFuzzerTestOneInput(buf, len);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    size_t nmut = 3000;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        nmut = strtoul(argv[i + 1], NULL, 10);
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [-n MUTATIONS] DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (; i < argc; i++)
        load_path(argv[i]);
    for (size_t k = 0; k < ninputs; k++)
        LLVMFuzzerTestOneInput(inputs[k].data, inputs[k].len);
    mutate_and_run(nmut);
    printf("fuzz: %zu corpus inputs and %zu mutations ran clean\n", ninputs, nmut);
    for (size_t k = 0; k < ninputs; k++)
        free(inputs[k].data);
    free(inputs);
    return 0;
}
