/* Running a stage: the one way a govreach program starts another program
 * (the nightly driver runs loader, crawler, parser and scorer with it). */
#ifndef GR_SPAWN_H
#define GR_SPAWN_H

#include <sys/types.h>

struct gr_spawn_result {
    int status;         /* exit status; 128 + signal when killed; 71 when it could not be started */
    double wall, cpu;   /* seconds: elapsed, and user + system of the child */
};

/* Runs argv[0] (a path) with argv, its stdout and stderr appended to log_file
 * (inherited when NULL), and waits for it. The child gets SIGKILL when the
 * caller dies (PR_SET_PDEATHSIG), so a kill -9 of the caller is a kill -9 of
 * the stage too; it starts with SIGINT and SIGTERM at their defaults. While
 * it runs, *running (when not NULL) holds its pid, for a signal handler that
 * passes signals on; 0 afterwards. Returns r->status. */
int gr_spawn_run(char *const *argv, const char *log_file, volatile pid_t *running, struct gr_spawn_result *r);

#endif
