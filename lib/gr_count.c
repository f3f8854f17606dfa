#include "gr_count.h"
#include "gr_util.h"

#include <string.h>

/* A count is short; longer text is not a count (and keeps this bounded). */
#define COUNT_MAX_IN 512
#define COUNT_MAX_NORM (COUNT_MAX_IN * 4 + 8)

struct norm {
    char t[COUNT_MAX_NORM];
    size_t map[COUNT_MAX_NORM + 1];   /* original offset of each byte of t */
    size_t len;
};

/* Decodes one character at s[i] (an entity or a UTF-8 sequence); returns its
 * code point (0xFFFD when invalid) and sets *w to the bytes consumed. */
static unsigned long next_char(const char *s, size_t n, size_t i, size_t *w)
{
    const unsigned char *p = (const unsigned char *)s + i;
    size_t left = n - i;
    unsigned c = p[0];

    if (c == '&') {
        size_t j;
        for (j = 1; j < left && j < 10 && p[j] != ';'; j++)
            ;
        if (j < left && p[j] == ';') {
            if (j == 5 && memcmp(p + 1, "nbsp", 4) == 0) {
                *w = 6;
                return 0xA0;
            }
            if (j == 4 && memcmp(p + 1, "amp", 3) == 0) {
                *w = 5;
                return '&';
            }
            if (j >= 3 && p[1] == '#') {
                unsigned long cp = 0;
                size_t k = 2;
                bool hex = p[2] == 'x' || p[2] == 'X', ok = true;
                if (hex)
                    k = 3;
                if (k == j)
                    ok = false;
                for (; k < j && ok; k++) {
                    int d = hex ? gr_hexval(p[k]) : (p[k] >= '0' && p[k] <= '9' ? p[k] - '0' : -1);
                    if (d < 0 || cp > 0x10FFFF)
                        ok = false;
                    else
                        cp = cp * (hex ? 16 : 10) + (unsigned)d;
                }
                if (ok && cp <= 0x10FFFF) {
                    *w = j + 1;
                    return cp;
                }
            }
        }
        *w = 1;
        return '&';
    }
    if (c < 0x80) {
        *w = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF && left >= 2 && (p[1] & 0xC0) == 0x80) {
        *w = 2;
        return ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    }
    if (c >= 0xE0 && c <= 0xEF && left >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        unsigned long cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        *w = 3;
        return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? cp : 0xFFFD;
    }
    if (c >= 0xF0 && c <= 0xF4 && left >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        unsigned long cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        *w = 4;
        return cp >= 0x10000 && cp <= 0x10FFFF ? cp : 0xFFFD;
    }
    *w = 1;
    return 0xFFFD;
}

static bool put(struct norm *o, const char *b, size_t k, size_t orig)
{
    if (o->len + k > COUNT_MAX_NORM)
        return false;
    for (size_t i = 0; i < k; i++) {
        o->t[o->len] = b[i];
        o->map[o->len] = orig;
        o->len++;
    }
    return true;
}

static bool normalise(const char *s, size_t n, struct norm *o)
{
    size_t i = 0;

    o->len = 0;
    while (i < n) {
        size_t w;
        unsigned long cp = next_char(s, n, i, &w);
        char u[4];
        size_t k;

        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = '0' + (cp - 0xFF10);
        else if (cp == 0xFF1A)
            cp = ':';
        else if (cp == 0xFF0B)
            cp = '+';
        else if (cp == 0xFF0C)
            cp = ',';
        else if (cp == 0xFF0E)
            cp = '.';
        else if (cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) || cp == '\t' || cp == '\n' ||
                 cp == '\r' || cp == '\f' || cp == '\v')
            cp = ' ';
        if (cp == 0)
            return false;
        k = gr_utf8_encode((uint32_t)cp, u);
        if (!put(o, u, k, i))
            return false;
        i += w;
    }
    o->map[o->len] = n;
    return true;
}

/* Skips the longest of words at t[*p]; true when one matched. */
static bool skip_word(const struct norm *o, size_t *p, const char *const *words)
{
    size_t best = 0;

    for (size_t k = 0; words[k]; k++) {
        size_t wl = strlen(words[k]);
        if (wl > best && *p + wl <= o->len && memcmp(o->t + *p, words[k], wl) == 0)
            best = wl;
    }
    *p += best;
    return best > 0;
}

static void skip_spaces(const struct norm *o, size_t *p)
{
    while (*p < o->len && o->t[*p] == ' ')
        (*p)++;
}

static const char *const labels[] = {
    "下载次数", "下载量", "总下载", "下载", "阅读数", "阅读量", "阅读", "点赞数", "点赞", "赞", "安装量", "安装",
    "UserDownloads", NULL,
};
static const char *const suffixes[] = { "次下载", "次安装", "次", "下载", "人安装", "人下载", "安装", "人", NULL };

