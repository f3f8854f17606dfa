#include "gr_err.h"

#include <stddef.h>
#include <sysexits.h>

/* The one table of codes, texts and exit statuses. gr_rc_from_exit() reads it
 * backwards and takes the first row with a status, so each status's primary
 * code comes first (GR_EDATA before GR_ELIMIT, GR_ETEMP before GR_ELOCKED). */
static const struct {
    enum gr_rc rc;
    int exit;
    const char *text;
} codes[] = {
    { GR_OK, 0, "ok" },
    { GR_EPARTIAL, 1, "finished with item-level failures" },
    { GR_EUSAGE, EX_USAGE, "usage error" },
    { GR_EDATA, EX_DATAERR, "bad input data" },
    { GR_ELIMIT, EX_DATAERR, "limit exceeded" },
    { GR_ENOINPUT, EX_NOINPUT, "input missing" },
    { GR_EUNAVAIL, EX_UNAVAILABLE, "service unavailable" },
    { GR_EINTERNAL, EX_SOFTWARE, "internal error" },
    { GR_ENOMEM, EX_SOFTWARE, "out of memory" },
    { GR_EIO, EX_IOERR, "input/output error" },
    { GR_ETEMP, EX_TEMPFAIL, "temporary failure" },
    { GR_ELOCKED, EX_TEMPFAIL, "locked by another run" },
    { GR_ECONFIG, EX_CONFIG, "configuration error" },
};
#define NCODES (sizeof codes / sizeof *codes)

const char *gr_strerror(enum gr_rc rc)
{
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i].rc == rc)
            return codes[i].text;
    return "unknown error";
}

int gr_rc_exit(enum gr_rc rc)
{
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i].rc == rc)
            return codes[i].exit;
    return EX_SOFTWARE;
}

enum gr_rc gr_rc_from_exit(int status)
{
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i].exit == status)
            return codes[i].rc;
    return GR_EINTERNAL;
}
