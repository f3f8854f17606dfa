/* libFuzzer target: HTTP request and response parsing (status line, headers,
 * chunked transfer coding, gzip/deflate content coding, caps). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gr_warc_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gr_http_msg m;
    struct gr_buf s;
    char err[256];
    char *p = malloc(size ? size : 1);

    if (!p)
        return 0;
    for (size_t i = 0; i < size; i++)
        p[i] = (char)data[i];
    gr_buf_init(&s, 1u << 20);
    if (gr_http_parse(p, size, true, &m, &s, err, sizeof err) == GR_OK && m.body_len > 0) {
        volatile char c = m.body[m.body_len - 1];
        (void)c;
    }
    gr_http_parse(p, size, false, &m, &s, err, sizeof err);
    gr_buf_free(&s);
    free(p);
    return 0;
}
