/* types_time.c - DATE, TIME and TIMESTAMP helpers: conversion between day numbers and
 * proleptic Gregorian civil dates, strict parsing of the SQL text forms, and formatting with
 * an exact number of fraction digits. Values are days since 1970-01-01 (DATE) and
 * microseconds (TIME since midnight, TIMESTAMP since the epoch); negative timestamps (before
 * 1970) are handled with floor division so that the time of day is never negative. */
#include "types/types.h"

#include <inttypes.h>
#include <stdio.h>

#define US_PER_SEC    1000000ll
#define US_PER_DAY    (86400ll * US_PER_SEC)
#define DAYS_PER_400Y 146097
/* Days from 0000-03-01 (the start of the shifted era used below) to 1970-01-01. */
#define EPOCH_SHIFT 719468

/* The calendar repeats every 400 years (146097 days). Counting years from March makes the
 * leap day the last day of the year, so the day of year follows from the month by a linear
 * formula (months of 31/30 days alternate in a 153-days-per-5-months pattern). */
int32_t wr_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    if (m <= 2) y -= 1;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                         /* 0..399 */
    int64_t mar = m > 2 ? m - 3 : m + 9;                 /* 0 = March */
    int64_t doy = (153 * mar + 2) / 5 + (int64_t)d - 1;  /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return (int32_t)(era * DAYS_PER_400Y + doe - EPOCH_SHIFT);
}

void wr_civil_from_days(int32_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = (int64_t)days + EPOCH_SHIFT;
    int64_t era = (z >= 0 ? z : z - (DAYS_PER_400Y - 1)) / DAYS_PER_400Y;
    int64_t doe = z - era * DAYS_PER_400Y;
    /* Remove the leap days before doe (one per 4 years, minus centuries, plus the 400th). */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_400Y - 1)) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = mm;
    *y = yoe + era * 400 + (mm <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* ------------------------------------------------------------------------------------------
 * Parsing. A cursor over [p, end); each step consumes exactly what it accepts.
 * ---------------------------------------------------------------------------------------- */
typedef struct cursor {
    const char *p, *end;
} cursor;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static cursor cursor_trimmed(const char *s, size_t n)
{
    cursor c = {s, s + n};
    while (c.p < c.end && is_space(*c.p))
        c.p++;
    while (c.end > c.p && is_space(c.end[-1]))
        c.end--;
    return c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Between min and max digits; false when fewer than min are present. */
static bool take_digits(cursor *c, int min, int max, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    while (n < max && c->p < c->end && is_digit(*c->p)) {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    *out = v;
    return n >= min;
}

static bool take_char(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* yyyy-M[M]-d[d]: four-digit year 0000..9999, month and day with one or two digits. */
static int take_date(cursor *c, int32_t *days)
{
    int64_t y, m, d;
    if (!take_digits(c, 4, 4, &y) || !take_char(c, '-') || !take_digits(c, 1, 2, &m) ||
        !take_char(c, '-') || !take_digits(c, 1, 2, &d))
        return WR_EPARSE;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m)) return WR_EPARSE;
    *days = wr_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

/* H[H]:mm:ss[.f{1,9}]; digits past microseconds are dropped (truncated). */
static int take_time(cursor *c, int64_t *us)
{
    int64_t h, mi, s;
    if (!take_digits(c, 1, 2, &h) || !take_char(c, ':') || !take_digits(c, 2, 2, &mi) ||
        !take_char(c, ':') || !take_digits(c, 2, 2, &s))
        return WR_EPARSE;
    if (h > 23 || mi > 59 || s > 59) return WR_EPARSE;
    int64_t frac = 0;
    if (take_char(c, '.')) {
        int n = 0;
        while (c->p < c->end && is_digit(*c->p)) {
            if (n < 6) frac = frac * 10 + (*c->p - '0');
            c->p++;
            if (++n > 9) return WR_EPARSE;
        }
        if (n == 0) return WR_EPARSE;
        for (; n < 6; n++)
            frac *= 10;
    }
    *us = ((h * 60 + mi) * 60 + s) * US_PER_SEC + frac;
    return 0;
}

int wr_parse_date(const char *s, size_t n, int32_t *out)
{
    cursor c = cursor_trimmed(s, n);
    int32_t days;
    if (take_date(&c, &days) < 0 || c.p != c.end) return WR_EPARSE;
    *out = days;
    return 0;
}

int wr_parse_time(const char *s, size_t n, int64_t *out_us)
{
    cursor c = cursor_trimmed(s, n);
    int64_t us;
    if (take_time(&c, &us) < 0 || c.p != c.end) return WR_EPARSE;
    *out_us = us;
    return 0;
}

int wr_parse_timestamp(const char *s, size_t n, int64_t *out_us)
{
    cursor c = cursor_trimmed(s, n);
    int32_t days;
    int64_t tod = 0;
    if (take_date(&c, &days) < 0) return WR_EPARSE;
    if (take_char(&c, ' ') || take_char(&c, 'T')) {
        if (take_time(&c, &tod) < 0) return WR_EPARSE;
    }
    take_char(&c, 'Z');
    if (c.p != c.end) return WR_EPARSE;
    *out_us = (int64_t)days * US_PER_DAY + tod;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Formatting
 * ---------------------------------------------------------------------------------------- */
static int clamp_precision(int p)
{
    return p < 0 ? 0 : p > 9 ? 9 : p;
}

/* Years outside 0000..9999 are written as java.time does: a sign and at least 4 digits. */
static int put_date(char *buf, size_t size, int32_t days)
{
    int64_t y;
    unsigned m, d;
    wr_civil_from_days(days, &y, &m, &d);
    if (y < 0) return snprintf(buf, size, "-%04" PRId64 "-%02u-%02u", -y, m, d);
    if (y > 9999) return snprintf(buf, size, "+%" PRId64 "-%02u-%02u", y, m, d);
    return snprintf(buf, size, "%04" PRId64 "-%02u-%02u", y, m, d);
}

/* Time of day (0 <= tod < one day) with exactly p fraction digits; past 6 digits (more than
 * we store) zeros are appended. */
static int put_time(char *buf, size_t size, int64_t tod, int p)
{
    int64_t secs = tod / US_PER_SEC, frac = tod % US_PER_SEC;
    int len = snprintf(buf, size, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
                       (int)(secs % 60));
    if (p > 0) {
        int shown = p < 6 ? p : 6;
        int64_t f = frac;
        for (int i = shown; i < 6; i++)
            f /= 10;
        len += snprintf(buf + len, size - (size_t)len, ".%0*" PRId64 "%.*s", shown, f, p - shown,
                        "000");
    }
    return len;
}

int wr_format_date(int32_t days, wr_buf *out)
{
    char buf[32];
    int len = put_date(buf, sizeof buf, days);
    return wr_buf_append(out, buf, (size_t)len);
}

int wr_format_time(int64_t us, int precision, wr_buf *out)
{
    char buf[32];
    int len = put_time(buf, sizeof buf, wr_floor_mod(us, US_PER_DAY), clamp_precision(precision));
    return wr_buf_append(out, buf, (size_t)len);
}

int wr_format_timestamp(int64_t us, int precision, char sep, wr_buf *out)
{
    char buf[64];
    int64_t days = wr_floor_div(us, US_PER_DAY);
    int len = put_date(buf, sizeof buf, (int32_t)days);
    buf[len++] = sep;
    len += put_time(buf + len, sizeof buf - (size_t)len, us - days * US_PER_DAY,
                    clamp_precision(precision));
    return wr_buf_append(out, buf, (size_t)len);
}
