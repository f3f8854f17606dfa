#include "gr_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "gr_log.h"

static struct gr_progress *active;

double gr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct gr_progress *p, double now)
{
    double el = now - p->started;
    double rate = el > 0 ? (double)p->done / el : 0;
    char eta[32] = "";

    if (p->total && rate > 0 && p->done <= p->total) {
        double left = (double)(p->total - p->done) / rate;
        snprintf(eta, sizeof eta, "  ETA %dm%02ds", (int)(left / 60), (int)left % 60);
    }
    if (p->total)
        fprintf(stderr, "\r\033[K%s: %llu/%llu %s  %llu errors  %.0f/s%s", gr_log_prog(),
                (unsigned long long)p->done, (unsigned long long)p->total, p->what,
                (unsigned long long)p->errors, rate, eta);
    else
        fprintf(stderr, "\r\033[K%s: %llu %s  %llu errors  %.0f/s", gr_log_prog(),
                (unsigned long long)p->done, p->what, (unsigned long long)p->errors, rate);
    fflush(stderr);
    p->last_draw = now;
}

void gr_progress_start(struct gr_progress *p, const char *what, uint64_t total, double log_every)
{
    p->what = what;
    p->total = total;
    p->done = p->errors = 0;
    p->started = gr_now();
    p->last_draw = 0;
    p->last_log = p->started;
    p->log_every = log_every;
    p->tty = isatty(2);
    active = p;
}

void gr_progress_tick(struct gr_progress *p, uint64_t done, uint64_t errors)
{
    double now;

    p->done = done;
    p->errors = errors;
    now = gr_now();
    if (p->tty) {
        if (now - p->last_draw >= 0.1)
            draw(p, now);
    } else if (p->log_every > 0 && now - p->last_log >= p->log_every) {
        double el = now - p->started;
        p->last_log = now;
        gr_info("progress: %llu%s%.0llu %s, %llu errors, %.0f/s", (unsigned long long)done,
                p->total ? "/" : "", (unsigned long long)p->total, p->what,
                (unsigned long long)errors, el > 0 ? (double)done / el : 0.0);
    }
}

void gr_progress_end(struct gr_progress *p)
{
    if (p->tty) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    if (active == p)
        active = NULL;
}

void gr_progress_clear_line(void)
{
    if (active && active->tty)
        fputs("\r\033[K", stderr);
}

void gr_progress_redraw(void)
{
    if (active && active->tty)
        draw(active, gr_now());
}
