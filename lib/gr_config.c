#include "gr_config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "gr_log.h"
#include "gr_util.h"

struct entry {
    char *name;        /* "section.key" */
    char *section;
    char *value;
    char origin[300];
    UT_hash_handle hh;
};

struct gr_config {
    const struct gr_config_key *keys;
    const char *const *sections;
    struct entry *map;
    /* state while parsing a file */
    const char *path;
    char *err;
    size_t errlen;
    enum gr_rc rc;
};

struct gr_config *gr_config_new(const struct gr_config_key *keys, const char *const *sections)
{
    struct gr_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    cfg->keys = keys;
    cfg->sections = sections;
    return cfg;
}

void gr_config_free(struct gr_config *cfg)
{
    struct entry *e, *tmp;

    if (!cfg)
        return;
    HASH_ITER(hh, cfg->map, e, tmp) {
        HASH_DEL(cfg->map, e);
        free(e->name);
        free(e->section);
        free(e->value);
        free(e);
    }
    free(cfg);
}

/* The table entry for "section.key", honouring "host:*" wildcards. */
static const struct gr_config_key *find_key(const struct gr_config *cfg, const char *section,
                                            const char *key)
{
    for (const struct gr_config_key *k = cfg->keys; k && k->name; k++) {
        const char *dot = strrchr(k->name, '.');
        size_t slen;
        if (!dot || strcmp(dot + 1, key) != 0)
            continue;
        slen = (size_t)(dot - k->name);
        if (slen >= 2 && k->name[slen - 1] == '*' && k->name[slen - 2] == ':') {
            if (strncmp(section, k->name, slen - 1) == 0)
                return k;
        } else if (strlen(section) == slen && strncmp(section, k->name, slen) == 0) {
            return k;
        }
    }
    return NULL;
}

static bool section_owned(const struct gr_config *cfg, const char *section)
{
    for (const char *const *s = cfg->sections; s && *s; s++) {
        size_t n = strlen(*s);
        if (strcmp(*s, section) == 0)
            return true;
        /* "host:" in the list owns every "host:NAME" section. */
        if (n && (*s)[n - 1] == ':' && strncmp(*s, section, n) == 0)
            return true;
    }
    return false;
}

/* Every section some govreach program reads from the shared configuration
 * file: a section outside this list and the program's own is a typo
 * ([crawlr]) and is rejected, as is a GOVREACH_ variable naming none. */
static const char *const known_sections[] = { "db", "log", "loader", "nightly", "parser", "crawler", "wechat",
                                              "scorer", "host:", NULL };
/* GOVREACH_ variables that are not configuration keys. */
static const char *const env_not_keys[] = { "GOVREACH_CONFIG", "GOVREACH_SHARE", "GOVREACH_VAR",
                                            "GOVREACH_SCORER_PAUSE_MS", "GOVREACH_DEMO_DIR", NULL };

static bool section_known(const struct gr_config *cfg, const char *section)
{
    for (const char *const *s = known_sections; *s; s++) {
        size_t n = strlen(*s);
        if (strcmp(*s, section) == 0 || ((*s)[n - 1] == ':' && strncmp(*s, section, n) == 0))
            return true;
    }
    return section_owned(cfg, section);
}

static bool check_value(const struct gr_config_key *k, const char *value, char *why, size_t whylen)
{
    int64_t i;
    double d;
    bool b;

    switch (k->type) {
    case GR_CFG_INT:
        if (!gr_parse_i64(value, &i)) {
            snprintf(why, whylen, "\"%s\" is not an integer", value);
            return false;
        }
        if (k->min < k->max && (i < k->min || i > k->max)) {
            snprintf(why, whylen, "%lld is out of range %lld..%lld", (long long)i, (long long)k->min,
                     (long long)k->max);
            return false;
        }
        return true;
    case GR_CFG_DOUBLE:
        if (!gr_parse_double(value, &d)) {
            snprintf(why, whylen, "\"%s\" is not a number", value);
            return false;
        }
        return true;
    case GR_CFG_BOOL:
        if (!gr_parse_bool(value, &b)) {
            snprintf(why, whylen, "\"%s\" is not a boolean (true/false)", value);
            return false;
        }
        return true;
    case GR_CFG_STR:
    case GR_CFG_SECRET:
        return true;
    }
    return true;
}