struct unit {
    const char *word;
    int exp;
};
static const struct unit units[] = {
    { "万亿", 12 }, { "千万", 7 }, { "百万", 6 }, { "亿", 8 }, { "万", 4 }, { "千", 3 }, { NULL, 0 },
};

enum gr_rc gr_count_parse(const char *s, size_t n, struct gr_count *out)
{
    struct norm o;
    size_t p = 0, raw_start, raw_end, nstart, nend;
    char ip[32], fp[32];
    size_t ipn = 0, fpn = 0, dots = 0, commas = 0;
    int exp = 0;
    bool capped = false, thousands_dots = false;
    int64_t v = 0, mult = 1, frac = 0;

    if (!s || n == 0 || n > COUNT_MAX_IN || !normalise(s, n, &o))
        return GR_EDATA;
    skip_spaces(&o, &p);
    if (skip_word(&o, &p, labels)) {
        skip_spaces(&o, &p);
        if (p < o.len && o.t[p] == ':')
            p++;
        skip_spaces(&o, &p);
    }
    raw_start = p;
    /* the number token: digits, ',' and '.' between digits */
    nstart = p;
    while (p < o.len) {
        char c = o.t[p];
        if (c >= '0' && c <= '9') {
            p++;
        } else if ((c == ',' || c == '.') && p > nstart && p + 1 < o.len && o.t[p + 1] >= '0' &&
                   o.t[p + 1] <= '9' && o.t[p - 1] >= '0' && o.t[p - 1] <= '9') {
            if (c == ',')
                commas++;
            else
                dots++;
            p++;
        } else {
            break;
        }
    }
    nend = p;
    if (nend == nstart)
        return GR_EDATA;
    raw_end = nend;
    skip_spaces(&o, &p);
    for (int u = 0; units[u].word; u++) {
        size_t wl = strlen(units[u].word);
        if (p + wl <= o.len && memcmp(o.t + p, units[u].word, wl) == 0) {
            exp = units[u].exp;
            p += wl;
            raw_end = p;
            break;
        }
    }
    skip_spaces(&o, &p);
    if (p < o.len && o.t[p] == '+') {
        capped = true;
        p++;
        raw_end = p;
        skip_spaces(&o, &p);
    }
    {
        size_t q = p;
        skip_spaces(&o, &q);
        if (skip_word(&o, &q, suffixes))
            raw_end = p = q;
    }
    skip_spaces(&o, &p);
    if (!capped && p < o.len && o.t[p] == '+') {   /* "7001万次+" is not a form we accept */
        return GR_EDATA;
    }
    if (p != o.len)
        return GR_EDATA;

    /* Dots: one decimal point, or (no unit, no commas) thousands groups. */
    if (dots > 1 || (dots == 1 && exp == 0)) {
        size_t g = 0, groups = 0;
        bool ok = exp == 0 && commas == 0;
        for (size_t i = nstart; i <= nend && ok; i++) {
            if (i == nend || o.t[i] == '.') {
                ok = groups == 0 ? (g >= 1 && g <= 3) : g == 3;
                groups++;
                g = 0;
            } else {
                g++;
            }
        }
        if (!ok)
            return GR_EDATA;
        thousands_dots = true;
    }
    for (size_t i = nstart, in_frac = 0; i < nend; i++) {
        char c = o.t[i];
        if (c == ',')
            continue;
        if (c == '.') {
            if (!thousands_dots)
                in_frac = 1;
            continue;
        }
        if (in_frac) {
            if (fpn >= sizeof fp)
                return GR_EDATA;
            fp[fpn++] = c;
        } else {
            if (ipn == 0 && c == '0')
                continue;        /* leading zeros */
            if (ipn >= 19)
                return GR_EDATA;
            ip[ipn++] = c;
        }
    }
    while (fpn > 0 && fp[fpn - 1] == '0')
        fpn--;
    if ((int)fpn > exp)
        return GR_EDATA;         /* not a whole number */
    for (size_t i = 0; i < ipn; i++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, ip[i] - '0', &v))
            return GR_EDATA;
    }
    for (int e = 0; e < exp; e++)
        mult *= 10;
    for (size_t i = 0; i < fpn; i++)
        frac = frac * 10 + (fp[i] - '0');
    for (int e = (int)fpn; e < exp; e++)
        frac *= 10;
    if (__builtin_mul_overflow(v, mult, &v) || __builtin_add_overflow(v, frac, &v))
        return GR_EDATA;
    if (capped && __builtin_add_overflow(v, 1, &v))
        return GR_EDATA;
    out->value = v;
    out->capped = capped;
    out->raw_off = o.map[raw_start];
    out->raw_len = o.map[raw_end] - o.map[raw_start];
    return GR_OK;
}
