/* `loader grant-research NAME`: a login for research staff that is read-only
 * by construction. The role is a member of research (SELECT on src, obs,
 * score and report; nothing on crawl or meta) and of nothing else, has no
 * attribute beyond LOGIN, and starts every transaction read-only. Role names
 * and the password reach SQL only as parameters: the statements are built by
 * the server's format() with %I and %L. */
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "gr_db.h"
#include "loader.h"

static bool plain_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* Runs the one statement that `builder` (a SELECT format(...)) returns. */
static enum gr_rc exec_built(PGconn *conn, const char *builder, int n, const char *const *params, char *err,
                             size_t errlen)
{
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_execp(conn, builder, n, params, &res, err, errlen);
    if (!rc) {
        PGresult *r2 = NULL;
        rc = gr_db_execp(conn, PQgetvalue(res, 0, 0), 0, NULL, &r2, err, errlen);
        PQclear(r2);
    }
    PQclear(res);
    return rc;
}

enum gr_rc loader_grant_research(PGconn *conn, const char *name, char *password, size_t passlen, char *err,
                                 size_t errlen)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[16];
    const char *pa[2] = { name, password };
    PGresult *res = NULL;
    enum gr_rc rc;
    bool exists;

    if (!plain_identifier(name) || !strcmp(name, "research") || !strncmp(name, "pg_", 3)) {
        snprintf(err, errlen,
                 "\"%s\" cannot be a research login: use lower-case letters, digits and _ (not research, not pg_...)",
                 name);
        return GR_EUSAGE;
    }
    if (passlen < 2 * sizeof raw + 1 || RAND_bytes(raw, (int)sizeof raw) != 1) {
        snprintf(err, errlen, "cannot generate a password");
        return GR_EINTERNAL;
    }
    for (size_t i = 0; i < sizeof raw; i++) {
        password[2 * i] = hex[raw[i] >> 4];
        password[2 * i + 1] = hex[raw[i] & 15];
    }
    password[2 * sizeof raw] = '\0';

    if ((rc = gr_db_exec(conn, "BEGIN", err, errlen)))
        return rc;
    if ((rc = gr_db_execp(conn,
                          "SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls"
                          "       OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                          "                   WHERE m.member = r.oid AND g.rolname <> 'research')"
                          "       OR EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = r.oid)"
                          "       OR EXISTS (SELECT 1 FROM pg_namespace s WHERE s.nspowner = r.oid)"
                          "  FROM pg_roles r WHERE r.rolname = $1",
                          1, pa, &res, err, errlen)))
        goto out;
    exists = PQntuples(res) == 1;
    if (exists && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        snprintf(err, errlen,
                 "role %s exists and has rights beyond reading (an attribute, a membership or an object it owns): "
                 "left unchanged; choose another name",
                 name);
        rc = GR_EDATA;
        goto out;
    }
    PQclear(res);
    res = NULL;
    if (!exists)
        rc = exec_built(conn,
                        "SELECT format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"
                        " NOREPLICATION NOBYPASSRLS PASSWORD %L IN ROLE research', $1::text, $2::text)",
                        2, pa, err, errlen);
    else
        rc = exec_built(conn,
                        "SELECT format('ALTER ROLE %I LOGIN INHERIT PASSWORD %L', $1::text, $2::text)", 2, pa, err,
                        errlen);
    if (!rc && exists)
        rc = exec_built(conn, "SELECT format('GRANT research TO %I', $1::text)", 1, pa, err, errlen);
    if (!rc)
        rc = exec_built(conn, "SELECT format('ALTER ROLE %I SET default_transaction_read_only = on', $1::text)", 1,
                        pa, err, errlen);
    if (!rc)
        rc = exec_built(conn,
                        "SELECT format('COMMENT ON ROLE %I IS %L', $1::text,"
                        " 'Research login made by loader grant-research: member of research only, read-only.')",
                        1, pa, err, errlen);
    if (!rc)
        rc = gr_db_exec(conn, "COMMIT", err, errlen);
out:
    PQclear(res);
    if (rc) {
        char e2[256];
        (void)gr_db_exec(conn, "ROLLBACK", e2, sizeof e2);
        memset(password, 0, passlen);
    }
    return rc;
}
