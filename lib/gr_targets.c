#include "gr_targets.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_util.h"

struct reader {
    const char *path;
    gr_targets_row_cb cb;
    void *arg;
    char *cols[GR_TARGETS_MAX_COLS];
    int ncols;
    char *cur[GR_TARGETS_MAX_COLS];
    int field;              /* fields of the current record, also past GR_TARGETS_MAX_COLS */
    long line;
    long fail_line;         /* the record being read when it failed */
    bool header_done;
    enum gr_rc rc;
    char msg[1024];
};

static void fail(struct reader *rd, enum gr_rc rc, const char *msg)
{
    if (rd->rc)
        return;
    rd->rc = rc;
    rd->fail_line = rd->line;
    snprintf(rd->msg, sizeof rd->msg, "%s", msg);
}

static void field_cb(void *s, size_t len, void *data)
{
    struct reader *rd = data;
    char msg[128], *v;

    if (rd->rc)
        return;
    if (!gr_utf8_valid(s ? s : "", s ? len : 0) || (s && memchr(s, '\0', len))) {
        snprintf(msg, sizeof msg, "field %d is not valid UTF-8 text (or holds a NUL byte)", rd->field + 1);
        fail(rd, GR_EDATA, msg);
        return;
    }
    if (rd->field >= GR_TARGETS_MAX_COLS) {
        if (!rd->header_done)
            fail(rd, GR_EDATA, "too many columns");
        rd->field++;    /* counted: the record is then longer than the header */
        return;
    }
    v = strndup(s ? s : "", s ? len : 0);
    if (!v) {
        fail(rd, GR_ENOMEM, "out of memory");
        return;
    }
    /* a UTF-8 byte-order mark before the first column name is accepted */
    if (!rd->header_done && rd->field == 0 && strncmp(v, "\xEF\xBB\xBF", 3) == 0)
        memmove(v, v + 3, strlen(v + 3) + 1);
    rd->cur[rd->field++] = v;
}

static void clear_record(struct reader *rd)
{
    for (int i = 0; i < GR_TARGETS_MAX_COLS; i++) {
        free(rd->cur[i]);
        rd->cur[i] = NULL;
    }
    rd->field = 0;
}

static void row_cb(int c, void *data)
{
    struct reader *rd = data;
    struct gr_targets_row r;
    enum gr_rc rc;
    char msg[1024] = "";
    (void)c;

    if (rd->rc)
        goto next;
    if (!rd->header_done) {
        rd->header_done = true;
        rd->ncols = rd->field;
        memcpy(rd->cols, rd->cur, sizeof rd->cols);
        memset(rd->cur, 0, sizeof rd->cur);
    } else if (rd->field == 1 && !*rd->cur[0] && rd->ncols > 1) {
        goto next;      /* a blank line */
    } else if (rd->field != rd->ncols) {
        snprintf(msg, sizeof msg, "%d fields, the header has %d", rd->field, rd->ncols);
        fail(rd, GR_EDATA, msg);
        goto next;
    }
    r.path = rd->path;
    r.line = rd->line;
    r.n = rd->line == 1 ? rd->ncols : rd->field;
    r.f = rd->line == 1 ? rd->cols : rd->cur;
    r.ncols = rd->ncols;
    r.cols = rd->cols;
    rc = rd->cb(&r, rd->arg, msg, sizeof msg);
    if (rc)
        fail(rd, rc, *msg ? msg : gr_strerror(rc));
next:
    clear_record(rd);
    rd->line++;
}

enum gr_rc gr_targets_read(const char *path, gr_targets_row_cb cb, void *arg, long *line_out, char *err,
                           size_t errlen)
{
    struct reader rd;
    struct csv_parser csv;
    char buf[65536];
    FILE *f;
    size_t n;

    memset(&rd, 0, sizeof rd);
    rd.path = path;
    rd.cb = cb;
    rd.arg = arg;
    rd.line = 1;
    if (line_out)
        *line_out = 0;
    f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
        return e == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        snprintf(err, errlen, "%s line 1: out of memory", path);
        return GR_ENOMEM;
    }
    while (!rd.rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&csv, buf, n, field_cb, row_cb, &rd) != n)
            fail(&rd, GR_EDATA, csv_strerror(csv_error(&csv)));
    if (!rd.rc && ferror(f))
        fail(&rd, GR_EIO, strerror(errno));
    if (!rd.rc && csv_fini(&csv, field_cb, row_cb, &rd) != 0)
        fail(&rd, GR_EDATA, csv_strerror(csv_error(&csv)));
    if (!rd.rc && !rd.header_done) {
        rd.line = 1;
        fail(&rd, GR_EDATA, "empty file, expected a header line");
    }
    if (rd.rc) {
        snprintf(err, errlen, "%s line %ld: %s", path, rd.fail_line, rd.msg);
        if (line_out)
            *line_out = rd.fail_line;
    }
    csv_free(&csv);
    fclose(f);
    clear_record(&rd);
    for (int i = 0; i < GR_TARGETS_MAX_COLS; i++)
        free(rd.cols[i]);
    return rd.rc;
}

const char *gr_targets_col(const struct gr_targets_row *r, const char *name)
{
    for (int i = 0; i < r->ncols && i < r->n; i++)
        if (strcmp(r->cols[i], name) == 0)
            return r->f[i];
    return "";
}
