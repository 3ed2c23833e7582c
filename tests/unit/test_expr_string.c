/* test_expr_string.c - string functions (UTF-8 aware), digests, base64, JSON_VALUE, and the
 * numeric functions (ABS, SIGN, ROUND/TRUNCATE HALF_UP, CEIL/FLOOR, logarithms, RAND with
 * java.util.Random's sequence). Every result and NULL is checked exactly. */
#include "test_expr_util.h"

/* Evaluate a constant-argument call (folded at compile time) and return its output. */
static wr_vec *one(tx *t, wr_expr *e)
{
    return eval_e(t, e);
}

#define S(x)  lit_s(t, x)
#define I(x)  lit_i(t, x)
#define NULLS lit_null(t, STR())

static void check_s(tx *t, wr_expr *e, const char *want)
{
    wr_vec *v = one(t, e);
    if (want)
        expect_s(v, 0, want);
    else
        expect_null(v, 0);
}

static void check_i(tx *t, wr_expr *e, int64_t want)
{
    expect_i(one(t, e), 0, want);
}

static void test_concat_case_length(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {STR(), STR()};
    tx_init(t, 2, ty, 3);
    set_s(t, 0, 0, "ab"), set_s(t, 1, 0, "cd");
    set_null(t, 0, 1), set_s(t, 1, 1, "x");
    set_s(t, 0, 2, ""), set_s(t, 1, 2, "");
    wr_vec *v = eval_e(t, CALL(t, "||", col(t, 0), col(t, 1)));
    expect_s(v, 0, "abcd"), expect_null(v, 1), expect_s(v, 2, "");
    v = eval_e(t, CALL(t, "CONCAT", col(t, 0), S("-"), col(t, 1)));
    expect_s(v, 0, "ab-cd"), expect_null(v, 1), expect_s(v, 2, "-");
    v = eval_e(t, CALL(t, "CONCAT_WS", S(","), col(t, 0), col(t, 1), S("z")));
    expect_s(v, 0, "ab,cd,z"), expect_s(v, 1, "x,z"), expect_s(v, 2, ",,z");
    check_s(t, CALL(t, "CONCAT_WS", NULLS, S("a")), NULL);
    check_i(t, CALL(t, "CHAR_LENGTH", S("héllo")), 5);
    check_i(t, CALL(t, "CHARACTER_LENGTH", S("")), 0);
    /* Java's toUpperCase: ß -> SS, ligatures expand, µ -> Μ, ÿ -> Ÿ, Latin Extended-A */
    check_s(t, CALL(t, "UPPER", S("héllo wörld straße")), "HÉLLO WÖRLD STRASSE");
    check_s(t, CALL(t, "UPPER", S("ßx\xEF\xAC\x83ne µ ÿ łódź ı")), "SSXFFINE Μ Ÿ ŁÓDŹ I");
    check_s(t, CALL(t, "LOWER", S("ŁÓDŹ Ÿ SS")), "łódź ÿ ss");
    check_s(t, CALL(t, "UPPER", S("ŉ ǰ")), "ʼN J\xCC\x8C");
    /* Java's final sigma: ΣΑΣ -> σας, a lone Σ stays σ */
    check_s(t, CALL(t, "LOWER", S("ΣΑΣ Σ ΑΣ.")), "σας σ ας.");
    check_s(t, CALL(t, "INITCAP", S("ßa ŉb")), "ßa ŉb");
    check_s(t,
            CALL(t, "UPPER",
                 S("a\xE0"
                   "b")),
            "A\xE0"
            "B"); /* an invalid byte is kept */
    check_s(t, CALL(t, "LOWER", S("ÀB Ωmega ДОМ")), "àb ωmega дом");
    check_s(t, CALL(t, "INITCAP", S("hello wORLD-foo bar_baz")), "Hello World-Foo Bar_Baz");
    tx_free(t);
}

