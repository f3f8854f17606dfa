/* Configuration: INI files (parsed with inih), environment and command line.
 *
 * Precedence, lowest first: the key table's defaults < the config file <
 * environment (GOVREACH_<SECTION>_<KEY>, e.g. GOVREACH_DB_CONNINFO) < values
 * set from the command line with gr_config_set(). Every program declares the
 * keys it knows in a table; a key in one of the program's sections that is not
 * in its table, or a value of the wrong type, is an error reported as
 * "file:line: message" (GR_ECONFIG, exit 78). Sections belonging to other
 * programs are stored but not checked, so one file can serve all stages.
 *
 * Section names of the form "host:NAME" are per-host overrides; a key table
 * entry "host:*.delay_ms" allows "delay_ms" in every such section. */
#ifndef GR_CONFIG_H
#define GR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_err.h"

enum gr_cfg_type { GR_CFG_STR, GR_CFG_INT, GR_CFG_DOUBLE, GR_CFG_BOOL, GR_CFG_SECRET };

struct gr_config_key {
    const char *name;       /* "section.key"; section may be "host:*" */
    enum gr_cfg_type type;
    const char *def;        /* default as text, or NULL for none */
    int64_t min, max;       /* for GR_CFG_INT when min < max */
    const char *doc;        /* one line; printed by --help-config */
};

struct gr_config;

/* keys: terminated by an entry with name NULL; sections: NULL-terminated list
 * of section names this program checks (e.g. {"db", "log", "crawler", NULL}).
 * The tables must outlive the object. Returns NULL when out of memory. */
struct gr_config *gr_config_new(const struct gr_config_key *keys, const char *const *sections);
void gr_config_free(struct gr_config *cfg);

/* Loads an INI file. A missing file is GR_ENOINPUT unless `optional`. On error
 * writes "file:line: message" into err. */
enum gr_rc gr_config_load_file(struct gr_config *cfg, const char *path, bool optional, char *err,
                               size_t errlen);
/* Applies GOVREACH_* environment variables for every key in the table. */
enum gr_rc gr_config_load_env(struct gr_config *cfg, char *err, size_t errlen);
/* Sets "section.key" from the command line (origin "command line"). */
enum gr_rc gr_config_set(struct gr_config *cfg, const char *name, const char *value, char *err,
                         size_t errlen);

/* Lookups. A name that is not set falls back to the table default; the typed
 * getters are only valid for names validated by the table. Strings are owned
 * by cfg. gr_config_get() returns NULL when neither set nor defaulted. */
const char *gr_config_get(const struct gr_config *cfg, const char *name);
int64_t gr_config_int(const struct gr_config *cfg, const char *name);
double gr_config_double(const struct gr_config *cfg, const char *name);
bool gr_config_bool(const struct gr_config *cfg, const char *name);
/* Where a value came from: "file:line", "environment GOVREACH_X", "command
 * line" or "default". */
const char *gr_config_origin(const struct gr_config *cfg, const char *name);

/* Calls cb for every section whose name starts with prefix (each once). */
void gr_config_each_section(const struct gr_config *cfg, const char *prefix,
                            void (*cb)(const char *section, void *arg), void *arg);

/* What every program's main.c does after parsing its options: loads the file
 * (when path is non-empty), the environment, then each "section.key=value"
 * of sets (from --set), in that order; then applies log.level (unless the
 * environment sets GR_LOG_LEVEL) and log.format when the table has them (verbosity -1 = --quiet, 1 = --verbose overrides
 * the level). On error, err holds "file:line: message" or the like and the
 * code is GR_ECONFIG (a missing file included). */
enum gr_rc gr_config_setup(struct gr_config *cfg, const char *path, char *const *sets, int nsets, int verbosity,
                           char *err, size_t errlen);

/* Prints the key table (name, type, default, doc) to f. */
void gr_config_print_keys(const struct gr_config_key *keys, void *f);

#endif
