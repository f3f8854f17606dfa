#include "gr_charset.h"
#include "gr_util.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define META_WINDOW 4096

/* Copies a charset token (letters, digits, - _ . :) lower-cased. */
static bool take_name(const char *p, const char *end, char *name, size_t namesz)
{
    size_t k = 0;

    while (p < end && (*p == ' ' || *p == '"' || *p == '\'' || *p == '='))
        p++;
    while (p < end && k + 1 < namesz) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':')
            name[k++] = c;
        else if (c >= 'A' && c <= 'Z')
            name[k++] = (char)(c - 'A' + 'a');
        else
            break;
        p++;
    }
    name[k] = '\0';
    return k > 0;
}

static void canonical(char *name, size_t namesz)
{
    if (!strcmp(name, "gb2312") || !strcmp(name, "gbk") || !strcmp(name, "gb18030") || !strcmp(name, "x-gbk") ||
        !strcmp(name, "cp936") || !strcmp(name, "euc-cn") || !strcmp(name, "x-euc-cn") || !strcmp(name, "windows-936"))
        snprintf(name, namesz, "gb18030");
    else if (!strcmp(name, "utf8") || !strcmp(name, "utf-8") || !strcmp(name, "unicode-1-1-utf-8") || !strcmp(name, "ascii") ||
             !strcmp(name, "us-ascii"))
        snprintf(name, namesz, "utf-8");
}

/* Finds "charset" followed by [=:] then a name in s[0..n), case-insensitive. */
static bool find_charset(const char *s, size_t n, char *name, size_t namesz)
{
    for (size_t i = 0; i + 7 <= n; i++) {
        if (strncasecmp(s + i, "charset", 7) == 0) {
            const char *p = s + i + 7, *end = s + n;
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p < end && *p == '=' && take_name(p, end, name, namesz))
                return true;
        }
    }
    return false;
}

void gr_charset_resolve(const char *content_type, const char *body, size_t len, char *name, size_t namesz)
{
    if (namesz == 0)
        return;
    name[0] = '\0';
    if (content_type && find_charset(content_type, strlen(content_type), name, namesz))
        goto done;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        snprintf(name, namesz, "utf-8");
        goto done;
    }
    if (len >= 2 && (memcmp(body, "\xFF\xFE", 2) == 0)) {
        snprintf(name, namesz, "utf-16le");
        goto done;
    }
    if (len >= 2 && (memcmp(body, "\xFE\xFF", 2) == 0)) {
        snprintf(name, namesz, "utf-16be");
        goto done;
    }
    {
        size_t w = len < META_WINDOW ? len : META_WINDOW;
        /* only inside a <meta ...> tag, any case */
        for (size_t i = 0; i + 5 <= w; i++) {
            if (strncasecmp(body + i, "<meta", 5) == 0) {
                const char *gt = memchr(body + i, '>', w - i);
                size_t tl = gt ? (size_t)(gt - (body + i)) : w - i;
                if (find_charset(body + i, tl, name, namesz))
                    goto done;
            }
        }
    }
    snprintf(name, namesz, "utf-8");
done:
    canonical(name, namesz);
}

/* Copies UTF-8, replacing invalid bytes and dropping NULs. Valid text is
 * scanned eight ASCII bytes at a time and copied in runs. With out NULL it
 * only checks: GR_EDATA at the first byte it would change. */
static enum gr_rc clean_utf8(const char *s, size_t n, struct gr_buf *out, size_t *replaced)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = 0;
    enum gr_rc rc;

    while (i < n) {
        unsigned c;
        size_t k;
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            /* any high bit, or any zero byte, ends the fast run */
            if ((w & UINT64_C(0x8080808080808080)) ||
                ((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)))
                break;
            i += 8;
        }
        while (i < n && p[i] >= 1 && p[i] < 0x80)
            i++;
        /* the common CJK case: runs of three-byte sequences */
        while (i + 2 < n && p[i] >= 0xE1 && p[i] <= 0xEC && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80)
            i += 3;
        if (i >= n)
            break;
        c = p[i];
        if (c >= 1 && c < 0x80)
            continue;
        if (c != 0 && (k = gr_utf8_seq(p + i, n - i)) > 0) {
            i += k;
            continue;
        }
        if (!out)
            return GR_EDATA;
        if (i > start && (rc = gr_buf_append(out, s + start, i - start)))
            return rc;
        if (c != 0) {
            if ((rc = gr_buf_append(out, "\xEF\xBF\xBD", 3)))
                return rc;
            if (replaced)
                (*replaced)++;
        }
        i++;
        start = i;
    }
    return n > start && out ? gr_buf_append(out, s + start, n - start) : GR_OK;
}

bool gr_charset_is_clean_utf8(const char *body, size_t len)
{
    return !(len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) && clean_utf8(body, len, NULL, NULL) == GR_OK;
}

/* iconv's UTF-8 output is valid by construction: only NULs are dropped. */
static enum gr_rc append_no_nul(const char *s, size_t n, struct gr_buf *out)
{
    enum gr_rc rc = GR_OK;
    const char *z;

    while (n && (z = memchr(s, '\0', n))) {
        if (z > s && (rc = gr_buf_append(out, s, (size_t)(z - s))))
            return rc;
        n -= (size_t)(z - s) + 1;
        s = z + 1;
    }
    return n ? gr_buf_append(out, s, n) : rc;
}

static __thread iconv_t tl_cd = (iconv_t)-1;
static __thread char tl_cs[64];

enum gr_rc gr_charset_to_utf8(const char *charset, const char *body, size_t len, struct gr_buf *out,
                              size_t *replaced)
{
    size_t start = 0;
    enum gr_rc rc = GR_OK;
    char tmp[8192];
    char *in;
    size_t inleft;

    gr_buf_reset(out);
    if (replaced)
        *replaced = 0;
    if (!charset || !*charset || strcmp(charset, "utf-8") == 0) {
        if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
            start = 3;
        rc = clean_utf8(body + start, len - start, out, replaced);
        if (!rc && !out->data)
            rc = gr_buf_append(out, "", 0);
        return rc;
    }
    if (strcmp(tl_cs, charset) != 0) {
        if (tl_cd != (iconv_t)-1)
            iconv_close(tl_cd);
        tl_cd = iconv_open("UTF-8", charset);
        if (tl_cd == (iconv_t)-1) {
            tl_cs[0] = '\0';
            return gr_charset_to_utf8("utf-8", body, len, out, replaced);   /* unknown: read as UTF-8 */
        }
        snprintf(tl_cs, sizeof tl_cs, "%s", charset);
    }
    iconv(tl_cd, NULL, NULL, NULL, NULL);
    in = (char *)body;
    inleft = len;
    while (inleft > 0) {
        char *o = tmp;
        size_t oleft = sizeof tmp;
        size_t r = iconv(tl_cd, &in, &inleft, &o, &oleft);
        int e = errno;
        if (o > tmp && (rc = append_no_nul(tmp, (size_t)(o - tmp), out)))
            return rc;
        if (r != (size_t)-1)
            break;
        if (e == E2BIG)
            continue;
        /* EILSEQ or EINVAL (truncated at the end): replace one byte */
        if ((rc = gr_buf_append(out, "\xEF\xBF\xBD", 3)))
            return rc;
        if (replaced)
            (*replaced)++;
        in++;
        inleft--;
        iconv(tl_cd, NULL, NULL, NULL, NULL);
    }
    if (!out->data)
        rc = gr_buf_append(out, "", 0);
    return rc;
}
