#include "gr_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_log.h"

void gr_buf_init(struct gr_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void gr_buf_free(struct gr_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void gr_buf_reset(struct gr_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum gr_rc grow(struct gr_buf *b, size_t need)
{
    size_t ncap;
    char *p;

    if (need > b->max)
        return GR_ELIMIT;
    if (need + 1 <= b->cap)
        return GR_OK;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need + 1)
        ncap *= 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    p = realloc(b->data, ncap);
    if (!p)
        return GR_ENOMEM;
    b->data = p;
    b->cap = ncap;
    return GR_OK;
}

enum gr_rc gr_buf_append(struct gr_buf *b, const void *p, size_t n)
{
    enum gr_rc rc;

    if (n > b->max - b->len)
        return GR_ELIMIT;
    rc = grow(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return GR_OK;
}

char *gr_buf_reserve(struct gr_buf *b, size_t n)
{
    if (n > b->max - b->len || grow(b, b->len + n) != GR_OK)
        return NULL;
    return b->data + b->len;
}

enum gr_rc gr_buf_appendc(struct gr_buf *b, char c) { return gr_buf_append(b, &c, 1); }

enum gr_rc gr_buf_appends(struct gr_buf *b, const char *s) { return gr_buf_append(b, s, strlen(s)); }

enum gr_rc gr_buf_printf(struct gr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum gr_rc rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return GR_EINTERNAL;
    rc = grow(b, b->len + (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return GR_OK;
}

char *gr_buf_steal(struct gr_buf *b, size_t *len)
{
    char *p = b->data;

    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

enum gr_rc gr_buf_read_file(struct gr_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    enum gr_rc rc = GR_OK;

    if (!f) {
        gr_error("cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = gr_buf_append(b, chunk, n);
    if (rc)
        gr_error("unable to read %s: %s", path, gr_strerror(rc));
    else if (ferror(f)) {
        gr_error("cannot read %s: %s", path, strerror(errno));
        rc = GR_EIO;
    }
    fclose(f);
    return rc;
}
