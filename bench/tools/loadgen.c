/* Load shapes wrk cannot express. Bench-only; 127.0.0.1 only; every mode is bounded in count and time.
 *
 *   loadgen burst PORT N PATH [TIMEOUT_S]
 *       Opens N connections at once, sends one `GET PATH` (Connection: close) on each, and reads each
 *       answer to EOF. Prints JSON: wall time from the first connect to the last answer, statuses, and
 *       the phases: every connect() issued, every request written, the first answer read.
 *   loadgen idle PORT N PATH [TIMEOUT_S]
 *       Opens N keep-alive connections, sends one request on each and reads its answer (by
 *       Content-Length), then prints `ready N_OK` and holds every connection open until stdin closes.
 *   loadgen startup PATH_TO_EXE PATH -- ARGS...
 *       Starts EXE with ARGS, reads the URL from its first stdout line, then polls `GET PATH` in a
 *       tight loop until a 200. Prints JSON: microseconds from fork to that 200, and the child's CPU
 *       time (user + system) until then, which the machine's load does not inflate. Kills the child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }
}

static int open_nonblocking(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) { close(fd); return -1; }
    return fd;
}

enum { CONNECTING, READING, DONE };
struct conn {
    int fd, state, status, len, want;   /* want: header+body length when known (keep-alive), else -1 */
    char buf[8192];
};

/* Parses the status and, when the headers are complete, the total length; -1 while unknown. */
static void parse(struct conn *c) {
    c->buf[c->len < (int)sizeof c->buf ? c->len : (int)sizeof c->buf - 1] = 0;
    if (!c->status && c->len >= 12) c->status = atoi(c->buf + 9);
    if (c->want < 0) {
        char *end = strstr(c->buf, "\r\n\r\n");
        if (!end) return;
        char *cl = strcasestr(c->buf, "\r\nContent-Length:");
        if (cl && cl < end) c->want = (int)(end + 4 - c->buf) + atoi(cl + 17);
    }
}

/* Phases of the last run_conns, from its start: every connect() issued, every request written, first answer done. */
static double phase_connected, phase_sent, phase_first_answer;

static int run_conns(int port, int n, const char *path, double timeout, int keepalive, double *wall,
                     int *statuses, int *failed, struct conn **out) {
    raise_nofile();
    int ep = epoll_create1(0);
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    char req[512];
    int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: loadgen\r\n%s\r\n",
                          path, port, keepalive ? "" : "Connection: close\r\n");
    double start = now_s(), last = start;
    int pending = 0;
    *failed = 0;
    for (int i = 0; i < n; i++) {
        cs[i].want = -1;
        cs[i].fd = open_nonblocking(port);
        if (cs[i].fd < 0) { cs[i].state = DONE; (*failed)++; continue; }
        struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        pending++;
    }
    phase_connected = now_s() - start;
    phase_sent = phase_first_answer = 0;
    int unsent = pending;
    struct epoll_event evs[1024];
    while (pending > 0 && now_s() - start < timeout) {
        int k = epoll_wait(ep, evs, 1024, 100);
        for (int e = 0; e < k; e++) {
            struct conn *c = &cs[evs[e].data.u32];
            if (c->state == DONE) continue;
            if (c->state == CONNECTING && (evs[e].events & EPOLLOUT)) {
                int err = 0; socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err || write(c->fd, req, (size_t)reqlen) != reqlen) {
                    c->state = DONE; (*failed)++; pending--; close(c->fd); c->fd = -1; continue;
                }
                c->state = READING;
                if (--unsent == 0) phase_sent = now_s() - start;
                struct epoll_event ev = { .events = EPOLLIN, .data.u32 = evs[e].data.u32 };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            if (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                char tmp[65536];
                ssize_t r = read(c->fd, tmp, sizeof tmp);
                if (r > 0) {
                    int room = (int)sizeof c->buf - 1 - c->len;
                    int copy = r < room ? (int)r : room;
                    if (copy > 0) memcpy(c->buf + c->len, tmp, (size_t)copy);
                    c->len += copy;
                    if (copy < r) c->want = c->want < 0 ? -2 : c->want; /* answer larger than buf: count bytes loosely */
                    parse(c);
                    if (keepalive && c->want > 0 && c->len >= c->want) {
                        c->state = DONE; pending--; last = now_s();
                        if (!phase_first_answer) phase_first_answer = last - start;
                        statuses[c->status < 600 && c->status > 0 ? c->status : 0]++;
                        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    }
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    c->state = DONE; pending--; last = now_s();
                    if (!phase_first_answer) phase_first_answer = last - start;
                    if (c->status) statuses[c->status < 600 ? c->status : 0]++; else (*failed)++;
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    close(c->fd); c->fd = -1;
                }
            }
        }
    }
    *wall = last - start;
    close(ep);
    *out = cs;
    return pending;   /* still unanswered at the time limit */
}

