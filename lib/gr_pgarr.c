/* PostgreSQL array literals ({...} text) built for array parameters: the
 * bulk statements send one array per column instead of one row at a time. */
#include <string.h>

#include "gr_pgarr.h"
#include "gr_util.h"

void gr_pgarr_init(struct gr_pgarr *a)
{
    gr_buf_init(&a->b, (size_t)1 << 30);
    gr_buf_appendc(&a->b, '{');
    a->n = 0;
}

/* Appends s as an element, with invalid UTF-8 bytes and NULs replaced by
 * '?' (the database holds text). NULL gives an SQL NULL element. */
void gr_pgarr_str(struct gr_pgarr *a, const char *s)
{
    size_t n;
    if (a->n++)
        gr_buf_appendc(&a->b, ',');
    if (!s) {
        gr_buf_appends(&a->b, "NULL");
        return;
    }
    n = strlen(s);
    gr_buf_appendc(&a->b, '"');
    while (n) {
        size_t ok = gr_utf8_check(s, n), i = 0;
        while (i < ok) {
            size_t r = i;
            while (r < ok && s[r] != '"' && s[r] != '\\')
                r++;
            gr_buf_append(&a->b, s + i, r - i);
            if (r < ok) {
                gr_buf_appendc(&a->b, '\\');
                gr_buf_appendc(&a->b, s[r]);
                r++;
            }
            i = r;
        }
        if (ok == n)
            break;
        gr_buf_appendc(&a->b, '?');
        s += ok + 1;
        n -= ok + 1;
    }
    gr_buf_appendc(&a->b, '"');
}

/* Decimal digits of v into the end of buf (no printf: this runs for every
 * column of every completed job); returns the first character. */
static char *fmt_u64(uint64_t v, char *end)
{
    *--end = '\0';
    do
        *--end = (char)('0' + v % 10);
    while ((v /= 10));
    return end;
}

void gr_pgarr_i64(struct gr_pgarr *a, int64_t v, bool null)
{
    char buf[24], *p;
    if (a->n++)
        gr_buf_appendc(&a->b, ',');
    if (null) {
        gr_buf_appends(&a->b, "NULL");
        return;
    }
    p = fmt_u64(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, buf + sizeof buf);
    if (v < 0)
        *--p = '-';
    gr_buf_appends(&a->b, p);
}

/* v with six decimals (timestamps in seconds, timings in milliseconds). */
void gr_pgarr_f(struct gr_pgarr *a, double v, bool null)
{
    char buf[48], *p;
    double m;
    uint64_t whole, frac;
    bool neg = v < 0;

    if (a->n++)
        gr_buf_appendc(&a->b, ',');
    if (null || v != v) {
        gr_buf_appends(&a->b, "NULL");
        return;
    }
    if (v > 9e12 || v < -9e12) {
        gr_buf_printf(&a->b, "%.6f", v);
        return;
    }
    m = (neg ? -v : v) * 1e6 + 0.5;
    whole = (uint64_t)m / 1000000;
    frac = (uint64_t)m % 1000000;
    p = fmt_u64(frac + 1000000, buf + sizeof buf);   /* "1dddddd": six digits after the 1 */
    *p = '.';
    {
        char wb[24], *w = fmt_u64(whole, wb + sizeof wb);
        size_t wl = strlen(w);
        p -= wl;
        memcpy(p, w, wl);
    }
    if (neg)
        *--p = '-';
    gr_buf_appends(&a->b, p);
}

const char *gr_pgarr_end(struct gr_pgarr *a)
{
    gr_buf_appendc(&a->b, '}');
    return a->b.data;
}

void gr_pgarr_reset(struct gr_pgarr *a)
{
    gr_buf_reset(&a->b);
    gr_buf_appendc(&a->b, '{');
    a->n = 0;
}

void gr_pgarr_free(struct gr_pgarr *a)
{
    gr_buf_free(&a->b);
}

