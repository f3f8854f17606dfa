/* `scorer check-report DIR`: the report's tables against the identities.
 *
 * Reads the table TSVs (names as in report/tables/, columns found by header
 * name) and prints one TSV line per violation:
 *
 *   kind  table  row  name  column  printed  expected  size
 *
 * row is the 1-based data row. Kinds:
 *   identity  one of the four identities fails beyond its tolerance:
 *             combined = 0.6 WCI + 0.4 BCI (t1_2, t1_3; 0.01),
 *             WCI = 0.6 read_index + 0.4 like_index (t2_1, t2_2; 0.01),
 *             BCI = 0.2 C + 0.5 A + 0.5 I + 0.8 P (t3_1, t3_2; 0.015),
 *             sub-list WCI = 10 (0.6 ln R + 0.4 ln Z)^2, ln 0 := 0 (t2_3..t2_6; 0.07)
 *   cross     the same account has a different WCI (BCI) in a combined table
 *             than in its WeChat (Weibo) table (tolerance 0.01). In the
 *             combined tables "A(B)" names WeChat account A and Weibo account B.
 *   absent    an account of a combined table scores above the lowest entry
 *             of its WeChat (Weibo) top list but is not in that list
 *   order     a ranked table's score rises from one row to the next
 *   missing   a numeric cell is empty
 *   cap       表2.7: a capped read count ("N+") is ranked above an exact
 *             count larger than N (expected: the largest such count)
 *   total     表4.1: the "total" block's figure for an app is below the sum
 *             of the same app's figures in the store blocks
 * `size` is |printed - expected| (empty for missing). */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_util.h"
#include "scorer.h"
#include "scorer_int.h"

#define TSV_MAX_BYTES (4 * 1024 * 1024)



void scorer__tsv_free(struct tsv *t)
{
    free(t->buf);
    free(t->cells);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

static const char *cell(const struct tsv *t, int row, int col)
{
    if (col < 0 || row < 0 || row >= t->rows)
        return "";
    return t->cells[row * t->ncols + col];
}

static int col_of(const struct tsv *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return i;
    return -1;
}

enum gr_rc scorer__tsv_load(struct tsv *t, const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4096];
    enum gr_rc rc;

    snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
    rc = scorer__tsv_read(t, path, false, err, errlen);
    t->name = name;
    return rc;
}

enum gr_rc scorer__tsv_read(struct tsv *t, const char *path, bool comments, char *err, size_t errlen)
{
    FILE *f;
    size_t n;
    char *p, *line, *next;
    int lineno = 0, cap = 0;
    enum gr_rc rc = GR_OK;

