#include "gr_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gr_progress.h"

enum gr_log_level gr_log_min = GR_LOG_INFO;
static const char *log_prog = "govreach";
static bool log_json;

static const char *const level_names[] = { "debug", "info", "notice", "warn", "error" };

void gr_log_init(const char *prog)
{
    const char *s;
    enum gr_log_level lv;

    log_prog = prog;
    s = getenv("GR_LOG_LEVEL");
    if (s && gr_log_parse_level(s, &lv))
        gr_log_min = lv;
    s = getenv("GR_LOG_FORMAT");
    if (s && strcmp(s, "json") == 0)
        log_json = true;
}

void gr_log_set_level(enum gr_log_level level) { gr_log_min = level; }
void gr_log_set_json(bool on) { log_json = on; }
const char *gr_log_prog(void) { return log_prog; }

bool gr_log_parse_level(const char *s, enum gr_log_level *out)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (enum gr_log_level)i;
            return true;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = GR_LOG_WARN;
        return true;
    }
    return false;
}

/* Writes s as a JSON string body (without quotes). */
static void json_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

/* The text of the last error line (for callers that record it). */
static char last_error[4096];

const char *gr_log_last_error(void)
{
    return last_error;
}

void gr_log_write(enum gr_log_level level, const char *fmt, ...)
{
    char msg[4096];
    char stamp[96];
    struct timeval tv;
    struct tm tm;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (level == GR_LOG_ERROR)
        snprintf(last_error, sizeof last_error, "%s", msg);
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
    /* A live progress line may own the terminal's last line: clear it first. */
    gr_progress_clear_line();
    if (log_json) {
        fprintf(stderr, "{\"time\":\"%s\",\"prog\":\"%s\",\"pid\":%d,\"level\":\"%s\",\"msg\":\"", stamp,
                log_prog, (int)getpid(), level_names[level]);
        json_escape(stderr, msg);
        fputs("\"}\n", stderr);
    } else {
        fprintf(stderr, "%s %s[%d] %s: %s\n", stamp, log_prog, (int)getpid(), level_names[level], msg);
    }
    fflush(stderr);
    gr_progress_redraw();
}
