/* See report.h: the output directory and the nightly layout. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"
#include "report.h"

#define REPORT_PAGE_MAX ((size_t)512 << 20)

static enum gr_rc write_file(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    FILE *f;
    int ok;

    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        snprintf(err, errlen, "path too long: %s", path);
        return GR_EIO;
    }
    f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "unable to write %s: %s", tmp, strerror(errno));
        return GR_EIO;
    }
    ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "unable to write %s: %s", path, strerror(errno));
        unlink(tmp);
        return GR_EIO;
    }
    return GR_OK;
}

static enum gr_rc copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    struct gr_buf b;
    FILE *f = fopen(from, "rb");
    enum gr_rc rc = GR_OK;
    char chunk[65536];
    size_t n;

    gr_buf_init(&b, (size_t)64 << 20);
    if (!f) {
        snprintf(err, errlen, "unable to read %s: %s (scripts/deps.sh installs the report's assets)", from,
                 strerror(errno));
        rc = GR_ENOINPUT;
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if ((rc = gr_buf_append(&b, chunk, n)) != GR_OK) {
            snprintf(err, errlen, "unable to read %s: %s", from, gr_strerror(rc));
            goto out;
        }
    if (ferror(f)) {
        snprintf(err, errlen, "unable to read %s: %s", from, strerror(errno));
        rc = GR_EIO;
        goto out;
    }
    rc = write_file(to, b.data, b.len, err, errlen);
out:
    if (f)
        fclose(f);
    gr_buf_free(&b);
    return rc;
}

/* ECharts from the pinned npm package, the page's script and style from
 * nightly/assets/, all from the share directory; copied so the report opens
 * from disk with no network. */
static enum gr_rc copy_assets(const char *dir, char *err, size_t errlen)
{
    static const char *const files[][2] = {
        { "node_modules/echarts/dist/echarts.min.js", "echarts.min.js" },
        { "node_modules/echarts/LICENSE", "echarts.LICENSE" },
        { "nightly/assets/report.js", "report.js" },
        { "nightly/assets/report.css", "report.css" },
    };
    char from[PATH_MAX], to[PATH_MAX];
    enum gr_rc rc = GR_OK;

    for (size_t i = 0; i < sizeof files / sizeof files[0] && !rc; i++) {
        snprintf(from, sizeof from, "%s/%s", gr_share_dir(), files[i][0]);
        snprintf(to, sizeof to, "%s/assets/%s", dir, files[i][1]);
        rc = copy_file(from, to, err, errlen);
    }
    return rc;
}

enum gr_rc report_write(const struct report_opts *o, char *run_status, size_t run_status_len, char *err,
                        size_t errlen)
{
    struct report_data d;
    struct gr_buf page;
    PGconn *conn = NULL;
    char path[PATH_MAX];
    enum gr_rc rc;

    memset(&d, 0, sizeof d);
    gr_buf_init(&page, REPORT_PAGE_MAX);
    rc = gr_db_connect(o->conninfo, &conn, err, errlen);
    if (rc)
        goto out;
    rc = report_data_read(conn, o->period, o->methodology, &d, err, errlen);
    if (rc)
        goto out;
    PQfinish(conn);
    conn = NULL;
    snprintf(path, sizeof path, "%s/csv", o->out_dir);
    if (gr_mkdir_p(path) != 0 || (snprintf(path, sizeof path, "%s/assets", o->out_dir), gr_mkdir_p(path)) != 0) {
        snprintf(err, errlen, "unable to create %s: %s", path, strerror(errno));
        rc = GR_EIO;
        goto out;
    }
    rc = copy_assets(o->out_dir, err, errlen);
    if (rc)
        goto out;
    for (int i = 0; i < d.ntables; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s/csv/%s.csv", o->out_dir, d.tables[i].name) >= sizeof path) {
            snprintf(err, errlen, "path too long under %s", o->out_dir);
            rc = GR_EIO;
            goto out;
        }
        rc = report_csv_write(&d.tables[i], path, err, errlen);
        if (rc)
            goto out;
    }
    rc = report_json(&d, 0, &page);
    if (rc) {
        snprintf(err, errlen, "unable to build the report's JSON: %s", gr_strerror(rc));
        goto out;
    }
    snprintf(path, sizeof path, "%s/data.json", o->out_dir);
    rc = write_file(path, page.data, page.len, err, errlen);
    if (rc)
        goto out;
    gr_buf_reset(&page);
    rc = report_html_page(&d, o->html_rows, &page);
    if (rc) {
        snprintf(err, errlen, "unable to build the page: %s", gr_strerror(rc));
        goto out;
    }
    snprintf(path, sizeof path, "%s/index.html", o->out_dir);
    rc = write_file(path, page.data, page.len, err, errlen);
    if (rc)
        goto out;
    if (run_status)
        snprintf(run_status, run_status_len, "%s", report_run_value(&d, "status"));
