/* Apple App Store: the iTunes lookup JSON (results[0].userRatingCount,
 * averageUserRating). Ratings only: the App Store publishes no downloads.
 * Shapes: research/sources.md section 8. */
#include <stdio.h>
#include <string.h>

#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://itunes\\.apple\\.com/(?:[a-z]{2}/)?lookup\\?(?:[^#]*&)?id=\\d+", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    struct gr_buf id;
    json_t *root = NULL, *res, *app = NULL, *avg;
    const char *status = GR_ST_OK;
    int64_t cnt = 0, rc_count = 0, track;
    bool have_cnt = false, have_avg = false;
    double avgv = 0;
    char tbuf[32];
    enum gr_rc rc;

    (void)path;
    *decided = true;
    gr_buf_init(&id, 64);
    if (!gr__query_param(doc->page->url, "id", &id) || !id.len) {
        snprintf(reason, rlen, "appstore: no id in the lookup URL");
        rc = GR_EDATA;
        goto out;
    }
    if (doc->page->status == 404) {
        status = GR_ST_NOT_FOUND;
    } else if (doc->page->status >= 400) {
        status = GR_ST_ERROR;
    } else {
        root = gr__json_object(doc->text, doc->len, "appstore", reason, rlen);
        if (!root) {
            rc = GR_EDATA;
            goto out;
        }
        res = json_object_get(root, "results");
        gr__json_i64(root, "resultCount", &rc_count);
        if (json_is_array(res))
            app = json_array_get(res, 0);
        if (!json_is_object(app)) {
            status = GR_ST_NOT_FOUND;   /* resultCount 0: not in the storefront, or removed */
            app = NULL;
        }
        /* the id asked for must be the listing answered */
        if (app && gr__json_i64(app, "trackId", &track)) {
            snprintf(tbuf, sizeof tbuf, "%lld", (long long)track);
            if (strcmp(tbuf, id.data) != 0) {
                snprintf(reason, rlen, "appstore: lookup of id %s answered trackId %s", id.data, tbuf);
                rc = GR_EDATA;
                goto out;
            }
        }
        have_cnt = app && gr__json_i64(app, "userRatingCount", &cnt);
        avg = app ? json_object_get(app, "averageUserRating") : NULL;
        if (json_is_number(avg)) {
            have_avg = true;
            avgv = json_number_value(avg);
        }
    }
    rc = gr__store_row(doc, out, "appstore", id.data, app ? gr__json_str(app, "bundleId") : NULL,
                       app ? gr__json_str(app, "trackName") : NULL, NULL, have_cnt, cnt, have_avg, avgv, status);
out:
    json_decref(root);
    gr_buf_free(&id);
    return rc;
}

static const char *const hosts[] = { "itunes.apple.com", NULL };

const struct gr_source gr_source_appstore = {
    .name = "appstore", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