static enum gr_rc store(struct gr_config *cfg, const char *section, const char *key, const char *value,
                        const char *origin, char *err, size_t errlen)
{
    const struct gr_config_key *k = find_key(cfg, section, key);
    struct entry *e;
    char name[512];
    char why[256];

    if (!k && section_owned(cfg, section)) {
        snprintf(err, errlen, "%s: unknown key \"%s\" in section [%s]", origin, key, section);
        return GR_ECONFIG;
    }
    if (k && !check_value(k, value, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s.%s: %s", origin, section, key, why);
        return GR_ECONFIG;
    }
    snprintf(name, sizeof name, "%s.%s", section, key);
    HASH_FIND_STR(cfg->map, name, e);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e)
            return GR_ENOMEM;
        e->name = strdup(name);
        e->section = strdup(section);
        if (!e->name || !e->section) {
            free(e->name);
            free(e->section);
            free(e);
            return GR_ENOMEM;
        }
        HASH_ADD_KEYPTR(hh, cfg->map, e->name, strlen(e->name), e);
    }
    free(e->value);
    e->value = strdup(value);
    if (!e->value)
        return GR_ENOMEM;
    snprintf(e->origin, sizeof e->origin, "%s", origin);
    return GR_OK;
}

/* Debian's inih calls handlers without a line number, so the reader counts
 * lines itself: the handler runs right after the line it reports is read. */
struct line_reader {
    FILE *f;
    int line;
};

static char *reader_cb(char *str, int num, void *stream)
{
    struct line_reader *r = stream;
    char *s = fgets(str, num, r->f);
    if (s)
        r->line++;
    return s;
}

static struct line_reader *cur_reader;

static int ini_cb(void *user, const char *section, const char *key, const char *value)
{
    struct gr_config *cfg = user;
    char origin[300];
    int lineno = cur_reader ? cur_reader->line : 0;

    if (cfg->rc)
        return 0;
    snprintf(origin, sizeof origin, "%s:%d", cfg->path, lineno);
    if (!*section) {
        snprintf(cfg->err, cfg->errlen, "%s: key \"%s\" outside any [section]", origin, key);
        cfg->rc = GR_ECONFIG;
        return 0;
    }
    if (!section_known(cfg, section)) {
        snprintf(cfg->err, cfg->errlen, "%s: unknown section [%s]", origin, section);
        cfg->rc = GR_ECONFIG;
        return 0;
    }
    cfg->rc = store(cfg, section, key, value, origin, cfg->err, cfg->errlen);
    return cfg->rc == GR_OK;
}

enum gr_rc gr_config_load_file(struct gr_config *cfg, const char *path, bool optional, char *err,
                               size_t errlen)
{
    FILE *f = fopen(path, "r");
    int line;

    if (!f) {
        if (optional && errno == ENOENT)
            return GR_OK;
        /* a missing configuration file is a configuration error (78) in
         * every program */
        snprintf(err, errlen, "%s: cannot open configuration: %s", path, strerror(errno));
        return GR_ECONFIG;
    }
    cfg->path = path;
    cfg->err = err;
    cfg->errlen = errlen;
    cfg->rc = GR_OK;
    {
        struct line_reader r = { f, 0 };
        cur_reader = &r;
        line = ini_parse_stream(reader_cb, &r, ini_cb, cfg);
        cur_reader = NULL;
    }
    fclose(f);
    if (cfg->rc)
        return cfg->rc;
    if (line != 0) {
        snprintf(err, errlen, "%s:%d: syntax error", path, line);
        return GR_ECONFIG;
    }
    return GR_OK;
}

extern char **environ;

/* A GOVREACH_ variable that names no known section, or no key of a section
 * this program owns, is a typo: rejected (78). */
