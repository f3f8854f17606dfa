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

bool cr_has_encoding(const struct cr_job *j, char **enc)
{
    *enc = cr_header_value(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Content-Encoding");
    if (*enc && (!**enc || strcasecmp(*enc, "identity") == 0)) {
        free(*enc);
        *enc = NULL;
    }
    return *enc != NULL;
}

/* Runs the source's discover() over the decoded body and keeps the links
 * within depth and the time window. */
void cr_discover_links(struct engine *e, struct cr_job *j)
{
    struct gr_page page;
    struct gr_buf dec;
    const char *body = j->body.data ? j->body.data : "";
    size_t len = j->body.len;
    char *enc = NULL, *ctype;
    struct gr_links found;
    enum gr_rc rc;

    if (!e->discover || j->depth + 1 > e->max_depth || !j->source || strcmp(j->kind, "robots") == 0)
        return;
    gr_buf_init(&dec, e->max_decoded);
    if (cr_has_encoding(j, &enc)) {
        rc = cr_decode_body(enc, body, len, e->max_decoded, &dec);
        if (rc && rc != GR_ELIMIT) {
            gr_info("%s: cannot decode %s body for discovery", j->url, enc);
            free(enc);
            gr_buf_free(&dec);
            return;
        }
        body = dec.data ? dec.data : "";
        len = dec.len;
    }
    ctype = cr_header_value(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Content-Type");
    /* gr_source_discover() hands the sources UTF-8 (GBK pages are common) */
    memset(&page, 0, sizeof page);
    page.url = j->url;
    page.method = j->method;
    page.request_body = j->post_body && *j->post_body ? j->post_body : NULL;
    page.request_len = j->post_body ? strlen(j->post_body) : 0;
    page.status = (int)j->status;
    page.content_type = ctype;
    page.body = body;
    page.len = len;
    page.fetched_at = j->finished_us / 1000000;
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
        char *clean = cr_url_clean(l->url);
        rc = clean ? gr_links_add(&j->links, clean, l->method, l->post_body, l->kind, l->published_at) : GR_OK;
        free(clean);
        if (rc != GR_OK)
            break;
    }
    e->sum->links_found += j->links.n;
    gr_links_free(&found);
    free(ctype);
    free(enc);
    gr_buf_free(&dec);
}
