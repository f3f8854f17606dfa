/* Error codes shared by every govreach module.
 *
 * Fallible functions return enum gr_rc (0 = ok) and pass results through
 * out-parameters. Only a program's main.c turns a code into an exit status,
 * through gr_rc_exit(), which maps each code onto <sysexits.h>. */
#ifndef GR_ERR_H
#define GR_ERR_H

enum gr_rc {
    GR_OK = 0,
    GR_EUSAGE,      /* bad command line                       -> 64 EX_USAGE */
    GR_EDATA,       /* bad input data (TSV, CSV, page)        -> 65 EX_DATAERR */
    GR_ENOINPUT,    /* an input file or directory is missing  -> 66 EX_NOINPUT */
    GR_EUNAVAIL,    /* database or network unavailable        -> 69 EX_UNAVAILABLE */
    GR_EINTERNAL,   /* a bug                                  -> 70 EX_SOFTWARE */
    GR_EIO,         /* reading or writing a file failed       -> 74 EX_IOERR */
    GR_ETEMP,       /* temporary failure, safe to retry       -> 75 EX_TEMPFAIL */
    GR_ECONFIG,     /* bad configuration                      -> 78 EX_CONFIG */
    GR_ENOMEM,      /* out of memory                          -> 70 */
    GR_ELIMIT,      /* a size or count limit was hit          -> 65 */
    GR_ELOCKED,     /* another run holds the lock             -> 75 */
    GR_EPARTIAL     /* finished, with item-level failures     -> 1 */
};

/* Static English text for a code; never NULL. */
const char *gr_strerror(enum gr_rc rc);

/* The <sysexits.h> status for a code; used only by main.c files. */
int gr_rc_exit(enum gr_rc rc);
/* The other way, for a program that runs the stages (the nightly driver): the
 * code a stage's exit status stands for; GR_EINTERNAL for a status outside
 * the table (a crash, a signal). Both read the one table in gr_err.c. */
enum gr_rc gr_rc_from_exit(int status);

#endif