static void print_statuses(int *statuses) {
    printf("\"statuses\": {");
    int first = 1;
    for (int s = 0; s < 600; s++) if (statuses[s]) { printf("%s\"%d\": %d", first ? "" : ", ", s, statuses[s]); first = 0; }
    printf("}");
}

static int startup(const char *exe, const char *path, char **args) {
    int pipefd[2];
    if (pipe(pipefd) < 0) return 1;
    double start = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]); close(pipefd[1]);
        execv(exe, args);
        _exit(127);
    }
    close(pipefd[1]);
    char line[256]; int len = 0;
    while (len < (int)sizeof line - 1) {
        ssize_t r = read(pipefd[0], line + len, 1);
        if (r <= 0 || line[len] == '\n') break;
        len++;
    }
    line[len] = 0;
    char *colon = strrchr(line, ':');
    int port = colon ? atoi(colon + 1) : 0;
    double url_at = now_s();
    char req[256];
    int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path, port);
    int status = 0, attempts = 0;
    while (status != 200 && now_s() - start < 10) {
        attempts++;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, req, (size_t)reqlen) == reqlen) {
            char buf[512];
            ssize_t r = read(fd, buf, sizeof buf - 1);
            if (r >= 12) { buf[r] = 0; status = atoi(buf + 9); }
        }
        close(fd);
    }
    double done = now_s();
    /* SIGKILL, not SIGTERM: the CPU time reported is then start-up plus one request, no shutdown. */
    kill(pid, SIGKILL);
    int ws;
    struct rusage ru;
    wait4(pid, &ws, 0, &ru);
    close(pipefd[0]);
    double cpu = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
    printf("{\"status\": %d, \"micros\": %.0f, \"url_micros\": %.0f, \"cpu_micros\": %.0f, \"attempts\": %d}\n",
           status, (done - start) * 1e6, (url_at - start) * 1e6, cpu, attempts);
    return status == 200 ? 0 : 1;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 5 && !strcmp(argv[1], "burst")) {
        int port = atoi(argv[2]), n = atoi(argv[3]);
        double timeout = argc > 5 ? atof(argv[5]) : 30, wall;
        static int statuses[600]; int failed; struct conn *cs;
        int unanswered = run_conns(port, n, argv[4], timeout, 0, &wall, statuses, &failed, &cs);
        printf("{\"n\": %d, \"wall_s\": %.4f, \"connected_s\": %.4f, \"sent_s\": %.4f, \"first_answer_s\": %.4f, "
               "\"failed\": %d, \"unanswered\": %d, ", n, wall, phase_connected, phase_sent, phase_first_answer, failed, unanswered);
        print_statuses(statuses);
        printf("}\n");
        return 0;
    }
    if (argc >= 5 && !strcmp(argv[1], "idle")) {
        int port = atoi(argv[2]), n = atoi(argv[3]);
        double timeout = argc > 5 ? atof(argv[5]) : 30, wall;
        static int statuses[600]; int failed; struct conn *cs;
        int unanswered = run_conns(port, n, argv[4], timeout, 1, &wall, statuses, &failed, &cs);
        printf("ready %d failed %d unanswered %d\n", statuses[200], failed, unanswered);
        fflush(stdout);
        char c;
        while (read(0, &c, 1) > 0) {}
        return 0;
    }
    if (argc >= 5 && !strcmp(argv[1], "startup") && !strcmp(argv[4], "--")) {
        char **args = &argv[4];
        args[0] = argv[2];
        return startup(argv[2], argv[3], args);
    }
    fprintf(stderr, "usage: loadgen burst|idle PORT N PATH [TIMEOUT] | loadgen startup EXE PATH -- ARGS...\n");
    return 2;
}