static enum gr_rc check_env_names(const struct gr_config *cfg, char *err, size_t errlen)
{
    for (char **ep = environ; ep && *ep; ep++) {
        const char *v = *ep, *eq = strchr(v, '=');
        char name[256], section[64];
        size_t n, sl;
        bool skip = false, found = false;

        if (strncmp(v, "GOVREACH_", 9) != 0 || !eq || (n = (size_t)(eq - v)) >= sizeof name)
            continue;
        memcpy(name, v, n);
        name[n] = '\0';
        for (const char *const *x = env_not_keys; *x && !skip; x++)
            skip = strcmp(*x, name) == 0;
        if (skip)
            continue;
        sl = strcspn(name + 9, "_");
        if (sl == 0 || sl >= sizeof section)
            sl = 0;
        for (size_t i = 0; i < sl; i++)
            section[i] = (char)tolower((unsigned char)name[9 + i]);
        section[sl] = '\0';
        if (!sl || !section_known(cfg, section)) {
            snprintf(err, errlen, "environment %s: unknown configuration section \"%s\"", name, section);
            return GR_ECONFIG;
        }
        if (!section_owned(cfg, section))
            continue;           /* another program's key */
        for (const struct gr_config_key *k = cfg->keys; k && k->name && !found; k++) {
            char var[256];
            size_t j = (size_t)snprintf(var, sizeof var, "GOVREACH_");
            for (const char *p = k->name; *p && j + 1 < sizeof var; p++)
                var[j++] = (*p == '.' || *p == '-' || *p == ':') ? '_' : (char)toupper((unsigned char)*p);
            var[j] = '\0';
            found = !strchr(k->name, '*') && strcmp(var, name) == 0;
        }
        if (!found) {
            snprintf(err, errlen, "environment %s: unknown key in section [%s]", name, section);
            return GR_ECONFIG;
        }
    }
    return GR_OK;
}

enum gr_rc gr_config_load_env(struct gr_config *cfg, char *err, size_t errlen)
{
    enum gr_rc rc0 = check_env_names(cfg, err, errlen);
    if (rc0)
        return rc0;
    for (const struct gr_config_key *k = cfg->keys; k && k->name; k++) {
        char var[256], origin[300], section[128];
        const char *dot = strrchr(k->name, '.');
        const char *v;
        size_t j = 0;
        enum gr_rc rc;

        if (strchr(k->name, '*') || !dot || (size_t)(dot - k->name) >= sizeof section)
            continue;
        j = (size_t)snprintf(var, sizeof var, "GOVREACH_");
        for (const char *p = k->name; *p && j + 1 < sizeof var; p++)
            var[j++] = (*p == '.' || *p == '-' || *p == ':') ? '_' : (char)toupper((unsigned char)*p);
        var[j] = '\0';
        v = getenv(var);
        if (!v)
            continue;
        memcpy(section, k->name, (size_t)(dot - k->name));
        section[dot - k->name] = '\0';
        snprintf(origin, sizeof origin, "environment %s", var);
        rc = store(cfg, section, dot + 1, v, origin, err, errlen);
        if (rc)
            return rc;
    }
    return GR_OK;
}

enum gr_rc gr_config_set(struct gr_config *cfg, const char *name, const char *value, char *err,
                         size_t errlen)
{
    const char *dot = strrchr(name, '.');
    char section[256];

    if (!dot || dot == name || (size_t)(dot - name) >= sizeof section) {
        snprintf(err, errlen, "command line: \"%s\" is not of the form section.key", name);
        return GR_ECONFIG;
    }
    memcpy(section, name, (size_t)(dot - name));
    section[dot - name] = '\0';
    return store(cfg, section, dot + 1, value, "command line", err, errlen);
}

static const struct gr_config_key *table_entry(const struct gr_config *cfg, const char *name)
{
    const char *dot = strrchr(name, '.');
    char section[256];

    if (!dot || (size_t)(dot - name) >= sizeof section)
        return NULL;
    memcpy(section, name, (size_t)(dot - name));
    section[dot - name] = '\0';
    return find_key(cfg, section, dot + 1);
}