static void test_trim_substring(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 1);
    check_s(t, CALL(t, "TRIM", S("  ab  ")), "ab");
    check_s(t, CALL(t, "LTRIM", S("  ab  ")), "ab  ");
    check_s(t, CALL(t, "RTRIM", S("  ab  ")), "  ab");
    check_s(t, CALL(t, "TRIM", S("BOTH"), S("xy"), S("xyaxbyx")), "axb");
    check_s(t, CALL(t, "TRIM", S("LEADING"), S("x"), S("xxaxx")), "axx");
    check_s(t, CALL(t, "TRIM", S("TRAILING"), S("ö"), S("öaöö")), "öa");
    check_s(t, CALL(t, "TRIM", S("\t a \t")), "\t a \t"); /* only spaces by default */
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(2)), "ello");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(2), I(3)), "ell");
    check_s(t, CALL(t, "SUBSTR", S("hello"), I(-3)), "llo");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(-3), I(2)), "ll");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(0), I(2)), "he");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(10)), "");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(-10), I(3)), "");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(1), I(-1)), NULL);
    check_s(t, CALL(t, "SUBSTRING", S("héllo"), I(2), I(2)), "él");
    check_s(t, CALL(t, "SUBSTRING", S("hello"), I(4), I(100)), "lo");
    check_s(t, CALL(t, "LEFT", S("héllo"), I(2)), "hé");
    check_s(t, CALL(t, "RIGHT", S("héllo"), I(4)), "éllo");
    check_s(t, CALL(t, "LEFT", S("hi"), I(10)), "hi");
    check_s(t, CALL(t, "RIGHT", S("hi"), I(-1)), "");
    tx_free(t);
}

