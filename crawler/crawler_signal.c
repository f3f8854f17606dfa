/* Signals: SIGINT/SIGTERM stop claiming and give in-flight transfers the
 * grace period; a second signal (or its end) releases them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"
#include <signal.h>
#include "gr_db.h"

/* Past the grace period nothing waits long for the database (a stalled
 * server must not hold a stopping crawler, nor the nightly lock). */
static void shorten_db_waits(struct engine *e)
{
    if (e->fr && (e->fr->polite.db_timeout_ms == 0 || e->fr->polite.db_timeout_ms > 500))
        e->fr->polite.db_timeout_ms = 500;
    gr_db_set_timeout(500);
}

void cr_grace_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    if (e->nact)
        gr_warn("grace period over: releasing %zu in-flight transfers", e->nact);
    e->stopping = 2;
    shorten_db_waits(e);
    cr_schedule_tick(e, 0);
}

void cr_signal_cb(uv_signal_t *s, int signum)
{
    struct engine *e = s->data;
    e->sum->interrupted = true;
    if (e->stopping == 0) {
        gr_notice("%s: no new work; %zu transfers get %lld s to finish (signal again to stop now)",
                  strsignal(signum), e->nact, (long long)(e->grace_ms / 1000));
        e->stopping = 1;
        uv_timer_start(&e->grace_timer, cr_grace_cb, (uint64_t)e->grace_ms, 0);
    } else {
        gr_notice("%s again: releasing in-flight work and stopping", strsignal(signum));
        e->stopping = 2;
        shorten_db_waits(e);
    }
    cr_schedule_tick(e, 0);
}

void cr_stop_loop(struct engine *e)
{
    e->finished = true;
    uv_timer_stop(&e->sched_timer);
    uv_timer_stop(&e->grace_timer);
    uv_signal_stop(&e->sigint);
    uv_signal_stop(&e->sigterm);
    uv_stop(&e->loop);
}
