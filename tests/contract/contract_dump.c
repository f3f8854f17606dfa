/* bin/contract_dump: prints the C side of the parser -> loader contract
 * (lib/gr_rows.h and the sources' status strings) as lines that
 * tests/integration/schema_contract.sh compares with the same facts read
 * from a database migrated from schema/ (the single source):
 *   record_type NAME COL,COL,...   every record type, its columns in order
 *   status S,S,...                 the page statuses
 *   store S,S,...                  the app store codes (gr_store_names, and the
 *                                  registry's stores: the sources seeding by
 *                                  their store listings)
 *   capped N                       the count stored for a capped read count
 * A fact stated twice on the C side is printed twice, so two C places that
 * disagree show as two lines where the schema has one. Not installed. */
#include <stdio.h>
#include <string.h>

#include "gr_count.h"
#include "gr_rows.h"
#include "gr_source_impl.h"

static void print_list(const char *what, const char *const *l)
{
    printf("%s ", what);
    for (int i = 0; l[i]; i++)
        printf("%s%s", i ? "," : "", l[i]);
    putchar('\n');
}

int main(void)
{
    static const char *const source_statuses[] = {
        GR_ST_OK, GR_ST_DELETED, GR_ST_BLOCKED, GR_ST_EXPIRED, GR_ST_VERIFICATION, GR_ST_NOT_FOUND, GR_ST_ERROR, NULL,
    };
    static const char *const capped_texts[] = { "10万+", "100000+" };
    struct gr_count c;

    for (int t = 0; t < GR_REC_COUNT; t++) {
        printf("record_type %s ", gr_rec_name((enum gr_rec_type)t));
        for (const char *h = gr_rec_header((enum gr_rec_type)t); *h; h++)
            putchar(*h == '\t' ? ',' : *h);
        putchar('\n');
    }
    print_list("status", gr_status_names);
    print_list("status", source_statuses);
    print_list("store", gr_store_names);
    {
        /* the registry's stores: a store source without the schema's line
         * shows as a store line of its own */
        const char *stores[64];
        size_t n = 0;
        const struct gr_source *s;
        for (size_t i = 0; (s = gr__source_at(i)) && n + 1 < sizeof stores / sizeof *stores; i++)
            if (s->seed == gr__store_seed)
                stores[n++] = s->name;
        stores[n] = NULL;
        print_list("store", stores);
    }
    printf("capped %d\n", GR_READS_CAPPED);
    for (size_t i = 0; i < sizeof capped_texts / sizeof *capped_texts; i++) {
        if (gr_count_parse(capped_texts[i], strlen(capped_texts[i]), &c) || !c.capped) {
            fprintf(stderr, "contract_dump: the count normaliser does not read \"%s\" as a cap\n", capped_texts[i]);
            return 70;
        }
        printf("capped %lld\n", (long long)c.value);
    }
    return 0;
}