static void test_search_replace_pad(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 1);
    check_i(t, CALL(t, "POSITION", S("l"), S("hello")), 3);
    check_i(t, CALL(t, "POSITION", S("z"), S("hello")), 0);
    check_i(t, CALL(t, "POSITION", S(""), S("abc")), 1);
    check_i(t, CALL(t, "POSITION", S("ö"), S("wörld")), 2);
    check_i(t, CALL(t, "POSITION", S("d"), S("wörld")), 5);
    check_i(t, CALL(t, "LOCATE", S("l"), S("hello"), I(4)), 4);
    check_i(t, CALL(t, "LOCATE", S("l"), S("hello"), I(5)), 0);
    check_i(t, CALL(t, "INSTR", S("hello"), S("lo")), 4);
    check_s(t, CALL(t, "REPLACE", S("a.b.c"), S("."), S("--")), "a--b--c");
    check_s(t, CALL(t, "REPLACE", S("aaa"), S("aa"), S("b")), "ba");
    check_s(t, CALL(t, "REPLACE", S("abc"), S(""), S("-")), "-a-b-c-");
    check_s(t, CALL(t, "LPAD", S("hi"), I(5), S("xy")), "xyxhi");
    check_s(t, CALL(t, "LPAD", S("hello"), I(3), S("x")), "hel");
    check_s(t, CALL(t, "RPAD", S("hi"), I(5), S("xy")), "hixyx");
    check_s(t, CALL(t, "RPAD", S("hé"), I(4), S("ö")), "héöö");
    check_s(t, CALL(t, "LPAD", S("hi"), I(-1), S("x")), NULL);
    check_s(t, CALL(t, "LPAD", S("hi"), I(5), S("")), NULL);
    check_s(t, CALL(t, "LPAD", S("hi"), I(0), S("x")), "");
    check_s(t, CALL(t, "REPEAT", S("ab"), I(3)), "ababab");
    check_s(t, CALL(t, "REPEAT", S("ab"), I(0)), "");
    check_s(t, CALL(t, "REPEAT", S("ab"), I(-2)), "");
    check_s(t, CALL(t, "REVERSE", S("héllo")), "olléh");
    check_s(t, CALL(t, "SPLIT_INDEX", S("a,b,,c"), S(","), I(0)), "a");
    check_s(t, CALL(t, "SPLIT_INDEX", S("a,b,,c"), S(","), I(2)), "");
    check_s(t, CALL(t, "SPLIT_INDEX", S("a,b,,c"), S(","), I(3)), "c");
    check_s(t, CALL(t, "SPLIT_INDEX", S("a,b,,c"), S(","), I(4)), NULL);
    check_s(t, CALL(t, "SPLIT_INDEX", S("a::b"), S("::"), I(1)), "b");
    check_s(t, CALL(t, "SPLIT_INDEX", S("a,b"), S(","), I(-1)), NULL);
    /* an empty separator splits at white space, keeping empty tokens (commons-lang) */
    check_s(t, CALL(t, "SPLIT_INDEX", S("a b"), S(""), I(1)), "b");
    check_s(t, CALL(t, "SPLIT_INDEX", S(" a\t\tb"), S(""), I(0)), "");
    check_s(t, CALL(t, "SPLIT_INDEX", S(" a\t\tb"), S(""), I(2)), "");
    check_s(t, CALL(t, "SPLIT_INDEX", S(" a\t\tb"), S(""), I(3)), "b");
    check_s(t, CALL(t, "SPLIT_INDEX", S(" a\t\tb"), S(""), I(4)), NULL);
    check_s(t, CALL(t, "SPLIT_INDEX", S("x\u3000y\u00A0z"), S(""), I(1)), "y\u00A0z");
    check_s(t, CALL(t, "SPLIT_INDEX", S("ab"), S(""), I(0)), "ab");
    check_i(t, CALL(t, "ASCII", S("A")), 65);
    check_i(t, CALL(t, "ASCII", S("")), 0);
    check_s(t, CALL(t, "CHR", I(65)), "A");
    check_s(t, CALL(t, "CHR", I(321)), "A");
    check_s(t, CALL(t, "CHR", I(233)), "é");
    check_s(t, CALL(t, "CHR", I(-1)), "");
    check_s(t, CALL(t, "HEX", I(255)), "FF");
    check_s(t, CALL(t, "HEX", I(-1)), "FFFFFFFFFFFFFFFF");
    check_s(t, CALL(t, "HEX", S("ab")), "6162");
    check_s(t, CALL(t, "BIN", I(5)), "101");
    check_s(t, CALL(t, "BIN", I(0)), "0");
    tx_free(t);
}

static void test_is_class(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 6);
    const char *vals[5] = {"123", "12a", "abc", "-1.5e3", "1.2.3"};
    for (int i = 0; i < 5; i++)
        set_s(t, 0, (uint32_t)i, vals[i]);
    set_null(t, 0, 5);
    wr_vec *d = eval_e(t, CALL(t, "IS_DIGIT", col(t, 0)));
    wr_vec *a = eval_e(t, CALL(t, "IS_ALPHA", col(t, 0)));
    wr_vec *m = eval_e(t, CALL(t, "IS_DECIMAL", col(t, 0)));
    bool wd[6] = {1, 0, 0, 0, 0, 0}, wa[6] = {0, 0, 1, 0, 0, 0}, wm[6] = {1, 0, 0, 1, 0, 0};
    for (uint32_t r = 0; r < 6; r++) {
        expect_b(d, r, wd[r]);
        expect_b(a, r, wa[r]);
        expect_b(m, r, wm[r]);
    }
    tx_free(t);
}

