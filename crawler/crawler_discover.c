/* Discovery: the sources' discover() over a fetched page, its links kept
 * within depth and the publishing window, credential-free. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"

enum gr_rc cr_response(const struct cr_job *j, struct gr_http_msg *m, struct gr_buf *scratch, char *err,
                       size_t errlen)
{
    return gr_http_message(j->resphead.data ? j->resphead.data : "", j->resphead.len, j->body.data ? j->body.data : "",
                           j->body.len, false, true, m, scratch, err, errlen);
}

/* Runs the source's discover() over the decoded body and keeps the links
 * within depth and the time window. */
void cr_discover_links(struct engine *e, struct cr_job *j)
{
    struct gr_page page;
    struct gr_http_msg m;
    struct gr_buf dec;
    struct gr_links found;
    char err[256];
    enum gr_rc rc;

    if (!e->discover || j->depth + 1 > e->max_depth || !j->source || strcmp(j->kind, "robots") == 0)
        return;
    /* the bytes the parser's extract() will see (gr_http.h), bounded: a
     * gzip bomb gives its first max_decoded bytes */
    gr_buf_init(&dec, e->max_decoded);
    rc = cr_response(j, &m, &dec, err, sizeof err);
    if (rc && rc != GR_ELIMIT) {
        gr_info("%s: no discovery: %s", j->url, err);
        gr_buf_free(&dec);
        return;
    }
    /* gr_source_discover() hands the sources UTF-8 (GBK pages are common) */
    gr_page_from_http(&page, &m, j->url, j->method, j->post_body, j->post_body ? strlen(j->post_body) : 0,
                      j->finished_us / 1000000);
    gr_links_init(&found);
    rc = gr_source_discover(&page, &found);
    if (rc)
        gr_info("%s: discover() failed: %s", j->url, gr_strerror(rc));
    for (size_t i = 0; i < found.n; i++) {
        struct gr_link *l = &found.v[i];
        if (l->published_at > 0 && ((e->window_start && l->published_at < e->window_start) ||
                                    (e->window_end && l->published_at >= e->window_end)))
            continue;
        /* stored URLs never carry credentials or a user name */
        char *clean = gr_url_clean(l->url);
        rc = clean ? gr_links_add(&j->links, clean, l->method, l->post_body, l->kind, l->published_at) : GR_OK;
        free(clean);
        if (rc != GR_OK)
            break;
    }
    e->sum->links_found += j->links.n;
    gr_links_free(&found);
    gr_buf_free(&dec);
}
