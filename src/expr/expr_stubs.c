/* expr_stubs.c - temporary. */
#include "expr/expr_internal.h"
int wr_expr_k_pattern(wr_expr_ctx *c, const wr_expr_insn *I)
{
    return wr_expr_fail(c, WR_EUNSUPPORTED, "todo");
}
int wr_expr_k_digest(wr_expr_ctx *c, const wr_expr_insn *I)
{
    return wr_expr_fail(c, WR_EUNSUPPORTED, "todo");
}
int wr_expr_k_json(wr_expr_ctx *c, const wr_expr_insn *I)
{
    return wr_expr_fail(c, WR_EUNSUPPORTED, "todo");
}
int wr_expr_k_math(wr_expr_ctx *c, const wr_expr_insn *I)
{
    return wr_expr_fail(c, WR_EUNSUPPORTED, "todo");
}
int wr_expr_k_time(wr_expr_ctx *c, const wr_expr_insn *I)
{
    return wr_expr_fail(c, WR_EUNSUPPORTED, "todo");
}
int wr_expr_like_compile(wr_expr_prog *p, const char *pat, size_t n, int esc, void **out,
                         wr_error *err)
{
    *out = NULL;
    return 0;
}
void wr_expr_like_free(void *like) {}
void *wr_expr_regex_compile(const char *pat, size_t n)
{
    return NULL;
}
void wr_expr_regex_free(void *re) {}
void *wr_expr_datefmt_compile(const char *pat, size_t n)
{
    return NULL;
}
void wr_expr_datefmt_free(void *f) {}
int32_t wr_expr_add_months_days(int32_t days, int64_t months)
{
    return days;
}
int64_t wr_expr_add_months_ts(int64_t us, int64_t months)
{
    return us;
}
