/* --scenario report-2014: the universe calibrated to the 2014 report.
 *
 * The counts come from a data file (simweb/report_2014.tsv) computed by
 * simweb/calibrate_report_2014.py from the report's tables; simweb only
 * reads it, so its truth stays independent of the parser and the scorer. Lines
 * (tab-separated, '#' comments):
 *   wx BIZ ...              a calibrated WeChat account (its articles follow as wa)
 *   ws BIZ ...              its counts in the sub-lists' week (informative, as wx)
 *   wa BIZ DAY IDX READS LIKES [SECS TITLE]   (SECS -1 / TITLE "": generated; DAY -60-60)
 *   wq FIRST LAST           no uncalibrated WeChat account pushes on days FIRST..LAST
 *   wp FIRST LAST           the Weibo period: followers F_FIRST up to day FIRST, F_LAST from
 *                           day LAST on; timelines reach back to day FIRST (default 1 31)
 *   tw ACCOUNT F_FIRST F_LAST ...   a calibrated Tencent Weibo account
 *   tp ACCOUNT DAY J TYPE REPOSTS COMMENTS MENTIONS   (DAY -366-60; sorted by DAY, J)
 *   ls STORE LISTING_ID DOWNLOADS ...
 *   doc ...                 a documented contradiction (for scorer reproduce; ignored here)
 * DAY 0 is the universe's day 0, which must be 2014-10-01; negative days are before it
 * (the report's Weibo period starts on 1 January 2014, day -273). */
#include "sw.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_util.h"

#define SC_DAY0 16344           /* 2014-10-01 as days since 1970-01-01 */
#define SC_MAXF 12

static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static bool num(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
    return gr_parse_i64(s, v) && *v >= lo && *v <= hi;
}


static enum gr_rc line_wa(struct sw_universe *u, char **f, int nf, size_t *cap)
{
    int64_t d, i, r, z, secs = -1;
    long w = nf == 6 || nf == 8 ? sw_map_get(&u->wx_by_biz, f[1]) : -1;
    if (w < 0 || !num(f[2], -60, 60, &d) || !num(f[3], 1, 16, &i) || !num(f[4], 0, INT64_C(1) << 40, &r) ||
        !num(f[5], 0, r, &z) || (nf == 8 && (!num(f[6], -1, 57599, &secs) || strlen(f[7]) >= 150)))
        return GR_EDATA;
    struct sw_wx *a = &u->wx[w];
    if (a->cal_n && a->cal_first + a->cal_n != u->n_cal_art)
        return GR_EDATA;            /* an account's articles must be contiguous */
    struct sw_cal_art *p = gr_grow(u->cal_art, u->n_cal_art, cap, sizeof *p, 256);
    if (!p)
        return GR_ENOMEM;
    u->cal_art = p;
    if (!a->cal_n)
        a->cal_first = (uint32_t)u->n_cal_art;
    a->cal_n++;
    a->cal = true;
    char *title = nf == 8 && *f[7] ? strdup(f[7]) : NULL;
    if (nf == 8 && *f[7] && !title)
        return GR_ENOMEM;
    u->cal_art[u->n_cal_art++] = (struct sw_cal_art){ (int32_t)d, (int32_t)i, r, z, (int32_t)secs, title };
    return GR_OK;
}

static enum gr_rc line_tp(struct sw_universe *u, char **f, int nf, size_t *cap, const char **why)
{
    int64_t d, j, ty, rc_, mc, me;
    long w = nf == 8 ? sw_map_get(&u->tw_by_name, f[1]) : -1;
    if (w < 0 || !num(f[2], -366, 60, &d) || !num(f[3], 0, 59, &j) || !num(f[4], 1, 7, &ty) ||
        !num(f[5], 0, INT64_C(1) << 40, &rc_) || !num(f[6], 0, INT64_C(1) << 40, &mc) || !num(f[7], 0, 60, &me))
        return GR_EDATA;
    if (ty != 1 && ty != 2 && ty != 4 && ty != 5 && ty != 7)     /* 5: 空回, an "other" post */
        return GR_EDATA;
    struct sw_tw *t = &u->tw[w];
    if (t->cal_n && t->cal_first + t->cal_n != u->n_cal_post)
        return GR_EDATA;
    if (t->cal_n) {                 /* sorted by day and position (sw_universe.c bisects) */
        const struct sw_cal_post *q = &u->cal_post[u->n_cal_post - 1];
        if (d < q->day || (d == q->day && j <= q->j)) {
            *why = "an account's posts out of order (they must be sorted by day, then position)";
            return GR_EDATA;
        }
    }
    struct sw_cal_post *p = gr_grow(u->cal_post, u->n_cal_post, cap, sizeof *p, 256);
    if (!p)
        return GR_ENOMEM;
    u->cal_post = p;
    if (!t->cal_n)
        t->cal_first = (uint32_t)u->n_cal_post;
    t->cal_n++;
    u->cal_post[u->n_cal_post++] = (struct sw_cal_post){ (int32_t)d, (int32_t)j, (int32_t)ty, (int32_t)me, rc_, mc };
    return GR_OK;
}

