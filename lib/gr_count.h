/* The one count normaliser: turns a count as a page writes it into an exact
 * integer. Every source uses it.
 *
 * Accepted, after HTML entities (&nbsp; &#...;) are decoded and full-width
 * digits, colons, plus signs, commas, dots and spaces are folded to ASCII:
 *
 *   [label [:]] number [unit] [+] [suffix]
 *
 *   label   下载次数 下载量 下载 阅读数 阅读 点赞 赞 安装 (optional)
 *   number  digits, with "," thousands separators and an optional decimal
 *           part; "1.234.567" (dots every three digits, no unit) is read as
 *           thousands separators, as in "UserDownloads:100.000+"
 *   unit    千 (1e3) 万 (1e4) 百万 (1e6) 千万 (1e7) 亿 (1e8) 万亿 (1e12)
 *   +       a cap / lower bound: "10万+" and "100000+" mean "more than
 *           100000"; the value stored is N + 1 (100001) with capped set
 *   suffix  次下载 次 下载 人安装 人下载 安装 人 (optional)
 *
 * Arithmetic is exact integer arithmetic (8.3亿 = 830000000). A decimal that
 * does not come out whole ("1.23456万") is rejected, as is anything else:
 * text that is not a number ("少量", "", "14.45M", "-3") is MISSING, never 0. */
#ifndef GR_COUNT_H
#define GR_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_err.h"

struct gr_count {
    int64_t value;      /* the count; N + 1 when capped */
    bool capped;        /* the page showed a lower bound "N+" */
    size_t raw_off;     /* the count as written (number, unit, +, suffix; no */
    size_t raw_len;     /* label) is s[raw_off .. raw_off + raw_len) of the input */
};

/* Parses s[0..n). GR_OK and *out filled, or GR_EDATA when the text is not a
 * count (missing). Never reads past n; s need not be NUL-terminated. */
enum gr_rc gr_count_parse(const char *s, size_t n, struct gr_count *out);

#endif
