#include "gr_dom.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

struct gr_dom {
    htmlDocPtr doc;
    xmlXPathContextPtr ctx;
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t xp_lock = PTHREAD_MUTEX_INITIALIZER;

static void silent_cb(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void xml_init(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent_cb);
}

struct gr_dom *gr_dom_parse(const char *utf8, size_t len)
{
    struct gr_dom *d;

    pthread_once(&xml_once, xml_init);
    if (len > INT_MAX)
        return NULL;
    d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->doc = htmlReadMemory(utf8, (int)len, NULL, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                HTML_PARSE_COMPACT);
    if (!d->doc)
        goto fail;
    d->ctx = xmlXPathNewContext(d->doc);
    if (!d->ctx)
        goto fail;
    return d;
fail:
    gr_dom_free(d);
    return NULL;
}

void gr_dom_free(struct gr_dom *d)
{
    if (!d)
        return;
    if (d->ctx)
        xmlXPathFreeContext(d->ctx);
    if (d->doc)
        xmlFreeDoc(d->doc);
    free(d);
}

static xmlXPathCompExprPtr compiled(struct gr_xpath *xp)
{
    xmlXPathCompExprPtr c = __atomic_load_n((xmlXPathCompExprPtr *)&xp->comp, __ATOMIC_ACQUIRE);

    if (c)
        return c;
    pthread_once(&xml_once, xml_init);
    pthread_mutex_lock(&xp_lock);
    if (!xp->comp)
        __atomic_store_n(&xp->comp, xmlXPathCompile((const xmlChar *)xp->expr), __ATOMIC_RELEASE);
    c = xp->comp;
    pthread_mutex_unlock(&xp_lock);
    return c;
}

/* Appends s whitespace-normalised (ASCII space, NBSP, ideographic space). */
static enum gr_rc put_norm(struct gr_buf *out, const char *s)
{
    bool space = true;
    enum gr_rc rc = GR_OK;
    const unsigned char *p = (const unsigned char *)s;

    while (*p && !rc) {
        size_t w = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            w = 1;
        else if (p[0] == 0xC2 && p[1] == 0xA0)
            w = 2;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            w = 3;
        if (w) {
            space = true;
            p += w;
            continue;
        }
        if (space && out->len > 0)
            rc = gr_buf_appendc(out, ' ');
        space = false;
        if (!rc)
            rc = gr_buf_appendc(out, (char)*p);
        p++;
    }
    return rc;
}

static xmlXPathObjectPtr eval(struct gr_dom *d, struct gr_xpath *xp)
{
    xmlXPathCompExprPtr c = compiled(xp);
    if (!c || !d)
        return NULL;
    return xmlXPathCompiledEval(c, d->ctx);
}

static enum gr_rc node_text(xmlNodePtr n, struct gr_buf *out)
{
    xmlChar *t = xmlNodeGetContent(n);
    enum gr_rc rc = put_norm(out, t ? (const char *)t : "");
    xmlFree(t);
    return rc;
}

int gr_dom_text(struct gr_dom *d, struct gr_xpath *xp, struct gr_buf *out)
{
    xmlXPathObjectPtr o = eval(d, xp);
    int r = -1;

    gr_buf_reset(out);
    if (!o)
        return -1;
    if (o->type == XPATH_NODESET) {
        r = o->nodesetval ? o->nodesetval->nodeNr : 0;
        if (r > 0 && node_text(o->nodesetval->nodeTab[0], out))
            r = -1;
    } else {
        xmlChar *s = xmlXPathCastToString(o);
        r = put_norm(out, s ? (const char *)s : "") ? -1 : 1;
        xmlFree(s);
    }
    xmlXPathFreeObject(o);
    return r;
}

bool gr_dom_text_at(struct gr_dom *d, struct gr_xpath *xp, int i, struct gr_buf *out)
{
    xmlXPathObjectPtr o = eval(d, xp);
    bool ok = false;

    gr_buf_reset(out);
    if (!o)
        return false;
    if (o->type == XPATH_NODESET && o->nodesetval && i >= 0 && i < o->nodesetval->nodeNr)
        ok = node_text(o->nodesetval->nodeTab[i], out) == GR_OK;
    xmlXPathFreeObject(o);
    return ok;
}

static struct gr_xpath xp_scripts = GR_XPATH("//script");

enum gr_rc gr_dom_scripts(struct gr_dom *d, struct gr_buf *out)
{
    xmlXPathObjectPtr o = eval(d, &xp_scripts);
    enum gr_rc rc = GR_OK;

    gr_buf_reset(out);
    if (!o)
        return GR_EDATA;
    if (o->type == XPATH_NODESET && o->nodesetval) {
        for (int i = 0; i < o->nodesetval->nodeNr && !rc; i++) {
            xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
            if (t)
                rc = gr_buf_appends(out, (const char *)t);
            if (!rc)
                rc = gr_buf_appendc(out, '\n');
            xmlFree(t);
        }
    }
    xmlXPathFreeObject(o);
    return rc;
}