out:
    if (conn)
        PQfinish(conn);
    report_data_free(&d);
    gr_buf_free(&page);
    return rc;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* One period of the nightly layout: written into a fresh directory, then the
 * symlink NAME swapped to it (rename is atomic, so a reader sees the old
 * report or the new one, never half of one), then the old directory removed. */
static enum gr_rc nightly_one(const char *conninfo, const char *root, const char *name, const char *period,
                              char *status, size_t status_len, char *err, size_t errlen)
{
    struct report_opts o = { conninfo, period, NULL, NULL, 100 };
    char dir[PATH_MAX], base[128], link[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX];
    time_t now = time(NULL);
    struct tm tm;
    ssize_t k;
    enum gr_rc rc;

    gmtime_r(&now, &tm);
    snprintf(base, sizeof base, "%s-%04d%02d%02dT%02d%02d%02dZ-%d", name, tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)getpid());
    snprintf(dir, sizeof dir, "%s/%s", root, base);
    snprintf(link, sizeof link, "%s/%s", root, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.new", root, name);
    o.out_dir = dir;
    rc = report_write(&o, status, status_len, err, errlen);
    if (rc) {
        nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        return rc;
    }
    k = readlink(link, old, sizeof old - 1);
    old[k > 0 ? k : 0] = '\0';
    unlink(tmp);
    if (symlink(base, tmp) != 0 || rename(tmp, link) != 0) {
        snprintf(err, errlen, "unable to point %s at %s: %s", link, base, strerror(errno));
        unlink(tmp);
        return GR_EIO;
    }
    if (*old && strcmp(old, base) != 0 && !strchr(old, '/')) {
        char oldpath[PATH_MAX + 8];
        if ((size_t)snprintf(oldpath, sizeof oldpath, "%s/%s", root, old) < sizeof oldpath)
            nftw(oldpath, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    }
    return GR_OK;
}

enum gr_rc report_nightly(const char *conninfo, const char *spool, char *detail, size_t detail_len, char *err,
                          size_t errlen)
{
    char root[PATH_MAX], status[32] = "";
    size_t k = 0;
    enum gr_rc rc;

    detail[0] = '\0';
    snprintf(root, sizeof root, "%s/report", spool);
    if (gr_mkdir_p(root) != 0) {
        snprintf(err, errlen, "unable to create %s: %s", root, strerror(errno));
        return GR_EIO;
    }
    rc = nightly_one(conninfo, root, "latest", NULL, status, sizeof status, err, errlen);
    if (rc == GR_ENOINPUT) {
        k += (size_t)snprintf(detail + k, detail_len - k, "no final period yet");
        gr_notice("%s", err);
    } else if (rc) {
        return rc;
    } else {
        k += (size_t)snprintf(detail + k, detail_len - k, "%s/latest/index.html", root);
    }
    if (k >= detail_len)
        k = detail_len - 1;
    rc = nightly_one(conninfo, root, "provisional", "provisional", status, sizeof status, err, errlen);
    if (rc == GR_ENOINPUT) {
        /* no month in progress has been scored */
        gr_notice("%s", err);
        rc = GR_OK;
    } else if (rc) {
        return rc;
    } else {
        snprintf(detail + k, detail_len - k, "%sprovisional: %s/provisional/index.html", k ? "; " : "", root);
    }
    return rc;
}