static enum gr_rc line_tw(struct sw_universe *u, char **f, int nf)
{
    int64_t f1, f31;
    long w = nf >= 4 ? sw_map_get(&u->tw_by_name, f[1]) : -1;
    if (w < 0 || !num(f[2], 0, INT64_C(1) << 40, &f1) || !num(f[3], f1, INT64_C(1) << 40, &f31))
        return GR_EDATA;
    u->tw[w].cal = true;
    u->tw[w].cal_f1 = f1;
    u->tw[w].cal_f31 = f31;
    u->tw[w].nulldata = false;
    return GR_OK;
}

static enum gr_rc line_ls(struct sw_universe *u, char **f, int nf, bool *is_cal)
{
    int64_t n;
    if (nf < 4 || !num(f[3], 0, INT64_C(3000000000), &n))
        return GR_EDATA;
    for (size_t i = 0; i < u->n_ls; i++) {
        struct sw_listing *l = &u->ls[i];
        if (strcmp(gr_store_names[l->store], f[1]) == 0 && strcmp(l->listing_id, f[2]) == 0) {
            l->n0 = n;
            l->rate_ppm = 0;
            l->gone = false;
            is_cal[i] = true;
            return GR_OK;
        }
    }
    return GR_EDATA;
}

enum gr_rc sw_scenario_load(struct sw_universe *u, const char *path, char *err, size_t errlen)
{
    FILE *fp = NULL;
    char line[4096];
    long lineno = 0;
    size_t cap_a = 0, cap_p = 0;
    const char *why = NULL;
    bool *ls_cal = NULL;
    enum gr_rc rc = GR_OK;

    if (u->day0_abs != SC_DAY0) {
        snprintf(err, errlen, "--scenario report-2014 needs --date 2014-10-01 (its day 0)");
        return GR_EUSAGE;
    }
    if (!(fp = fopen(path, "r"))) {
        snprintf(err, errlen, "cannot open the scenario data %s: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    u->quiet_first = 1;             /* no quiet days unless a wq line names them */
    u->quiet_last = 0;
    u->tw_first = 1;                /* the Weibo period: October unless a wp line names it */
    u->tw_last = 31;
    if (!(ls_cal = calloc(u->n_ls + 1, sizeof *ls_cal))) {
        rc = GR_ENOMEM;
        goto out;
    }
    while (fgets(line, sizeof line, fp)) {
        char *f[SC_MAXF];
        size_t len = strlen(line);
        lineno++;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(fp)) {
            rc = GR_EDATA;
            snprintf(err, errlen, "%s:%ld: line too long", path, lineno);
            goto out;
        }
        if (!*line || *line == '#')
            continue;
        int nf = split(line, f, SC_MAXF);
        if (strcmp(f[0], "wa") == 0)
            rc = line_wa(u, f, nf, &cap_a);
        else if (strcmp(f[0], "tp") == 0)
            rc = line_tp(u, f, nf, &cap_p, &why);
        else if (strcmp(f[0], "tw") == 0)
            rc = line_tw(u, f, nf);
        else if (strcmp(f[0], "ls") == 0)
            rc = line_ls(u, f, nf, ls_cal);
        else if (strcmp(f[0], "wq") == 0) {
            int64_t q0, q1;
            rc = nf == 3 && num(f[1], 0, 60, &q0) && num(f[2], q0, 60, &q1) ? GR_OK : GR_EDATA;
            if (!rc) {
                u->quiet_first = (int32_t)q0;
                u->quiet_last = (int32_t)q1;
            }
        } else if (strcmp(f[0], "wp") == 0) {
            int64_t p0, p1;
            rc = nf == 3 && num(f[1], -366, 60, &p0) && num(f[2], p0 + 1, 60, &p1) ? GR_OK : GR_EDATA;
            if (!rc) {
                u->tw_first = (int32_t)p0;
                u->tw_last = (int32_t)p1;
            }
        } else if (strcmp(f[0], "wx") == 0 || strcmp(f[0], "ws") == 0 || strcmp(f[0], "doc") == 0)
            rc = GR_OK;
        else
            rc = GR_EDATA;
        if (rc) {
            if (rc == GR_EDATA)
                snprintf(err, errlen, "%s:%ld: %s \"%s\"", path, lineno,
                         why ? why : "bad line or unknown account, listing or kind", f[0]);
            goto out;
        }
    }
    if (ferror(fp)) {
        rc = GR_EIO;
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    /* Everything not calibrated ranks below the report's last printed rows:
     * few reads, no Weibo activity or follower change, small download counts. */
    for (size_t i = 0; i < u->n_wx; i++)
        if (!u->wx[i].cal)
            u->wx[i].read_mu = log(150.0);
    for (size_t i = 0; i < u->n_tw; i++)
        if (!u->tw[i].cal) {
            u->tw[i].lambda = 0;
            u->tw[i].ftrend = 0;
        }
    for (size_t i = 0; i < u->n_ls; i++)
        if (!ls_cal[i] && u->ls[i].store != SW_SAPPSTORE && u->ls[i].n0 >= 0) {
            u->ls[i].n0 = 100 + u->ls[i].n0 % 5000;
            u->ls[i].rate_ppm = 0;
        }
    u->scenario = true;
out:
    free(ls_cal);
    if (fp)
        fclose(fp);
    return rc;
}
