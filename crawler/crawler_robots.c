/* robots.txt (RFC 9309): groups, Allow/Disallow with "*" and "$", the
 * longest match wins and Allow wins a tie, plus the non-standard
 * Crawl-delay that many Chinese sites still publish. Input is untrusted:
 * lines and rule counts are bounded, unknown lines are ignored. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crawler.h"
#include "gr_util.h"

#define MAX_RULES 4096
#define MAX_LINE 2048

struct rule {
    bool allow;
    char *pat;
    size_t len;
};

struct rules {
    struct rule *v;
    size_t n, cap;
    int64_t delay_ms;
};

struct cr_robots {
    struct rules use;
};

static void rules_free(struct rules *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].pat);
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

static bool rules_add(struct rules *r, bool allow, const char *pat, size_t len)
{
    if (r->n >= MAX_RULES)
        return true;            /* silently bounded */
    {
        struct rule *nv = gr_grow(r->v, r->n, &r->cap, sizeof *nv, 16);
        if (!nv)
            return false;
        r->v = nv;
    }
    r->v[r->n].pat = strndup(pat, len);
    if (!r->v[r->n].pat)
        return false;
    r->v[r->n].allow = allow;
    r->v[r->n].len = len;
    r->n++;
    return true;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

/* Parses a Crawl-delay value ("2", "0.5") into milliseconds; -1 if bad. */
static int64_t parse_delay(const char *v, size_t n)
{
    char buf[32];
    double d;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    if (!gr_parse_double(buf, &d) || d < 0 || d > 86400)
        return -1;
    return (int64_t)(d * 1000.0 + 0.5);
}

struct cr_robots *cr_robots_parse(const char *body, size_t len, const char *agent)
{
    struct cr_robots *r = calloc(1, sizeof *r);
    struct rules mine = { 0 }, star = { 0 };
    /* group state: which of our groups the current group feeds */
    bool g_mine = false, g_star = false, in_agents = false;
    bool saw_mine = false;
    size_t i = 0;

    if (!r)
        return NULL;
    mine.delay_ms = star.delay_ms = -1;
    if (len >= 3 && (unsigned char)body[0] == 0xEF && (unsigned char)body[1] == 0xBB &&
        (unsigned char)body[2] == 0xBF)
        i = 3;
    while (i < len) {
        size_t s = i, e, ks, ke, vs, ve;
        while (i < len && body[i] != '\n' && body[i] != '\r')
            i++;
        e = i;
        while (i < len && (body[i] == '\n' || body[i] == '\r'))
            i++;
        if (e - s > MAX_LINE)
            continue;
        for (size_t k = s; k < e; k++)
            if (body[k] == '#') {
                e = k;
                break;
            }
        ks = s;
        while (ks < e && isspace((unsigned char)body[ks]))
            ks++;
        ke = ks;
        while (ke < e && body[ke] != ':')
            ke++;
        if (ke >= e)
            continue;           /* no colon: ignore */
        vs = ke + 1;
        while (ke > ks && isspace((unsigned char)body[ke - 1]))
            ke--;
        while (vs < e && isspace((unsigned char)body[vs]))
            vs++;
        ve = e;
        while (ve > vs && isspace((unsigned char)body[ve - 1]))
            ve--;
        if (ieq(body + ks, ke - ks, "user-agent")) {
            size_t tl = 0;
            if (!in_agents) {
                g_mine = g_star = false;
                in_agents = true;
            }
            /* the product token: up to a space or '/' ("Govreach/1.0") */
            while (vs + tl < ve && !isspace((unsigned char)body[vs + tl]) && body[vs + tl] != '/')
                tl++;
            if (tl == 1 && body[vs] == '*')
                g_star = true;
            else if (tl && ieq(body + vs, tl, agent))
                g_mine = saw_mine = true;
            continue;
        }
        if (ieq(body + ks, ke - ks, "allow") || ieq(body + ks, ke - ks, "disallow")) {
            bool allow = tolower((unsigned char)body[ks]) == 'a';
            in_agents = false;
            if (ve == vs)
                continue;       /* "Disallow:" with no path allows everything */
            if ((g_mine && !rules_add(&mine, allow, body + vs, ve - vs)) ||
                (g_star && !rules_add(&star, allow, body + vs, ve - vs)))
                goto oom;
            continue;
        }
        if (ieq(body + ks, ke - ks, "crawl-delay")) {
            int64_t d = parse_delay(body + vs, ve - vs);
            in_agents = false;
            if (d >= 0) {
                if (g_mine && d > mine.delay_ms)
                    mine.delay_ms = d;
                if (g_star && d > star.delay_ms)
                    star.delay_ms = d;
            }
            continue;
        }
        /* sitemap and unknown fields do not end a user-agent run per
         * RFC 9309 only for rules; treat them as neutral. */
    }
    if (saw_mine) {
        r->use = mine;
        rules_free(&star);
    } else {
        r->use = star;
        rules_free(&mine);
    }
    return r;
oom:
    rules_free(&mine);
    rules_free(&star);
    free(r);
    return NULL;
}

void cr_robots_free(struct cr_robots *r)
{
    if (!r)
        return;
    rules_free(&r->use);
    free(r);
}

/* Matches pat (with '*' and a final '$') against the start of path. */
static bool match(const char *pat, size_t plen, const char *path)
{
    bool anchored = plen && pat[plen - 1] == '$';
    size_t pl = anchored ? plen - 1 : plen;
    size_t pi = 0, si = 0, n = strlen(path);
    size_t star_p = (size_t)-1, star_s = 0;

    while (si <= n) {
        if (pi == pl) {
            if (!anchored || si == n)
                return true;
        } else if (pat[pi] == '*') {
            star_p = pi++;
            star_s = si;
            continue;
        } else if (si < n && pat[pi] == path[si]) {
            pi++;
            si++;
            continue;
        }
        if (star_p == (size_t)-1 || star_s >= n)
            return false;
        pi = star_p + 1;
        si = ++star_s;
    }
    return false;
}

bool cr_robots_allowed(const struct cr_robots *r, const char *path)
{
    size_t best = 0;
    bool allowed = true, any = false;

    if (!r || strcmp(path, "/robots.txt") == 0)
        return true;
    for (size_t i = 0; i < r->use.n; i++) {
        const struct rule *ru = &r->use.v[i];
        if (!match(ru->pat, ru->len, path))
            continue;
        if (!any || ru->len > best || (ru->len == best && ru->allow)) {
            best = ru->len;
            allowed = ru->allow;
            any = true;
        }
    }
    return allowed;
}

int64_t cr_robots_delay_ms(const struct cr_robots *r)
{
    return r ? r->use.delay_ms : -1;
}
