/* Small checked helpers for text from outside: integer parsing without
 * atoi/strtol pitfalls, and UTF-8 validation. */
#ifndef GR_UTIL_H
#define GR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for one more element in the array arr of *cap elements of size
 * bytes, n of them used: arr itself while n < *cap, else arr reallocated
 * with *cap doubled (first when it was 0). NULL when out of memory (or the
 * size would overflow): arr is then left as it was, and *cap too. */
void *gr_grow(void *arr, size_t n, size_t *cap, size_t size, size_t first);

/* Parses all of s (optional sign, decimal digits, no spaces) into *out.
 * Returns false on empty input, trailing junk or overflow. */
bool gr_parse_i64(const char *s, int64_t *out);
/* The same over s[0..n). */
bool gr_parse_i64n(const char *s, size_t n, int64_t *out);
/* Parses a decimal floating point number (all of s). */
bool gr_parse_double(const char *s, double *out);
/* The value of hex digit c (0-15), or -1. */
int gr_hexval(int c);
/* Parses "true/false/yes/no/on/off/1/0". */
bool gr_parse_bool(const char *s, bool *out);
/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool gr_utf8_valid(const char *s, size_t n);
/* Length (1-4) of the valid UTF-8 sequence at s, n bytes left; 0 when the
 * bytes there are not valid UTF-8 (overlongs and surrogates are invalid). */
size_t gr_utf8_seq(const unsigned char *s, size_t n);
/* Writes the UTF-8 form of code point cp (at most 0x10FFFF, no surrogates)
 * into out and returns its length; invalid code points become U+FFFD. */
size_t gr_utf8_encode(uint32_t cp, char out[4]);
/* Byte offset of the first invalid UTF-8 sequence, or n when valid. */
size_t gr_utf8_check(const char *s, size_t n);
/* Directory of the running executable's grandparent install tree is not
 * assumed; this returns the project's shared directory (schema/, conf/):
 * $GOVREACH_SHARE, else the compiled-in default. Static string. */
const char *gr_share_dir(void);

/* mkdir -p with mode 0755: 0, or -1 with errno (a path of PATH_MAX or more: ENAMETOOLONG). */
int gr_mkdir_p(const char *path);
/* The project's var directory (embedded cluster, spool): $GOVREACH_VAR, else
 * the compiled-in default. Static string. */
const char *gr_var_dir(void);

#endif