static void test_digests(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 1);
    const char *q = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_s(t, CALL(t, "MD5", S("")), "d41d8cd98f00b204e9800998ecf8427e");
    check_s(t, CALL(t, "MD5", S("abc")), "900150983cd24fb0d6963f7d28e17f72");
    check_s(t, CALL(t, "MD5", S("The quick brown fox jumps over the lazy dog")),
            "9e107d9d372bb6826bd81d3542a419d6");
    check_s(t, CALL(t, "SHA1", S("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    check_s(t, CALL(t, "SHA1", S(q)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    check_s(t, CALL(t, "SHA256", S("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_s(t, CALL(t, "SHA256", S("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_s(t, CALL(t, "SHA256", S(q)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_s(t, CALL(t, "TO_BASE64", S("Hello")), "SGVsbG8=");
    check_s(t, CALL(t, "TO_BASE64", S("")), "");
    check_s(t, CALL(t, "TO_BASE64", S("ab")), "YWI=");
    check_s(t, CALL(t, "FROM_BASE64", S("SGVsbG8=")), "Hello");
    check_s(t, CALL(t, "FROM_BASE64", S("SGVsbG8")), "Hello");
    check_s(t, CALL(t, "FROM_BASE64", S("!!")), NULL);
    tx_free(t);
}

static void test_json_value(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 2);
    set_s(t, 0, 0,
          "{\"a\": {\"b\": [1, {\"c\": \"x\\\"y\"}], \"t\": true, \"n\": null},"
          " \"e\": \"\\u00e9\", \"k y\": -1.5e3}");
    set_s(t, 0, 1, "{\"a\": ");
    struct {
        const char *path, *want;
    } cases[] = {
        {"$.a.b[1].c", "x\"y"}, {"$.a.b[0]", "1"},  {"$['a']['b'][0]", "1"}, {"$.a.missing", NULL},
        {"$.a", NULL},          {"$.a.t", "true"},  {"$.a.n", NULL},         {"$.e", "é"},
        {"$['k y']", "-1.5e3"}, {"$.a.b[5]", NULL}, {"lax $.a.t", "true"},   {"a.b", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wr_vec *v = eval_e(t, CALL(t, "JSON_VALUE", col(t, 0), S(cases[k].path)));
        if (cases[k].want)
            expect_s(v, 0, cases[k].want);
        else
            expect_null(v, 0);
        expect_null(v, 1); /* malformed JSON */
    }
    /* malformed after the target is still malformed (Flink parses the whole document);
     * text after the value is ignored (Jackson); a repeated key has its last value */
    set_s(t, 0, 0, "{\"a\": 1, \"b\": [1,}");
    set_s(t, 0, 1, "{\"a\": 1, \"a\": {\"x\": 2}, \"b\": 3} trailing");
    wr_vec *v = eval_e(t, CALL(t, "JSON_VALUE", col(t, 0), S("$.a")));
    expect_null(v, 0), expect_null(v, 1);
    v = eval_e(t, CALL(t, "JSON_VALUE", col(t, 0), S("$.a.x")));
    expect_null(v, 0), expect_s(v, 1, "2");
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$.a")));
    expect_null(v, 0), expect_s(v, 1, "{\"x\":2}");
    tx_free(t);
}

/* The clause forms: $JSON_VALUE / $JSON_QUERY / $JSON_EXISTS with behaviours as literals,
 * $JSON_STATUS (0 value, 1 empty, 2 error), IS JSON kinds. Rows: an object, a document that is
 * not JSON, NULL. */
static void test_json_clauses(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 3);
    set_s(t, 0, 0, "{\"a\": \"x\", \"n\": null, \"o\": {\"k\": [1, \"y\"]}, \"arr\": [1, 2]}");
    set_s(t, 0, 1, "{\"a\": ");
    set_null(t, 0, 2);
    /* status: lax -> empty, strict (the default) -> error; JSON null is empty; a container
     * is empty (lax) or an error (strict) for JSON_VALUE; a bad path is an error */
    struct {
        const char *path;
        int64_t st0, st1;
    } st[] = {
        {"$.a", 0, 2},       {"lax $.a", 0, 1},  {"$.b", 2, 2},        {"lax $.b", 1, 1},
        {"$.n", 1, 2},       {"lax $.o", 1, 1},  {"strict $.o", 2, 2}, {"$.a[", 2, 2},
        {"lax $.a.b", 1, 1}, {"$.arr[1]", 0, 2}, {"$.arr[2]", 2, 2},
    };
    for (size_t k = 0; k < sizeof st / sizeof st[0]; k++) {
        wr_expr *e = CALL(t, "$JSON_STATUS", col(t, 0), S(st[k].path));
        expect_type(e, "INT");
        wr_vec *v = eval_e(t, e);
        expect_i(v, 0, st[k].st0), expect_i(v, 1, st[k].st1), expect_null(v, 2);
    }
    /* $JSON_VALUE: NULL behaviours give NULL, ERROR fails with the reason */
    wr_vec *v = eval_e(t, CALL(t, "$JSON_VALUE", col(t, 0), S("lax $.b"), S("NULL"), S("ERROR")));
    expect_null(v, 0), expect_null(v, 1), expect_null(v, 2);
    eval_fails(t, CALL(t, "$JSON_VALUE", col(t, 0), S("lax $.b"), S("ERROR"), S("NULL")), WR_EINVAL,
               "JSON_VALUE: empty result for path 'lax $.b'");
    eval_fails(t, CALL(t, "$JSON_VALUE", col(t, 0), S("$.o"), S("NULL"), S("ERROR")), WR_EINVAL,
               "found an object or array where strict mode requires a scalar");
    eval_fails(t, CALL(t, "$JSON_VALUE", col(t, 0), S("$.a"), S("NULL"), S("ERROR")), WR_EINVAL,
               "the input is not valid JSON, with ERROR ON ERROR");
    eval_fails(t, CALL(t, "$JSON_VALUE", col(t, 0), S("$.a["), S("NULL"), S("ERROR")), WR_EINVAL,
               "path '$.a[' is not a valid JSON path");
    v = eval_e(t, CALL(t, "$JSON_VALUE", col(t, 0), S("$.a"), S("ERROR"), S("NULL")));
    expect_s(v, 0, "x"), expect_null(v, 1), expect_null(v, 2);
    /* $JSON_QUERY: wrappers, EMPTY ARRAY / EMPTY OBJECT */
    struct {
        const char *path, *wrapper, *empty, *error, *want0, *want1;
    } q[] = {
        {"$.o", "WITHOUT", "NULL", "NULL", "{\"k\":[1,\"y\"]}", NULL},
        {"$.a", "UNCONDITIONAL", "NULL", "NULL", "[\"x\"]", NULL},
        {"$.arr", "CONDITIONAL", "NULL", "NULL", "[1,2]", NULL},
        {"$.arr", "UNCONDITIONAL", "NULL", "NULL", "[[1,2]]", NULL},
        {"$.o.k[1]", "CONDITIONAL", "NULL", "NULL", "[\"y\"]", NULL},
        {"$.n", "UNCONDITIONAL", "EMPTY ARRAY", "NULL", "[]", NULL},
        {"lax $.a", "WITHOUT", "EMPTY OBJECT", "EMPTY ARRAY", "{}", "{}"},
        {"$.a", "WITHOUT", "EMPTY OBJECT", "EMPTY ARRAY", "[]", "[]"},
    };
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        v = eval_e(t, CALL(t, "$JSON_QUERY", col(t, 0), S(q[k].path), S(q[k].wrapper),
                           S(q[k].empty), S(q[k].error)));
        if (q[k].want0)
            expect_s(v, 0, q[k].want0);
        else
            expect_null(v, 0);
        if (q[k].want1)
            expect_s(v, 1, q[k].want1);
        else
            expect_null(v, 1);
        expect_null(v, 2);
    }
    eval_fails(t, CALL(t, "$JSON_QUERY", col(t, 0), S("$.a"), S("WITHOUT"), S("NULL"), S("ERROR")),
               WR_EINVAL, "found a scalar where strict mode requires an object or array");
    /* JSON_EXISTS: JSON null does not exist; errors take the ON ERROR behaviour */
    v = eval_e(t, CALL(t, "JSON_EXISTS", col(t, 0), S("$.a")));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_null(v, 2);
    v = eval_e(t, CALL(t, "JSON_EXISTS", col(t, 0), S("$.n")));
    expect_b(v, 0, false), expect_b(v, 1, false);
    v = eval_e(t, CALL(t, "$JSON_EXISTS", col(t, 0), S("$.b"), S("TRUE")));
    expect_b(v, 0, true), expect_b(v, 1, true), expect_null(v, 2);
    v = eval_e(t, CALL(t, "$JSON_EXISTS", col(t, 0), S("lax $.b"), S("TRUE")));
    expect_b(v, 0, false), expect_b(v, 1, false);
    v = eval_e(t, CALL(t, "$JSON_EXISTS", col(t, 0), S("$.b"), S("UNKNOWN")));
    expect_null(v, 0), expect_null(v, 1);
    eval_fails(t, CALL(t, "$JSON_EXISTS", col(t, 0), S("$.b"), S("ERROR")), WR_EINVAL,
               "JSON_EXISTS: path '$.b' matched no value (strict mode)");
    /* behaviours must be literals the function knows */
    call_fails(t, "$JSON_EXISTS", (wr_expr *[]){col(t, 0), S("$.b"), S("EMPTY ARRAY")}, 3,
               "must be string literals");
    call_fails(t, "$JSON_VALUE", (wr_expr *[]){col(t, 0), S("$.b"), S("NULL"), col(t, 0)}, 4,
               "must be string literals");
    /* IS JSON: NULL is not JSON; JSON null is a scalar */
    set_s(t, 0, 0, " null ");
    set_s(t, 0, 1, "[1, {}]");
    const char *kinds[] = {"IS JSON VALUE",  "IS JSON SCALAR",    "IS JSON ARRAY",
                           "IS JSON OBJECT", "IS NOT JSON VALUE", "IS NOT JSON OBJECT"};
    bool want[][3] = {{true, true, false},   {true, false, false}, {false, true, false},
                      {false, false, false}, {false, false, true}, {true, true, true}};
    for (size_t k = 0; k < 6; k++) {
        wr_expr *e = CALL(t, kinds[k], col(t, 0));
        expect_type(e, "BOOLEAN NOT NULL");
        v = eval_e(t, e);
        for (uint32_t r = 0; r < 3; r++)
            expect_b(v, r, want[k][r]);
    }
    tx_free(t);
}

static void test_math(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {T(WR_TYPE_INT)};
    tx_init(t, 1, ty, 1);
    set_i(t, 0, 0, INT32_MIN);
    check_i(t, CALL(t, "ABS", I(-5)), 5);
    check_i(t, CALL(t, "ABS", col(t, 0)), INT32_MIN); /* wraps as Java's Math.abs */
    expect_d(one(t, CALL(t, "ABS", lit_d(t, -1.5))), 0, 1.5);
    expect_text(one(t, CALL(t, "ABS", lit_dec(t, "-1.25", 4, 2))), 0, "1.25");
    check_i(t, CALL(t, "SIGN", I(-3)), -1);
    expect_d(one(t, CALL(t, "SIGN", lit_d(t, 2.5))), 0, 1.0);
    expect_text(one(t, CALL(t, "SIGN", lit_dec(t, "-2.50", 4, 2))), 0, "-1.00");
    /* ROUND: HALF_UP on the decimal text of a double */
    expect_d(one(t, CALL(t, "ROUND", lit_d(t, 2.675), I(2))), 0, 2.68);
    expect_d(one(t, CALL(t, "ROUND", lit_d(t, -2.5))), 0, -3.0);
    expect_d(one(t, CALL(t, "ROUND", lit_d(t, 0.5))), 0, 1.0);
    expect_d(one(t, CALL(t, "ROUND", lit_d(t, 1234.5678), I(-2))), 0, 1200.0);
    expect_d(one(t, CALL(t, "ROUND", lit_d(t, 9.995), I(2))), 0, 10.0);
    check_i(t, CALL(t, "ROUND", I(1234), I(-2)), 1200);
    check_i(t, CALL(t, "ROUND", I(1250), I(-2)), 1300);
    check_i(t, CALL(t, "ROUND", I(-1250), I(-2)), -1300);
    wr_expr *r = CALL(t, "ROUND", lit_dec(t, "1.255", 6, 3), I(2));
    expect_type(r, "DECIMAL(6, 2) NOT NULL");
    expect_text(one(t, r), 0, "1.26");
    r = CALL(t, "ROUND", lit_dec(t, "9.99", 3, 2), I(1));
    expect_type(r, "DECIMAL(3, 1) NOT NULL");
    expect_text(one(t, r), 0, "10.0");
    expect_text(one(t, CALL(t, "ROUND", lit_dec(t, "-1.5", 2, 1))), 0, "-2");
    expect_text(one(t, CALL(t, "ROUND", lit_dec(t, "125.5", 4, 1), I(-1))), 0, "130");
    expect_d(one(t, CALL(t, "TRUNCATE", lit_d(t, 2.679), I(2))), 0, 2.67);
    expect_d(one(t, CALL(t, "TRUNCATE", lit_d(t, -2.679), I(2))), 0, -2.67);
    expect_text(one(t, CALL(t, "TRUNCATE", lit_dec(t, "1.259", 4, 3), I(1))), 0, "1.2");
    check_i(t, CALL(t, "TRUNCATE", I(1299), I(-2)), 1200);
    /* CEIL / FLOOR */
    expect_d(one(t, CALL(t, "CEIL", lit_d(t, 1.2))), 0, 2.0);
    expect_d(one(t, CALL(t, "FLOOR", lit_d(t, -1.2))), 0, -2.0);
    r = CALL(t, "CEIL", lit_dec(t, "-1.5", 2, 1));
    expect_type(r, "DECIMAL(2, 0) NOT NULL");
    expect_text(one(t, r), 0, "-1");
    expect_text(one(t, CALL(t, "FLOOR", lit_dec(t, "-1.5", 2, 1))), 0, "-2");
    expect_text(one(t, CALL(t, "CEIL", lit_dec(t, "1.01", 3, 2))), 0, "2");
    check_i(t, CALL(t, "FLOOR", I(7)), 7);
    /* DOUBLE functions */
    expect_d(one(t, CALL(t, "POWER", I(2), I(10))), 0, 1024.0);
    expect_d(one(t, CALL(t, "SQRT", I(16))), 0, 4.0);
    expect_d(one(t, CALL(t, "SQRT", I(-1))), 0, NAN);
    expect_d(one(t, CALL(t, "LN", CALL0(t, "E"))), 0, 1.0);
    expect_d(one(t, CALL(t, "LN", I(0))), 0, -INFINITY);
    expect_d(one(t, CALL(t, "LOG10", I(1000))), 0, 3.0);
    expect_d(one(t, CALL(t, "LOG2", I(8))), 0, 3.0);
    expect_d(one(t, CALL(t, "EXP", I(0))), 0, 1.0);
    expect_d(one(t, CALL0(t, "PI")), 0, M_PI);
    wr_value lv;
    assert_int_equal(wr_expr_eval_constant(CALL(t, "LOG", I(2), I(1024)), &t->arena, &lv, &t->err),
                     0);
    assert_true(fabs(lv.d - 10.0) < 1e-12);
    tx_free(t);
}

static void test_rand(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {T(WR_TYPE_INT)};
    tx_init(t, 1, ty, 3);
    /* java.util.Random(42).nextDouble() */
    wr_vec *v = eval_e(t, CALL(t, "RAND", I(42)));
    expect_d(v, 0, 0.7275636800328681);
    wr_value a, b;
    wr_vec_get(v, 1, &a);
    wr_vec *w = eval_e(t, CALL(t, "RAND", I(42)));
    wr_vec_get(w, 1, &b);
    assert_true(a.d == b.d && a.d != 0.7275636800328681);
    v = eval_e(t, CALL(t, "RAND_INTEGER", I(42), I(10)));
    expect_i(v, 0, 0);
    wr_vec *u = eval_e(t, CALL(t, "RAND_INTEGER", I(100)));
    for (uint32_t r = 0; r < 3; r++) {
        wr_vec_get(u, r, &a);
        assert_true(!a.is_null && a.i >= 0 && a.i < 100);
    }
    tx_free(t);
}

static void test_more_functions(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 2);
    set_s(t, 0, 0, "{\"a\": {\"b\": [1, 2], \"s\": [\"x y\", \"q\\\"r\"]}}");
    set_s(t, 0, 1, "[]");
    wr_vec *v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$.a.b")));
    expect_s(v, 0, "[1,2]"), expect_null(v, 1);
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$.a")));
    expect_s(v, 0, "{\"b\":[1,2],\"s\":[\"x y\",\"q\\\"r\"]}");
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$.a.b[0]")));
    expect_null(v, 0);
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$")));
    expect_s(v, 1, "[]");
    /* strings are re-escaped as Flink's Jackson writes them: \u escapes of printable
     * characters decoded, '/' unescaped, control characters short or \u00XX */
    set_s(t, 0, 0, "{\"k\": [\"K\\u00f6ln \\/ \\u20AC\", \"a\\tb\\u0001\", \"\\\"q\\\\\"]}");
    set_s(t, 0, 1, "{\"s\": \"x\\u000Ay \\ud83d\\ude00\"}");
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$.k")));
    expect_s(v, 0, "[\"Köln / €\",\"a\\tb\\u0001\",\"\\\"q\\\\\"]");
    v = eval_e(t, CALL(t, "JSON_QUERY", col(t, 0), S("$")));
    expect_s(v, 1, "{\"s\":\"x\\ny 😀\"}");
    check_s(t, CALL(t, "OVERLAY", S("abcdef"), S("XY"), I(3)), "abXYef");
    check_s(t, CALL(t, "OVERLAY", S("abcdef"), S("XY"), I(3), I(0)), "abXYcdef");
    check_s(t, CALL(t, "OVERLAY", S("abcdef"), S("XY"), I(3), I(10)), "abXY");
    check_s(t, CALL(t, "OVERLAY", S("abc"), S("X"), I(0)), "abc");
    check_s(t, CALL(t, "OVERLAY", S("héllo"), S("E"), I(2)), "hEllo");
    wr_expr *u = CALL0(t, "UUID");
    assert_false(wr_expr_is_constant(u));
    v = eval_e(t, u);
    wr_value a, b;
    wr_vec_get(v, 0, &a);
    wr_vec_get(v, 1, &b);
    assert_int_equal(a.s.len, 36);
    assert_int_equal(b.s.len, 36);
    assert_true(a.s.ptr[8] == '-' && a.s.ptr[13] == '-' && a.s.ptr[14] == '4');
    assert_non_null(strchr("89ab", a.s.ptr[19]));
    assert_true(memcmp(a.s.ptr, b.s.ptr, 36) != 0);
    check_s(t, CALL(t, "TYPEOF", lit_dec(t, "1.5", 10, 2)), "DECIMAL(10, 2) NOT NULL");
    tx_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concat_case_length),
        cmocka_unit_test(test_trim_substring),
        cmocka_unit_test(test_search_replace_pad),
        cmocka_unit_test(test_is_class),
        cmocka_unit_test(test_digests),
        cmocka_unit_test(test_json_value),
        cmocka_unit_test(test_json_clauses),
        cmocka_unit_test(test_math),
        cmocka_unit_test(test_rand),
        cmocka_unit_test(test_more_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
