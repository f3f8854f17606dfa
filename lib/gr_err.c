#include "gr_err.h"

#include <sysexits.h>

const char *gr_strerror(enum gr_rc rc)
{
    switch (rc) {
    case GR_OK: return "ok";
    case GR_EUSAGE: return "usage error";
    case GR_EDATA: return "bad input data";
    case GR_ENOINPUT: return "input missing";
    case GR_EUNAVAIL: return "service unavailable";
    case GR_EINTERNAL: return "internal error";
    case GR_EIO: return "input/output error";
    case GR_ETEMP: return "temporary failure";
    case GR_ECONFIG: return "configuration error";
    case GR_ENOMEM: return "out of memory";
    case GR_ELIMIT: return "limit exceeded";
    case GR_ELOCKED: return "locked by another run";
    case GR_EPARTIAL: return "finished with item-level failures";
    }
    return "unknown error";
}

int gr_rc_exit(enum gr_rc rc)
{
    switch (rc) {
    case GR_OK: return 0;
    case GR_EUSAGE: return EX_USAGE;
    case GR_EDATA: return EX_DATAERR;
    case GR_ELIMIT: return EX_DATAERR;
    case GR_ENOINPUT: return EX_NOINPUT;
    case GR_EUNAVAIL: return EX_UNAVAILABLE;
    case GR_EINTERNAL: return EX_SOFTWARE;
    case GR_ENOMEM: return EX_SOFTWARE;
    case GR_EIO: return EX_IOERR;
    case GR_ETEMP: return EX_TEMPFAIL;
    case GR_ELOCKED: return EX_TEMPFAIL;
    case GR_ECONFIG: return EX_CONFIG;
    case GR_EPARTIAL: return 1;
    }
    return EX_SOFTWARE;
}
