/* Files simweb writes: the target lists (conf/targets/FORMAT.md), the ground
 * truth for the current day (named after the obs tables it checks, COPY text
 * format with a header line) and urls.txt, every URL a complete crawl fetches. */
#include "sw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct out_file {
    FILE *f;
    char path[1100];
};

static enum gr_rc of_open(struct out_file *o, const char *dir, const char *name, char *err, size_t errlen)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    o->f = fopen(o->path, "wb");
    if (!o->f) {
        snprintf(err, errlen, "cannot create %s: %s", o->path, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}

static enum gr_rc of_close(struct out_file *o, char *err, size_t errlen)
{
    if (!o->f)
        return GR_OK;
    bool bad = ferror(o->f) != 0;
    if (fclose(o->f) != 0)
        bad = true;
    o->f = NULL;
    if (bad) {
        snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}

static enum gr_rc make_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}

/* ---- CSV ------------------------------------------------------------------------ */

static void csv_field(FILE *f, const char *s, bool last)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

enum gr_rc sw_emit_targets(const struct sw_universe *u, const char *dir, char *err, size_t errlen)
{
    struct out_file o = { 0 };
    enum gr_rc rc;

    if ((rc = make_dir(dir, err, errlen)))
        return rc;
    if ((rc = of_open(&o, dir, "organisations.csv", err, errlen)))
        return rc;
    fputs("org_key,name,level,province,city,function\n", o.f);
    for (size_t i = 0; i < u->n_orgs; i++) {
        const struct sw_org *g = &u->orgs[i];
        csv_field(o.f, g->org_key, false);
        csv_field(o.f, g->name, false);
        csv_field(o.f, g->level, false);
        csv_field(o.f, g->province, false);
        csv_field(o.f, g->city, false);
        csv_field(o.f, g->function, true);
    }
    if ((rc = of_close(&o, err, errlen)) || (rc = of_open(&o, dir, "wechat_accounts.csv", err, errlen)))
        return rc;
    fputs("biz,name,org_key,level,province,function,verified_body\n", o.f);
    for (size_t i = 0; i < u->n_wx; i++) {
        const struct sw_wx *a = &u->wx[i];
        if (!a->tracked)
            continue;
        csv_field(o.f, a->biz, false);
        csv_field(o.f, a->name, false);
        csv_field(o.f, a->org_key, false);
        csv_field(o.f, a->level, false);
        csv_field(o.f, a->province, false);
        csv_field(o.f, a->function, false);
        csv_field(o.f, a->verified_body, true);
    }
    if ((rc = of_close(&o, err, errlen)) || (rc = of_open(&o, dir, "weibo_accounts.csv", err, errlen)))
        return rc;
    fputs("account,name,org_key,level,province,function,kind\n", o.f);
    for (size_t i = 0; i < u->n_tw; i++) {
        const struct sw_tw *t = &u->tw[i];
        csv_field(o.f, t->account, false);
        csv_field(o.f, t->nick, false);
        csv_field(o.f, t->org_key, false);
        csv_field(o.f, t->level, false);
        csv_field(o.f, t->province, false);
        csv_field(o.f, t->function, false);
        csv_field(o.f, t->civil ? "civil_servant" : "organisation", true);
    }
    if ((rc = of_close(&o, err, errlen)) || (rc = of_open(&o, dir, "apps.csv", err, errlen)))
        return rc;
    fputs("app_key,name,org_key,level,province,function\n", o.f);
    for (size_t i = 0; i < u->n_apps; i++) {
        const struct sw_app *p = &u->apps[i];
        csv_field(o.f, p->app_key, false);
        csv_field(o.f, p->name, false);
        csv_field(o.f, p->org_key, false);
        csv_field(o.f, p->level, false);
        csv_field(o.f, p->province, false);
        csv_field(o.f, p->function, true);
    }
    if ((rc = of_close(&o, err, errlen)) || (rc = of_open(&o, dir, "store_listings.csv", err, errlen)))
        return rc;
    fputs("store,listing_id,app_key,url\n", o.f);
    for (size_t i = 0; i < u->n_ls; i++) {
        const struct sw_listing *l = &u->ls[i];
        csv_field(o.f, gr_store_names[l->store], false);
        csv_field(o.f, l->listing_id, false);
        csv_field(o.f, u->apps[l->app].app_key, false);
        csv_field(o.f, l->url, true);
    }
    return of_close(&o, err, errlen);
}

/* ---- truth ------------------------------------------------------------------------ */

/* COPY text format field; NULL writes \N. */
static void tsv_field(FILE *f, const char *s, bool last)
{
    if (!s) {
        fputs("\\N", f);
    } else {
        for (; *s; s++) {
            switch (*s) {
            case '\\': fputs("\\\\", f); break;
            case '\t': fputs("\\t", f); break;
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            default: fputc(*s, f);
            }
        }
    }
    fputc(last ? '\n' : '\t', f);
}

static void iso(int64_t t, char *out, size_t n)
{
    sw_utc_format(t, true, out, n);
}

/* Form encoding as the crawler's sources write it: unreserved characters and '='
 * (base64 padding) literal, the rest %XX. */
static void form_encode(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~' || c == '=')
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

static const char *i64s(int64_t v, char *buf, size_t n)
{
    snprintf(buf, n, "%lld", (long long)v);
    return buf;
}

/* The truth's post kind of a Tencent Weibo type code: simweb's own copy of
 * the rule lib/sources/tqq.c applies, kept apart on purpose (README.md,
 * "Independence": a wrong mapping in the parser then shows against the truth). */
static const char *post_kind(int type)
{
    switch (type) {
    case 1: return "original";
    case 2: return "repost";
    case 4: return "reply";
    case 7: return "comment";
    default: return "other";
    }
}

enum gr_rc sw_emit_truth(const struct sw_universe *u, const char *dir, char *err, size_t errlen)
{
    struct out_file art = { 0 }, st = { 0 }, urls = { 0 }, f = { 0 };
    enum gr_rc rc;
    char b1[32], b2[32], b3[32], ts[32];
    struct sw_push ps[30];
    struct sw_post posts[64];
    struct gr_buf text;

    if ((rc = make_dir(dir, err, errlen)))
        return rc;
    if ((rc = of_open(&art, dir, "wechat_article.tsv", err, errlen)) ||
        (rc = of_open(&st, dir, "wechat_stat.tsv", err, errlen)) || (rc = of_open(&urls, dir, "urls.txt", err, errlen)))
        goto out;
    fputs("biz\tmid\tidx\tsn\ttitle\taccount_name\tpublished_at\tstatus\n", art.f);
    fputs("biz\tmid\tidx\tread_num\tread_capped\tlike_num\n", st.f);
    for (size_t i = 0; i < u->n_wx; i++) {
        const struct sw_wx *a = &u->wx[i];
        if (!a->tracked)
            continue;
        int n = sw_wx_pushes(u, a, ps);
        fprintf(urls.f, "GET http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=%s&scene=124\n", a->biz);
        for (int off = 10; off < n; off += 10)
            fprintf(urls.f, "GET http://mp.weixin.qq.com/mp/profile_ext?action=getmsg&__biz=%s&f=json&offset=%d&count=10"
                            "&is_ok=1&scene=124\n", a->biz, off);
        for (int k = 0; k < n; k++) {
            for (int idx = 1; idx <= ps[k].k; idx++) {
                struct sw_article x;
                bool ok;
                sw_wx_article(u, a, &ps[k], idx, &x);
                ok = x.status == SW_OK;
                iso(ps[k].ct, ts, sizeof ts);
                tsv_field(art.f, a->biz, false);
                tsv_field(art.f, i64s(ps[k].mid, b1, sizeof b1), false);
                tsv_field(art.f, i64s(idx, b2, sizeof b2), false);
                tsv_field(art.f, x.sn, false);
                tsv_field(art.f, ok ? x.title : NULL, false);
                tsv_field(art.f, ok ? a->name : NULL, false);
                tsv_field(art.f, ok ? ts : NULL, false);
                tsv_field(art.f, gr_status_names[x.status], true);
                tsv_field(st.f, a->biz, false);
                tsv_field(st.f, b1, false);
                tsv_field(st.f, b2, false);
                tsv_field(st.f, ok ? i64s(sw_read_shown(x.reads), b3, sizeof b3) : NULL, false);
                tsv_field(st.f, ok && x.reads > 100000 ? "t" : "f", false);
                tsv_field(st.f, ok ? i64s(x.likes, b3, sizeof b3) : NULL, true);
                fprintf(urls.f, "GET http://mp.weixin.qq.com/s?__biz=%s&mid=%lld&idx=%d&sn=%s\n", a->biz,
                        (long long)ps[k].mid, idx, x.sn);
                fputs("POST http://mp.weixin.qq.com/mp/getappmsgext __biz=", urls.f);
                form_encode(urls.f, a->biz);
                fprintf(urls.f, "&mid=%lld&idx=%d&sn=%s&is_only_read=1&is_temp_url=0&appmsg_type=9\n",
                        (long long)ps[k].mid, idx, x.sn);
            }
        }
    }
    if ((rc = of_close(&art, err, errlen)) || (rc = of_close(&st, err, errlen)))
        goto out;

    /* Tencent Weibo. */
    gr_buf_init(&text, 1 << 16);
    if ((rc = of_open(&art, dir, "weibo_account.tsv", err, errlen)) || (rc = of_open(&st, dir, "weibo_post.tsv", err, errlen))) {
        gr_buf_free(&text);
        goto out;
    }
    fputs("account\tnick\tfollowers\tfollowing\tposts\tstatus\n", art.f);
    fputs("account\tpost_id\tposted_at\tkind\treposts\tcomments\tmentions\n", st.f);
    for (size_t i = 0; i < u->n_tw; i++) {
        const struct sw_tw *t = &u->tw[i];
        tsv_field(art.f, t->account, false);
        if (t->nulldata) {
            fputs("\\N\t\\N\t\\N\t\\N\terror\n", art.f);
        } else {
            tsv_field(art.f, t->nick, false);
            tsv_field(art.f, i64s(sw_tw_followers(u, t), b1, sizeof b1), false);
            tsv_field(art.f, i64s(sw_tw_following(u, t), b1, sizeof b1), false);
            tsv_field(art.f, i64s(sw_tw_tweetnum(u, t), b1, sizeof b1), false);
            tsv_field(art.f, "ok", true);
        }
        fprintf(urls.f, "GET http://open.t.qq.com/api/user/other_info?format=json&name=%s\n", t->account);
        fprintf(urls.f, "GET http://open.t.qq.com/api/statuses/user_timeline?format=json&name=%s&reqnum=70&pageflag=0&pagetime=0\n",
                t->account);
        int on_page = 0;
        int64_t last_ts = 0;
        for (int64_t d = u->cur_abs; d >= sw_tw_window_first(u); d--) {
            int n = sw_tw_posts_on(u, t, d, posts, 64);
            for (int j = n - 1; j >= 0; j--) {
                const struct sw_post *p = &posts[j];
                if (on_page == 70) {
                    fprintf(urls.f, "GET http://open.t.qq.com/api/statuses/user_timeline?format=json&name=%s&reqnum=70"
                                    "&pageflag=1&pagetime=%lld\n", t->account, (long long)last_ts);
                    on_page = 0;
                }
                on_page++;
                last_ts = p->ts;
                iso(p->ts, ts, sizeof ts);
                tsv_field(st.f, t->account, false);
                tsv_field(st.f, p->id, false);
                tsv_field(st.f, ts, false);
                tsv_field(st.f, post_kind(p->type), false);
                tsv_field(st.f, i64s(p->count, b1, sizeof b1), false);
                tsv_field(st.f, i64s(p->mcount, b2, sizeof b2), false);
                tsv_field(st.f, i64s(p->mentions, b3, sizeof b3), true);
            }
        }
    }
    gr_buf_free(&text);
    if ((rc = of_close(&art, err, errlen)) || (rc = of_close(&st, err, errlen)))
        goto out;

    /* Store listings. */
    if ((rc = of_open(&f, dir, "app_listing.tsv", err, errlen)))
        goto out;
    fputs("store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\trating_count\trating_avg\tstatus\n", f.f);
    for (size_t i = 0; i < u->n_ls; i++) {
        const struct sw_listing *l = &u->ls[i];
        const struct sw_app *p = &u->apps[l->app];
        char num[64], avg[16];
        int64_t implied = 0;
        fprintf(urls.f, "GET %s\n", l->url);
        tsv_field(f.f, gr_store_names[l->store], false);
        tsv_field(f.f, l->listing_id, false);
        if (l->gone) {
            fputs("\\N\t\\N\t\\N\tf\t\\N\t\\N\tnot_found\n", f.f);
            continue;
        }
        tsv_field(f.f, p->package, false);
        tsv_field(f.f, p->name, false);
        if (l->store == SW_SAPPSTORE) {
            int64_t c = sw_listing_count(u, l);
            int a = 100 + (int)(sw_mix(l->h ^ 0xAB) % 401);
            snprintf(avg, sizeof avg, "%d.%02d", a / 100, a % 100);
            tsv_field(f.f, NULL, false);
            tsv_field(f.f, "f", false);
            tsv_field(f.f, c >= 0 ? i64s(c, b1, sizeof b1) : NULL, false);
            tsv_field(f.f, c >= 0 ? avg : NULL, false);
        } else {
            bool has = sw_listing_display(u, l, num, sizeof num, &implied);
            tsv_field(f.f, has ? i64s(implied, b1, sizeof b1) : NULL, false);
            tsv_field(f.f, "f", false);
            tsv_field(f.f, NULL, false);
            tsv_field(f.f, NULL, false);
        }
        tsv_field(f.f, "ok", true);
    }
    if ((rc = of_close(&f, err, errlen)))
        goto out;
    rc = of_close(&urls, err, errlen);
out:
    if (art.f)
        fclose(art.f);
    if (st.f)
        fclose(st.f);
    if (f.f)
        fclose(f.f);
    if (urls.f)
        fclose(urls.f);
    return rc;
}
