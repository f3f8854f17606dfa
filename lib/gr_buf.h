/* A growable byte buffer with a hard maximum size (pages come from
 * strangers). Caller-owned: gr_buf_init() / gr_buf_free(). The data is always
 * NUL-terminated so it can be handed to string functions. */
#ifndef GR_BUF_H
#define GR_BUF_H

#include <stddef.h>

#include "gr_err.h"

struct gr_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;     /* the buffer never grows beyond this many bytes */
};

void gr_buf_init(struct gr_buf *b, size_t max);
void gr_buf_free(struct gr_buf *b);
void gr_buf_reset(struct gr_buf *b);
/* GR_ELIMIT when the result would exceed max (nothing is appended), GR_ENOMEM. */
enum gr_rc gr_buf_append(struct gr_buf *b, const void *p, size_t n);
enum gr_rc gr_buf_appendc(struct gr_buf *b, char c);
enum gr_rc gr_buf_appends(struct gr_buf *b, const char *s);
enum gr_rc gr_buf_printf(struct gr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes and returns where they go (write them, then
 * add to len and keep data NUL-terminated); NULL past max or out of memory. */
char *gr_buf_reserve(struct gr_buf *b, size_t n);
/* Appends the whole file at path; the error is logged naming the file
 * (GR_ENOINPUT: it does not exist; GR_EIO; GR_ELIMIT past max; GR_ENOMEM). */
enum gr_rc gr_buf_read_file(struct gr_buf *b, const char *path);
/* Detaches the data (caller frees with free()) and re-initialises b. */
char *gr_buf_steal(struct gr_buf *b, size_t *len);

#endif