    memset(t, 0, sizeof *t);
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    t->buf = malloc(TSV_MAX_BYTES + 1);
    if (!t->buf) {
        fclose(f);
        return GR_ENOMEM;
    }
    n = fread(t->buf, 1, TSV_MAX_BYTES + 1, f);
    if (ferror(f) || n > TSV_MAX_BYTES) {
        bool ioerr = ferror(f) != 0;
        snprintf(err, errlen, "%s: %s", path, ioerr ? "read error" : "file too large");
        fclose(f);
        return ioerr ? GR_EIO : GR_ELIMIT;
    }
    fclose(f);
    t->buf[n] = '\0';
    if (!gr_utf8_valid(t->buf, n) || memchr(t->buf, '\0', n)) {
        snprintf(err, errlen, "%s: not UTF-8 text", path);
        return GR_EDATA;
    }
    for (p = t->buf; p && *p; p = next) {
        char *fields[TSV_MAX_COLS];
        int nf = 0;
        line = p;
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (*line && line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = '\0';
        if (!*line || (comments && *line == '#'))
            continue;
        for (char *q = line;; nf++) {
            char *tab = strchr(q, '\t');
            if (nf >= TSV_MAX_COLS) {
                snprintf(err, errlen, "%s:%d: more than %d columns", path, lineno, TSV_MAX_COLS);
                return GR_EDATA;
            }
            fields[nf] = q;
            if (!tab) {
                nf++;
                break;
            }
            *tab = '\0';
            q = tab + 1;
        }
        if (t->ncols == 0) {
            t->ncols = nf;
            memcpy(t->header, fields, sizeof(char *) * (size_t)nf);
            continue;
        }
        if (nf != t->ncols) {
            snprintf(err, errlen, "%s:%d: %d fields, the header has %d", path, lineno, nf, t->ncols);
            return GR_EDATA;
        }
        if (t->rows == cap) {
            char **c;
            int *l;
            cap = cap ? cap * 2 : 64;
            c = realloc(t->cells, sizeof(char *) * (size_t)cap * (size_t)t->ncols);
            if (!c)
                return GR_ENOMEM;
            t->cells = c;
            l = realloc(t->lines, sizeof(int) * (size_t)cap);
            if (!l)
                return GR_ENOMEM;
            t->lines = l;
        }
        t->lines[t->rows] = lineno;
        memcpy(t->cells + (size_t)t->rows * (size_t)t->ncols, fields, sizeof(char *) * (size_t)nf);
        t->rows++;
    }
    if (t->ncols == 0) {
        snprintf(err, errlen, "%s: empty file", path);
        rc = GR_EDATA;
    }
    return rc;
}

struct ctx {
    FILE *out;
    size_t count;
    char *err;
    size_t errlen;
};

static void report(struct ctx *c, const char *kind, const struct tsv *t, int row, const char *name,
                   const char *column, const char *printed, double expected, bool has_expected, double size)
{
    fprintf(c->out, "%s\t%s\t%d\t%s\t%s\t%s\t", kind, t->name, row + 1, name, column, printed);
    if (has_expected)
        fprintf(c->out, "%.3f\t%.3f\n", expected, size);
    else
        fputs("\t\n", c->out);
    c->count++;
}

/* A numeric cell: true with *v when it parses; false when empty (reported
 * once by check_complete); GR_EDATA through *rc when it is not a number. */
static bool num(struct ctx *c, const struct tsv *t, int row, int col, const char *namecol, double *v,
                enum gr_rc *rc)
{
    const char *s = cell(t, row, col);
    if (col < 0) {
        snprintf(c->err, c->errlen, "%s: no column \"%s\"", t->name, namecol);
        *rc = GR_EDATA;
        return false;
    }
    if (!*s)
        return false;
    if (!gr_parse_double(s, v)) {
        snprintf(c->err, c->errlen, "%s row %d: %s \"%s\" is not a number", t->name, row + 1, namecol, s);
        *rc = GR_EDATA;
        return false;
    }
    return true;
}

/* Checks one identity on every row: value column vs sum w_i * input_i. */
static enum gr_rc check_linear(struct ctx *c, const struct tsv *t, const char *target, const char *const *inputs,
                               const double *w, double tol)
{
    enum gr_rc rc = GR_OK;
    int ct = col_of(t, target);

    for (int r = 0; r < t->rows; r++) {
        double v, x, e = 0;
        bool ok = num(c, t, r, ct, target, &v, &rc);
        for (int i = 0; inputs[i]; i++) {
            if (num(c, t, r, col_of(t, inputs[i]), inputs[i], &x, &rc))
                e += w[i] * x;
            else
                ok = false;
        }
        if (rc)
            return rc;
        if (ok && fabs(v - e) > tol)
            report(c, "identity", t, r, cell(t, r, col_of(t, "name")), target, cell(t, r, ct), e, true,
                   fabs(v - e));
    }
    return GR_OK;
}

static enum gr_rc check_sublist(struct ctx *c, const struct tsv *t)
{
    enum gr_rc rc = GR_OK;
    int cr = col_of(t, "read_col"), cz = col_of(t, "like_col"), cw = col_of(t, "wci");

