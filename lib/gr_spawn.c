#include "gr_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gr_log.h"
#include "gr_progress.h"

int gr_spawn_run(char *const *argv, const char *log_file, volatile pid_t *running, struct gr_spawn_result *r)
{
    struct rusage ru;
    double t0 = gr_now();
    int status = 0;
    pid_t pid;

    memset(r, 0, sizeof *r);
    pid = fork();
    if (pid < 0) {
        gr_error("cannot fork for %s: %s", argv[0], strerror(errno));
        r->status = 71;
        return r->status;
    }
    if (pid == 0) {
        int fd = log_file ? open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)     /* the caller died before prctl: do not run orphaned */
            _exit(75);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        execv(argv[0], argv);
        fprintf(stderr, "%s: cannot run %s: %s\n", gr_log_prog(), argv[0], strerror(errno));
        _exit(70);
    }
    if (running)
        *running = pid;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            status = 70 << 8;
            memset(&ru, 0, sizeof ru);
            break;
        }
    }
    if (running)
        *running = 0;
    r->wall = gr_now() - t0;
    r->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec / 1e6;
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r->status;
}
