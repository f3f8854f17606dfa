/* A live progress line ("parser: 1200/5000 pages  340/s  ETA 11s") on a
 * terminal, redrawn at most 10 times a second. When stderr is not a terminal
 * (cron), nothing is drawn; gr_progress_tick() then logs a line at most every
 * `log_every` seconds if that is non-zero. One progress line per process. */
#ifndef GR_PROGRESS_H
#define GR_PROGRESS_H

#include <stdint.h>

struct gr_progress {
    const char *what;      /* unit name, e.g. "pages" (static string) */
    uint64_t total;        /* 0 when unknown: no ETA is shown */
    uint64_t done;
    uint64_t errors;
    double started;        /* monotonic seconds */
    double last_draw;
    double last_log;
    double log_every;      /* seconds between log lines when not a tty; 0 = never */
    int tty;
};

void gr_progress_start(struct gr_progress *p, const char *what, uint64_t total, double log_every);
/* Records the new counts and redraws if due. */
void gr_progress_tick(struct gr_progress *p, uint64_t done, uint64_t errors);
/* Clears the line; the caller prints its own summary. */
void gr_progress_end(struct gr_progress *p);

/* Used by the logger so that log lines and the live line do not mix. */
void gr_progress_clear_line(void);
void gr_progress_redraw(void);

/* Monotonic clock in seconds. */
double gr_now(void);

#endif