    for (int r = 0; r < t->rows; r++) {
        double R, Z, W, s, e;
        bool ok = num(c, t, r, cr, "read_col", &R, &rc);
        ok = num(c, t, r, cz, "like_col", &Z, &rc) && ok;
        ok = num(c, t, r, cw, "wci", &W, &rc) && ok;
        if (rc)
            return rc;
        if (!ok)
            continue;
        s = 0.6 * (R > 0 ? log(R) : 0) + 0.4 * (Z > 0 ? log(Z) : 0);
        e = 10 * s * s;
        if (fabs(W - e) > 0.07)
            report(c, "identity", t, r, cell(t, r, col_of(t, "name")), "wci", cell(t, r, cw), e, true, fabs(W - e));
    }
    return GR_OK;
}

/* Every cell of a numeric column must be filled. */
static void check_complete(struct ctx *c, const struct tsv *t)
{
    static const char *const text_cols[] = { "name", "account", "title", "app", "store", "published_at",
                                             "reads_raw", NULL };
    int cn = col_of(t, "name") >= 0 ? col_of(t, "name") : col_of(t, "account");

    if (cn < 0)
        cn = col_of(t, "app");
    for (int col = 0; col < t->ncols; col++) {
        bool text = false;
        for (const char *const *x = text_cols; *x; x++)
            text = text || strcmp(*x, t->header[col]) == 0;
        if (text)
            continue;
        for (int r = 0; r < t->rows; r++)
            if (!*cell(t, r, col))
                report(c, "missing", t, r, cell(t, r, cn), t->header[col], "", 0, false, 0);
    }
}

/* Scores must not rise down a ranked table. */
static void check_order(struct ctx *c, const struct tsv *t, const char *score)
{
    int cs = col_of(t, score);
    double prev = 0, v;
    bool have = false;

    for (int r = 0; r < t->rows; r++) {
        const char *s = cell(t, r, cs);
        if (!*s || !gr_parse_double(s, &v))
            continue;
        if (have && v > prev)
            report(c, "order", t, r, cell(t, r, col_of(t, "name")), score, s, prev, true, v - prev);
        prev = v;
        have = true;
    }
}

/* "A(B)" -> WeChat name A, Weibo name B; otherwise both are the whole name.
 * Full-width parentheses are accepted too. */
static void split_name(const char *name, char *wechat, char *weibo, size_t len)
{
    const char *open = strchr(name, '(');
    const char *fw = strstr(name, "\xEF\xBC\x88"); /* （ */
    const char *close;
    size_t olen = 1, clen = 1;

    if (fw && (!open || fw < open)) {
        open = fw;
        olen = 3;
    }
    snprintf(wechat, len, "%s", name);
    snprintf(weibo, len, "%s", name);
    if (!open)
        return;
    close = strstr(open, olen == 3 ? "\xEF\xBC\x89" : ")");
    if (!close) {
        close = strstr(open, olen == 3 ? ")" : "\xEF\xBC\x89");
        clen = olen == 3 ? 1 : 3;
    } else {
        clen = olen;
    }
    if (!close)
        return;
    snprintf(wechat, len, "%.*s", (int)(open - name), name);
    snprintf(weibo, len, "%.*s", (int)(close - open - (ptrdiff_t)olen), open + olen);
    (void)clen;
}

/* Cross-table checks of one combined table's `col` (wci or bci) against the
 * platform table `list`, matching by WeChat (weibo_side false) or Weibo name. */
static void check_cross(struct ctx *c, const struct tsv *comb, const struct tsv *list, const char *col,
                        bool weibo_side)
{
    int cc = col_of(comb, col), lc = col_of(list, col), ln = col_of(list, "name");
    double min = HUGE_VAL, v, w;

    for (int r = 0; r < list->rows; r++)
        if (gr_parse_double(cell(list, r, lc), &w) && w < min)
            min = w;
    for (int r = 0; r < comb->rows; r++) {
        char wx[512], wb[512];
        const char *want;
        int found = -1;
        if (!gr_parse_double(cell(comb, r, cc), &v))
            continue;
        split_name(cell(comb, r, col_of(comb, "name")), wx, wb, sizeof wx);
        want = weibo_side ? wb : wx;
        for (int j = 0; j < list->rows; j++)
            if (strcmp(cell(list, j, ln), want) == 0)
                found = j;
        if (found >= 0) {
            if (gr_parse_double(cell(list, found, lc), &w) && fabs(v - w) > 0.01)
                report(c, "cross", comb, r, want, col, cell(comb, r, cc), w, true, fabs(v - w));
        } else if (min != HUGE_VAL && v > min) {
            report(c, "absent", comb, r, want, col, cell(comb, r, cc), min, true, v - min);
        }
    }
}

/* 表2.7: reads_raw "N+" is a lower bound; an exact count ranked below it
 * that exceeds N means the marker cannot be what it says. */
static void check_caps(struct ctx *c, const struct tsv *t)
{
    int cr = col_of(t, "reads_raw"), ca = col_of(t, "account");

    for (int r = 0; r < t->rows; r++) {
        const char *s = cell(t, r, cr);
        size_t n = strlen(s);
        int64_t bound;
        double maxbelow = -1;
        if (n < 2 || s[n - 1] != '+' || !gr_parse_i64n(s, n - 1, &bound))
            continue;
        for (int j = r + 1; j < t->rows; j++) {
            int64_t x;
            if (gr_parse_i64(cell(t, j, cr), &x) && (double)x > maxbelow)
                maxbelow = (double)x;
        }
        if (maxbelow > (double)bound)
            report(c, "cap", t, r, cell(t, r, ca), "reads_raw", s, maxbelow, true, maxbelow - (double)bound);
    }
}

/* 表4.1: the total block against the sum of the store blocks. */
static void check_app_totals(struct ctx *c, const struct tsv *t)
{
    int cs = col_of(t, "store"), ca = col_of(t, "app"), cd = col_of(t, "downloads");

    for (int r = 0; r < t->rows; r++) {
        double total, sum = 0, x;
        int stores = 0;
        if (strcmp(cell(t, r, cs), "total") != 0 || !gr_parse_double(cell(t, r, cd), &total))
            continue;
        for (int j = 0; j < t->rows; j++) {
            if (strcmp(cell(t, j, cs), "total") == 0 || strcmp(cell(t, j, ca), cell(t, r, ca)) != 0)
                continue;
            if (gr_parse_double(cell(t, j, cd), &x)) {
                sum += x;
                stores++;
            }
        }
        if (stores && total < sum)
            report(c, "total", t, r, cell(t, r, ca), "downloads", cell(t, r, cd), sum, true, sum - total);
    }
}

enum gr_rc scorer_check_report(const char *dir, FILE *out, size_t *violations, char *err, size_t errlen)
{
    static const char *const names[] = {
        "t1_2_central_combined", "t1_3_local_combined", "t2_1_central_wechat", "t2_2_local_wechat",
        "t2_3_party_publicity_wechat", "t2_4_police_traffic_wechat", "t2_5_judicial_wechat",
        "t2_6_health_wechat", "t2_7_hot_articles", "t3_1_central_weibo", "t3_2_local_weibo",
        "t4_1_app_store_top10",
    };
    enum { T12, T13, T21, T22, T23, T24, T25, T26, T27, T31, T32, T41, NT };
    static const char *const comb_in[] = { "wci", "bci", NULL };
    static const double comb_w[] = { 0.6, 0.4 };
    static const char *const wci_in[] = { "read_index", "like_index", NULL };
    static const double wci_w[] = { 0.6, 0.4 };
    static const char *const bci_in[] = { "coverage", "activity", "interaction", "propagation", NULL };
    static const double bci_w[] = { 0.2, 0.5, 0.5, 0.8 };
    struct tsv t[NT];
    struct ctx c = { out, 0, err, errlen };
    enum gr_rc rc = GR_OK;
    int loaded = 0;

