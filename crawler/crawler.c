/* crawler_run: one crawl from its settings to its summary. The engine's
 * parts are in the files crawler_engine.h lists; this file sets them up
 * (settings, frontier, WARC writer, loop, multi handle, signals), runs the
 * loop and tears it all down, recording what is left. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler_engine.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"

enum gr_rc crawler_run(const struct crawler_opts *o, struct crawler_summary *sum, char *err, size_t errlen)
{
    struct engine *e = calloc(1, sizeof *e);
    const struct gr_config *cfg = o->cfg;
    struct cr_polite pol;
    struct gr_warc_opts wo;
    char ua[1024], out_dir[1024], extra[2048];
    enum gr_rc rc = GR_OK;
    unsigned recovered = 0;
    uint64_t dropped = 0;
    bool loop_ok = false, curl_ok = false;
    const char *v;

    memset(sum, 0, sizeof *sum);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return GR_ENOMEM;
    }
    e->o = o;
    e->cfg = cfg;
    e->sum = sum;
    e->done_tail = &e->done;
    e->synced_tail = &e->synced;
    e->sync_fd = -1;
    e->ready_tail = &e->ready;
    rc = cr_settings_load(e, o, &pol, ua, sizeof ua, err, errlen);
    if (rc)
        goto out;

    /* frontier */
    if (o->urls_file)
        rc = cr_frontier_mem_new(o->urls_file, cfg, &pol, &e->fr, err, errlen);
    else
        rc = cr_frontier_pg_new(o->db, cfg, &pol, &e->fr, err, errlen);
    if (rc)
        goto out;

    /* output */
    if (o->out_dir)
        snprintf(out_dir, sizeof out_dir, "%.1000s", o->out_dir);
    else if ((v = gr_config_get(cfg, "crawler.out_dir")) && *v)
        snprintf(out_dir, sizeof out_dir, "%.1000s", v);
    else
        snprintf(out_dir, sizeof out_dir, "%.900s/spool/warc", gr_var_dir());
    rc = cr_drop_uncommitted(e, out_dir, err, errlen);
    if (rc)
        goto out;
    rc = gr_warc_recover_cb(out_dir, &recovered, &dropped, cr_recovered_cb, e, err, errlen);
    if (rc)
        goto out;
    if (recovered)
        gr_notice("recovered %u WARC files left open by an earlier run (%llu bytes of partial records dropped)",
                  recovered, (unsigned long long)dropped);
    snprintf(extra, sizeof extra,
             "http-header-user-agent: %s\r\n"
             "description: HTTP/1.1 responses with bodies as served (Content-Encoding kept); chunked framing "
             "removed and its header renamed X-Crawler-Transfer-Encoding; credentials redacted from request records\r\n",
             ua);
    gr_warc_opts_init(&wo);
    wo.dir = out_dir;
    wo.prefix = gr_config_get(cfg, "crawler.warc_prefix");
    wo.max_bytes = (uint64_t)gr_config_int(cfg, "crawler.warc_max_bytes");
    wo.software = "govreach-crawler/0.1 (libcurl, libuv)";
    wo.operator_ = gr_config_get(cfg, "crawler.operator");
    wo.warcinfo_extra = extra;
    wo.file_cb = cr_warc_file_cb;
    wo.file_cb_arg = e;
    rc = gr_warc_writer_new(&wo, &e->warc, err, errlen);
    if (rc)
        goto out;

    /* loop and multi */
    e->act = calloc((size_t)e->window, sizeof *e->act);
    e->pool = calloc((size_t)e->concurrency, sizeof *e->pool);
    if (!e->act || !e->pool || uv_loop_init(&e->loop) != 0) {
        snprintf(err, errlen, "out of memory setting up the event loop");
        rc = GR_ENOMEM;
        goto out;
    }
    loop_ok = true;
    e->multi = curl_multi_init();
    if (!e->multi) {
        snprintf(err, errlen, "curl_multi_init failed");
        rc = GR_ENOMEM;
        goto out;
    }
    curl_ok = true;
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, cr_socket_cb);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, cr_timer_cb);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->concurrency * 2);
    curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)e->concurrency * 2);
    uv_timer_init(&e->loop, &e->curl_timer);
    uv_timer_init(&e->loop, &e->sched_timer);
    uv_timer_init(&e->loop, &e->grace_timer);
    e->curl_timer.data = e->sched_timer.data = e->grace_timer.data = e;
    if (e->fr->socket) {
        if (uv_poll_init_socket(&e->loop, &e->db_poll, e->fr->socket(e->fr)) != 0) {
            snprintf(err, errlen, "cannot poll the database connection");
            rc = GR_EUNAVAIL;
            goto out;
        }
        e->db_poll.data = e;
    }
    uv_signal_init(&e->loop, &e->sigint);
    uv_signal_init(&e->loop, &e->sigterm);
    e->sigint.data = e->sigterm.data = e;
    uv_signal_start(&e->sigint, cr_signal_cb, SIGINT);
    uv_signal_start(&e->sigterm, cr_signal_cb, SIGTERM);

    e->t0 = gr_now();
    e->last_run_update = e->t0;
    snprintf(e->prog_what, sizeof e->prog_what, "pages");
    gr_progress_start(&e->prog, e->prog_what, o->max_pages > 0 ? (uint64_t)o->max_pages : 0,
                      (double)gr_config_int(cfg, "crawler.progress_log_seconds"));
    gr_info("crawling %s into %s: concurrency %d, host delay %lld ms, %d in flight per host%s",
            o->urls_file ? o->urls_file : "the frontier", out_dir, e->concurrency, (long long)pol.delay_ms,
            pol.max_inflight, e->fc.connect_to ? ", connect-to mapping on" : "");
    cr_schedule_tick(e, 0);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    gr_progress_end(&e->prog);

    sum->seconds = gr_now() - e->t0;
    rc = e->rc;
    if (rc)
        snprintf(err, errlen, "%s", e->err);
    else if (sum->interrupted)
        rc = GR_ETEMP;
