/* The one logger. Every line carries time, program name, pid and level and
 * goes to stderr; data never goes here. The level is checked before the
 * arguments are evaluated (GR_LOG is a macro), and formats are printf-checked.
 * GR_LOG_FORMAT=json (or gr_log_set_json) writes one JSON object per line. */
#ifndef GR_LOG_H
#define GR_LOG_H

#include <stdbool.h>

enum gr_log_level { GR_LOG_DEBUG, GR_LOG_INFO, GR_LOG_NOTICE, GR_LOG_WARN, GR_LOG_ERROR };

extern enum gr_log_level gr_log_min;

/* Sets the program name (a static string) and reads GR_LOG_LEVEL and
 * GR_LOG_FORMAT from the environment. */
void gr_log_init(const char *prog);
void gr_log_set_level(enum gr_log_level level);
/* Parses "debug", "info", "notice", "warn", "error"; returns false if unknown. */
bool gr_log_parse_level(const char *s, enum gr_log_level *out);
void gr_log_set_json(bool on);
const char *gr_log_prog(void);
/* The message of the last error-level line written ("" = none yet); valid
 * until the next one. */
const char *gr_log_last_error(void);

void gr_log_write(enum gr_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define GR_LOG(level, ...) \
    do { if ((level) >= gr_log_min) gr_log_write((level), __VA_ARGS__); } while (0)
#define gr_debug(...)  GR_LOG(GR_LOG_DEBUG, __VA_ARGS__)
#define gr_info(...)   GR_LOG(GR_LOG_INFO, __VA_ARGS__)
#define gr_notice(...) GR_LOG(GR_LOG_NOTICE, __VA_ARGS__)
#define gr_warn(...)   GR_LOG(GR_LOG_WARN, __VA_ARGS__)
#define gr_error(...)  GR_LOG(GR_LOG_ERROR, __VA_ARGS__)

#endif