    memset(t, 0, sizeof t);
    for (loaded = 0; loaded < NT; loaded++)
        if ((rc = scorer__tsv_load(&t[loaded], dir, names[loaded], err, errlen))) {
            loaded++;
            goto out;
        }
    fputs("kind\ttable\trow\tname\tcolumn\tprinted\texpected\tsize\n", out);
    for (int i = 0; i < NT; i++)
        check_complete(&c, &t[i]);
    /* 1. combined = 0.6 WCI + 0.4 BCI */
    if ((rc = check_linear(&c, &t[T12], "combined", comb_in, comb_w, 0.01)) ||
        (rc = check_linear(&c, &t[T13], "combined", comb_in, comb_w, 0.01)))
        goto out;
    /* 2. WCI = 0.6 read_index + 0.4 like_index */
    if ((rc = check_linear(&c, &t[T21], "wci", wci_in, wci_w, 0.01)) ||
        (rc = check_linear(&c, &t[T22], "wci", wci_in, wci_w, 0.01)))
        goto out;
    /* 3. BCI = 0.2 C + 0.5 A + 0.5 I + 0.8 P */
    if ((rc = check_linear(&c, &t[T31], "bci", bci_in, bci_w, 0.015)) ||
        (rc = check_linear(&c, &t[T32], "bci", bci_in, bci_w, 0.015)))
        goto out;
    /* 4. sub-lists */
    for (int i = T23; i <= T26; i++)
        if ((rc = check_sublist(&c, &t[i])))
            goto out;
    /* consistency between tables */
    check_cross(&c, &t[T12], &t[T21], "wci", false);
    check_cross(&c, &t[T12], &t[T31], "bci", true);
    check_cross(&c, &t[T13], &t[T22], "wci", false);
    check_cross(&c, &t[T13], &t[T32], "bci", true);
    check_order(&c, &t[T12], "combined");
    check_order(&c, &t[T13], "combined");
    check_order(&c, &t[T21], "wci");
    check_order(&c, &t[T22], "wci");
    for (int i = T23; i <= T26; i++)
        check_order(&c, &t[i], "wci");
    check_order(&c, &t[T31], "bci");
    check_order(&c, &t[T32], "bci");
    check_caps(&c, &t[T27]);
    check_app_totals(&c, &t[T41]);
out:
    for (int i = 0; i < loaded && i < NT; i++)
        scorer__tsv_free(&t[i]);
    *violations = c.count;
    return rc;
}