out:
    if (e->multi) {
        cr_abort_inflight(e);
        cr_release_ready(e);
        cr_db_progress(e, true);   /* the request in flight, if any */
        while (e->syncing && loop_ok)
            uv_run(&e->loop, UV_RUN_ONCE);      /* the WARC sync on the thread pool */
        cr_db_progress(e, true);
        for (int i = 0; i < 3 && (e->done || e->synced) && e->fr; i++) {
            struct cr_job *list = cr_take_done(e), *all;
            char ferr[1024];
            enum gr_rc frc;
            if (list && !e->warc_broken &&
                (e->warc_sync ? gr_warc_sync(e->warc, ferr, sizeof ferr) : gr_warc_flush(e->warc, NULL, ferr, sizeof ferr))) {
                gr_error("cannot write the WARC: %s", ferr);
                e->warc_broken = true;
            }
            /* after a WARC failure no record written since the last sync is
             * known durable: those URLs are released, not completed */
            for (struct cr_job *j = list; j && e->warc_broken; j = j->next)
                if (j->outcome != CR_BLOCKED) {
                    j->outcome = CR_RELEASED;
                    j->warc_file[0] = '\0';
                }
            cr_add_synced(e, list);     /* behind the durable, older ones */
            all = cr_take_synced(e);
            frc = e->fr->complete(e->fr, all, ferr, sizeof ferr);
            cr_completed(e, all, frc, ferr);
        }
    }
    cr_free_list(cr_take_done(e));
    for (size_t i = 0; i < e->npool; i++)
        curl_easy_cleanup(e->pool[i]);
    if (curl_ok)
        curl_multi_cleanup(e->multi);   /* may still call cr_socket_cb: loop alive */
    if (loop_ok) {
        uv_walk(&e->loop, cr_walk_close_cb, e);
        uv_run(&e->loop, UV_RUN_DEFAULT);
        uv_loop_close(&e->loop);
    }
    if (e->warc) {
        char werr[512];
        if (gr_warc_writer_free(e->warc, werr, sizeof werr) != GR_OK) {
            gr_error("%s", werr);
            if (!rc) {
                rc = GR_EIO;
                snprintf(err, errlen, "%s", werr);
            }
        }
        if (e->warc_broken && e->warc_base[0]) {
            /* Its tail holds records never committed (and maybe a partial
             * one): left .open, the next crawler cuts them off
             * (drop_uncommitted, then recovery) before fetching again. */
            char fin[1400], open_[1408];
            snprintf(fin, sizeof fin, "%s/%s", out_dir, e->warc_base);
            snprintf(open_, sizeof open_, "%s.open", fin);
            if (rename(fin, open_) == 0)
                gr_notice("%s left as %s for the next crawler's recovery", fin, open_);
        }
    }
    if (e->fr) {
        sum->status_json = cr_json_counts(e, NULL, false);
        sum->errors_by_host_json = cr_json_counts(e, e->herr, true);
        sum->failed_json = cr_json_counts(e, e->ferr, true);
        if (!rc && e->fr->pending) {
            /* what this crawl leaves undone, by reason */
            struct cr_pending pd;
            char perr[512];
            if (e->fr->pending(e->fr, &pd, perr, sizeof perr) == GR_OK) {
                sum->pending_leased = (uint64_t)pd.leased;
                sum->pending_retry = (uint64_t)pd.retry;
                sum->pending_host_wait = (uint64_t)pd.host_wait;
                sum->pending_due = (uint64_t)pd.due;
                sum->pending_robots = (uint64_t)pd.robots_wait;
                sum->pending = sum->pending_leased + sum->pending_retry + sum->pending_host_wait + sum->pending_due +
                               sum->pending_robots;
                sum->waits_left = pd.leased + pd.retry > 0;
            } else {
                gr_warn("cannot count the pending work: %s", perr);
            }
        }
        e->fr->finish(e->fr, sum,
                      rc ? gr_strerror(rc) : sum->interrupted ? "interrupted" : sum->pending ? "incomplete" : "ok", true);
        e->fr->free(e->fr);
    }
    {
        struct robots_entry *r, *tmp;
        HASH_ITER(hh, e->robots, r, tmp) {
            HASH_DEL(e->robots, r);
            cr_robots_free(r->rules);
            free(r->host);
            free(r);
        }
    }
    cr_counts_free(&e->ferr);
    cr_counts_free(&e->herr);
    for (size_t i = 0; i < e->fdmap_n; i++)
        free(e->fdmap[i]);
    free(e->fdmap);
    curl_slist_free_all(e->fc.connect_to);
    free(e->act);
    free(e->pool);
    free(e);
    return rc;
}
