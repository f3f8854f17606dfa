/* bench/parser_ref: the references bin/parser is measured against, over the
 * same WARC files.
 *
 *   bench_parser_ref WARC...
 *
 * First every response body is read and decoded into memory (not timed,
 * except as "read+inflate": WARC member inflation plus HTTP decoding, the
 * work bin/parser also does). Then, timed, over the bodies in memory:
 *   memchr   a memchr pass over every byte (the memory-speed floor);
 *   dom      a bare libxml2 loop: htmlReadMemory (recover, no network, no
 *            errors) and one compiled XPath per page, as a plain
 *            DOM-based extractor would do (xmlXPathCompile once).
 * Prints "name pages bytes seconds" lines for bench/parser.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "gr_buf.h"
#include "gr_warc_read.h"

struct body {
    char *p;
    size_t n;
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int main(int argc, char **argv)
{
    struct body *v = NULL;
    size_t n = 0, cap = 0, total = 0, hits = 0;
    double t0, t1;
    struct gr_buf scratch;
    xmlXPathCompExprPtr xp;

    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fputs("usage: bench_parser_ref WARC...\n(see bench/parser.sh)\n", argc < 2 ? stderr : stdout);
        return argc < 2 ? 64 : 0;
    }
    gr_buf_init(&scratch, 256u << 20);
    t0 = now();
    for (int i = 1; i < argc; i++) {
        struct gr_warc_reader *rd;
        struct gr_warc_rec rec;
        char err[256];
        bool eof = false;
        if (gr_warc_reader_open(argv[i], &rd, err, sizeof err)) {
            fprintf(stderr, "bench_parser_ref: %s\n", err);
            return 66;
        }
        for (;;) {
            struct gr_http_msg m;
            enum gr_rc rc = gr_warc_reader_next(rd, &rec, &eof, err, sizeof err);
            if (rc == GR_EDATA)
                continue;
            if (rc || eof)
                break;
            if (strcmp(rec.type, "response") || strstr(rec.target_uri, "/robots.txt"))
                continue;
            if (gr_http_parse(rec.block, rec.block_len, true, &m, &scratch, err, sizeof err) || m.body_len == 0)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 4096;
                v = realloc(v, cap * sizeof *v);
                if (!v)
                    return 70;
            }
            v[n].p = malloc(m.body_len);
            if (!v[n].p)
                return 70;
            memcpy(v[n].p, m.body, m.body_len);
            v[n].n = m.body_len;
            total += m.body_len;
            n++;
        }
        gr_warc_reader_free(rd);
    }
    t1 = now();
    printf("read+inflate %zu %zu %.4f\n", n, total, t1 - t0);

    t0 = now();
    for (size_t i = 0; i < n; i++) {
        const char *p = v[i].p, *e = p + v[i].n;
        while ((p = memchr(p, '<', (size_t)(e - p))) != NULL) {
            hits++;
            p++;
        }
    }
    t1 = now();
    printf("memchr %zu %zu %.4f\n", n, total, t1 - t0);

    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
    xp = xmlXPathCompile((const xmlChar *)"(//*[@id='activity-name']|//span[contains(@class,'s-3')]|//div[@class='det-ins-num'])[1]");
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        htmlDocPtr d = htmlReadMemory(v[i].p, (int)v[i].n, NULL, "UTF-8",
                                      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                          HTML_PARSE_NONET | HTML_PARSE_COMPACT);
        if (d) {
            xmlXPathContextPtr c = xmlXPathNewContext(d);
            xmlXPathObjectPtr o = c ? xmlXPathCompiledEval(xp, c) : NULL;
            if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
                xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
                hits += t ? 1 : 0;
                xmlFree(t);
            }
            xmlXPathFreeObject(o);
            xmlXPathFreeContext(c);
            xmlFreeDoc(d);
        }
    }
    t1 = now();
    printf("dom %zu %zu %.4f\n", n, total, t1 - t0);
    fprintf(stderr, "(%zu hits)\n", hits);
    xmlXPathFreeCompExpr(xp);
    for (size_t i = 0; i < n; i++)
        free(v[i].p);
    free(v);
    gr_buf_free(&scratch);
    return 0;
}