const char *gr_config_get(const struct gr_config *cfg, const char *name)
{
    struct entry *e;
    const struct gr_config_key *k;

    HASH_FIND_STR(cfg->map, name, e);
    if (e)
        return e->value;
    k = table_entry(cfg, name);
    return k ? k->def : NULL;
}

const char *gr_config_origin(const struct gr_config *cfg, const char *name)
{
    struct entry *e;
    HASH_FIND_STR(cfg->map, name, e);
    return e ? e->origin : "default";
}

int64_t gr_config_int(const struct gr_config *cfg, const char *name)
{
    const char *v = gr_config_get(cfg, name);
    int64_t i = 0;
    if (v)
        (void)gr_parse_i64(v, &i);
    return i;
}

double gr_config_double(const struct gr_config *cfg, const char *name)
{
    const char *v = gr_config_get(cfg, name);
    double d = 0;
    if (v)
        (void)gr_parse_double(v, &d);
    return d;
}

bool gr_config_bool(const struct gr_config *cfg, const char *name)
{
    const char *v = gr_config_get(cfg, name);
    bool b = false;
    if (v)
        (void)gr_parse_bool(v, &b);
    return b;
}

void gr_config_each_section(const struct gr_config *cfg, const char *prefix,
                            void (*cb)(const char *section, void *arg), void *arg)
{
    struct entry *e, *f;
    size_t n = strlen(prefix);

    for (e = cfg->map; e; e = e->hh.next) {
        bool seen = false;
        if (strncmp(e->section, prefix, n) != 0)
            continue;
        for (f = cfg->map; f != e; f = f->hh.next) {
            if (strcmp(f->section, e->section) == 0) {
                seen = true;
                break;
            }
        }
        if (!seen)
            cb(e->section, arg);
    }
}

void gr_config_print_keys(const struct gr_config_key *keys, void *fp)
{
    static const char *const tn[] = { "string", "integer", "number", "boolean", "secret" };
    FILE *f = fp;
    for (const struct gr_config_key *k = keys; k && k->name; k++)
        fprintf(f, "  %-32s %-8s default %-14s %s\n", k->name, tn[k->type],
                k->type == GR_CFG_SECRET ? "(none)" : (k->def ? k->def : "(none)"), k->doc ? k->doc : "");
}

enum gr_rc gr_config_setup(struct gr_config *cfg, const char *path, char *const *sets, int nsets, int verbosity,
                           char *err, size_t errlen)
{
    enum gr_rc rc = GR_OK;
    enum gr_log_level lv;
    const char *v;

    if (path && *path)
        rc = gr_config_load_file(cfg, path, false, err, errlen);
    if (!rc)
        rc = gr_config_load_env(cfg, err, errlen);
    for (int i = 0; !rc && i < nsets; i++) {
        char *eq = strchr(sets[i], '=');
        if (!eq) {
            snprintf(err, errlen, "command line: --set %s: expected section.key=value", sets[i]);
            return GR_ECONFIG;
        }
        *eq = '\0';
        rc = gr_config_set(cfg, sets[i], eq + 1, err, errlen);
        *eq = '=';
    }
    if (rc)
        return rc == GR_ENOMEM ? rc : GR_ECONFIG;
    /* GR_LOG_LEVEL, read by gr_log_init(), is the environment: it beats the file */
    v = getenv("GR_LOG_LEVEL") ? NULL : gr_config_get(cfg, "log.level");
    if (v) {
        if (!gr_log_parse_level(v, &lv)) {
            snprintf(err, errlen, "%s: log.level: unknown level \"%s\"", gr_config_origin(cfg, "log.level"), v);
            return GR_ECONFIG;
        }
        gr_log_set_level(lv);
    }
    if (verbosity < 0)
        gr_log_set_level(GR_LOG_WARN);
    else if (verbosity > 0)
        gr_log_set_level(GR_LOG_DEBUG);
    v = gr_config_get(cfg, "log.format");
    if (v && !strcmp(v, "json"))
        gr_log_set_json(true);
    return GR_OK;
}
