/* libFuzzer target: the WARC reader over any file content, gzip or plain,
 * closed or .open; every record's HTTP message is parsed too. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_warc_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[2][64];
    struct gr_warc_reader *rd;
    struct gr_warc_rec rec;
    struct gr_buf s;
    char err[256];
    bool eof = false;
    FILE *f;
    int which = size > 0 && (data[0] & 1);

    if (!path[0][0]) {
        snprintf(path[0], sizeof path[0], "/tmp/fuzz_warc.%ld.warc.gz", (long)getpid());
        snprintf(path[1], sizeof path[1], "/tmp/fuzz_warc.%ld.warc.gz.open", (long)getpid());
    }
    f = fopen(path[which], "wb");
    if (!f)
        return 0;
    if (size > 1)
        fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    if (gr_warc_reader_open(path[which], &rd, err, sizeof err) != GR_OK)
        return 0;
    gr_buf_init(&s, 1u << 20);
    for (int guard = 0; guard < 10000; guard++) {
        struct gr_http_msg m;
        enum gr_rc rc = gr_warc_reader_next(rd, &rec, &eof, err, sizeof err);
        if (rc == GR_EDATA)
            continue;
        if (rc || eof)
            break;
        gr_http_parse(rec.block, rec.block_len, strcmp(rec.type, "request") != 0, &m, &s, err, sizeof err);
    }
    gr_buf_free(&s);
    gr_warc_reader_free(rd);
    unlink(path[which]);
    return 0;
}
