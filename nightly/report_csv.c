/* See report.h: the CSV files and the JSON file beside the page. */
#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "gr_util.h"
#include "report.h"

/* PostgreSQL type oids (pg_type.h is a server header). */
enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
       OID_NUMERIC = 1700, OID_JSONB = 3802, OID_JSON = 114 };

enum gr_rc report_csv_field(FILE *f, const char *s, bool first)
{
    if (!first && fputc(',', f) == EOF)
        return GR_EIO;
    /* libcsv quotes every field it writes and doubles embedded quotes; NULL
     * stays an empty unquoted field, which psql's \copy reads back as NULL
     * (an empty string is written "" and read back as one). */
    if (s && csv_fwrite(f, s, strlen(s)) != 0)
        return GR_EIO;
    return GR_OK;
}

enum gr_rc report_csv_write(const struct report_table *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    enum gr_rc rc = GR_OK;
    int nc, nr;

    if (!f) {
        snprintf(err, errlen, "unable to write %s: %s", path, strerror(errno));
        return GR_EIO;
    }
    nc = PQnfields(t->res);
    nr = PQntuples(t->res);
    if (fputs("\xEF\xBB\xBF", f) == EOF)
        rc = GR_EIO;
    for (int c = 0; c < nc && !rc; c++)
        rc = report_csv_field(f, PQfname(t->res, c), c == 0);
    if (!rc && fputs("\r\n", f) == EOF)
        rc = GR_EIO;
    for (int r = 0; r < nr && !rc; r++) {
        for (int c = 0; c < nc && !rc; c++)
            rc = report_csv_field(f, PQgetisnull(t->res, r, c) ? NULL : PQgetvalue(t->res, r, c), c == 0);
        if (!rc && fputs("\r\n", f) == EOF)
            rc = GR_EIO;
    }
    if (fclose(f) != 0 && !rc)
        rc = GR_EIO;
    if (rc)
        snprintf(err, errlen, "unable to write %s: %s", path, strerror(errno));
    return rc;
}

/* One value, typed by its column: numbers as numbers, jsonb as JSON. */
static json_t *value_json(const PGresult *res, int r, int c)
{
    const char *v;
    int64_t i;
    double x;

    if (PQgetisnull(res, r, c))
        return json_null();
    v = PQgetvalue(res, r, c);
    switch (PQftype(res, c)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        if (gr_parse_i64(v, &i))
            return json_integer((json_int_t)i);
        break;
    case OID_NUMERIC:
    case OID_FLOAT4:
    case OID_FLOAT8:
        if (gr_parse_double(v, &x))
            return json_real(x);
        break;
    case OID_BOOL:
        return json_boolean(v[0] == 't');
    case OID_JSON:
    case OID_JSONB: {
        json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
        if (j)
            return j;
        break;
    }
    default:
        break;
    }
    return json_string(v);
}

static json_t *table_json(const struct report_table *t, int html_rows)
{
    json_t *o = json_object(), *cols = json_array(), *rows = json_array();
    int nc = PQnfields(t->res), nr = report_table_shown(t, html_rows);

    for (int c = 0; c < nc; c++)
        json_array_append_new(cols, json_string(PQfname(t->res, c)));
    for (int r = 0; r < nr; r++) {
        json_t *row = json_array();
        for (int c = 0; c < nc; c++)
            json_array_append_new(row, value_json(t->res, r, c));
        json_array_append_new(rows, row);
    }
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "section", json_string(t->section));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "total_rows", json_integer(PQntuples(t->res)));
    return o;
}

enum gr_rc report_json(const struct report_data *d, int html_rows, struct gr_buf *b)
{
    json_t *root = json_object(), *run = json_object(), *tables = json_object();
    enum gr_rc rc = GR_OK;
    char *text = NULL;

    if (!root || !run || !tables) {
        rc = GR_ENOMEM;
        goto out;
    }
    for (int c = 0; d->run && c < PQnfields(d->run); c++)
        json_object_set_new(run, PQfname(d->run, c), value_json(d->run, 0, c));
    for (int i = 0; i < d->ntables; i++)
        json_object_set_new(tables, d->tables[i].name, table_json(&d->tables[i], html_rows));
    json_object_set_new(root, "generated_at", json_string(d->generated_at));
    json_object_set_new(root, "run", run);
    json_object_set_new(root, "tables", tables);
    run = tables = NULL;
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!text) {
        rc = GR_ENOMEM;
        goto out;
    }
    /* < > & occur only inside JSON strings, where \u escapes mean the same;
     * so the text can never close or confuse the <script> element it sits in. */
    for (const char *p = text; *p && !rc;) {
        size_t n = strcspn(p, "<>&");
        rc = gr_buf_append(b, p, n);
        p += n;
        if (!*p || rc)
            break;
        rc = gr_buf_appends(b, *p == '<' ? "\\u003c" : *p == '>' ? "\\u003e" : "\\u0026");
        p++;
    }
out:
    free(text);
    json_decref(run);
    json_decref(tables);
    json_decref(root);
    return rc;
}
