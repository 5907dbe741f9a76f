/* The C floor: what libmicrohttpd 0.9.75 does with no Swift at all.
 *
 * Same daemon set-up as httpbun (Sources/HTTPBun/Server/HTTPBunServer.swift): N epoll daemons on one
 * port with SO_REUSEPORT (N = --threads), MHD_ALLOW_SUSPEND_RESUME, connection limit, 60 s idle
 * timeout, 32 KiB per-connection memory, 1 KiB increment, backlog 4096, a URI-log callback that
 * allocates per-request state, and the answer on the last handler call (so keep-alive works).
 *
 * Routes:
 *   /get       pretty JSON echo of method, args, headers, origin and url (httpbun's layout, same
 *              size class), application/json; with httpbun's `Access-Control-Allow-Origin: *`, so a
 *              plain /get answer is byte for byte httpbun's
 *   /health    {"status": "ok"}
 *   /delay/N   suspend the connection, resume it N seconds later from a timer thread, then /get's echo
 *
 * Usage: floor [--port P] [--threads N] [--connection-limit N]; prints its URL on the first line.
 * Bench-only code: it is not hardened and serves 127.0.0.1 only. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <microhttpd.h>

struct buf { char *p; size_t n, cap; };

static void put(struct buf *b, const char *s, size_t n) {
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap) b->cap = b->cap ? b->cap * 2 : 1024;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_json_string(struct buf *b, const char *s, size_t n) {
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') put(b, "\\\"", 2);
        else if (c == '\\') put(b, "\\\\", 2);
        else if (c < 0x20) { char e[8]; snprintf(e, sizeof e, "\\u%04x", c); put(b, e, 6); }
        else put(b, (const char *)&s[i], 1);
    }
    put(b, "\"", 1);
}

/* Per request: the raw target (from the URI-log callback) and whether the first call happened. */
struct exchange {
    char *target;
    int seen;
    int waiting;        /* suspended by /delay and not yet called back */
};

struct iter { struct buf *b; int count; };

static enum MHD_Result add_pair(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                const char *value, size_t value_size) {
    (void)kind;
    struct iter *it = cls;
    if (it->count++) put(it->b, ",\n    ", 6); else put(it->b, "\n    ", 5);
    put_json_string(it->b, key, key_size);
    put(it->b, ": ", 2);
    put_json_string(it->b, value ? value : "", value ? value_size : 0);
    return MHD_YES;
}

static void echo(struct MHD_Connection *c, const char *method, struct exchange *x, struct buf *b) {
    puts_(b, "{\n  \"method\": ");
    put_json_string(b, method, strlen(method));
    puts_(b, ",\n  \"args\": {");
    struct iter it = { b, 0 };
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, add_pair, &it);
    puts_(b, it.count ? "\n  },\n  \"headers\": {" : "},\n  \"headers\": {");
    it.count = 0;
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, add_pair, &it);
    puts_(b, it.count ? "\n  },\n  \"origin\": " : "},\n  \"origin\": ");
    char addr[64] = "";
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)info->client_addr)->sin_addr, addr, sizeof addr);
    put_json_string(b, addr, strlen(addr));
    puts_(b, ",\n  \"url\": \"http://");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (host) puts_(b, host);
    puts_(b, x->target);
    puts_(b, "\",\n  \"form\": {},\n  \"data\": \"\",\n  \"json\": null,\n  \"files\": {}\n}\n");
}

/* ---- /delay: a timer thread resumes suspended connections (FIFO; one delay length per run) ---- */
struct timer { struct timespec due; struct MHD_Connection *c; struct timer *next; };
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond = PTHREAD_COND_INITIALIZER;
static struct timer *timer_head, *timer_tail;

static void *timer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&timer_lock);
    for (;;) {
        while (!timer_head) pthread_cond_wait(&timer_cond, &timer_lock);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        struct timer *t = timer_head;
        if (now.tv_sec < t->due.tv_sec || (now.tv_sec == t->due.tv_sec && now.tv_nsec < t->due.tv_nsec)) {
            pthread_cond_timedwait(&timer_cond, &timer_lock, &t->due);
            continue;
        }
        timer_head = t->next;
        if (!timer_head) timer_tail = NULL;
        MHD_resume_connection(t->c);
        free(t);
    }
    return NULL;
}

static void arm(struct MHD_Connection *c, int seconds) {
    struct timer *t = calloc(1, sizeof *t);
    clock_gettime(CLOCK_REALTIME, &t->due);
    t->due.tv_sec += seconds;
    t->c = c;
    pthread_mutex_lock(&timer_lock);
    if (timer_tail) timer_tail->next = t; else timer_head = t;
    timer_tail = t;
    pthread_cond_signal(&timer_cond);
    pthread_mutex_unlock(&timer_lock);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload_data, size_t *upload_data_size,
                               void **con_cls) {
    (void)cls; (void)version; (void)upload_data;
    struct exchange *x = *con_cls;
    if (!x) return MHD_NO;
    if (!x->seen) { x->seen = 1; return MHD_YES; }          /* answer on a later call: keep-alive */
    if (*upload_data_size) { *upload_data_size = 0; return MHD_YES; }
    struct buf b = { 0 };
    unsigned int status = MHD_HTTP_OK;
    if (strcmp(url, "/health") == 0) {
        puts_(&b, "{\n  \"status\": \"ok\"\n}\n");
    } else if (strcmp(url, "/get") == 0) {
        echo(c, method, x, &b);
    } else if (strncmp(url, "/delay/", 7) == 0) {
        if (!x->waiting) {
            x->waiting = 1;
            MHD_suspend_connection(c);
            arm(c, atoi(url + 7));
            return MHD_YES;
        }
        echo(c, method, x, &b);
    } else {
        status = MHD_HTTP_NOT_FOUND;
        puts_(&b, "{\n  \"error\": \"not found\"\n}\n");
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(b.n, b.p, MHD_RESPMEM_MUST_COPY);
    free(b.p);
    MHD_add_response_header(r, "Content-Type", "application/json");
    /* httpbun answers every request with CORS allowed: the same bytes on the wire as ours. */
    MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)cls; (void)c;
    struct exchange *x = calloc(1, sizeof *x);
    x->target = strdup(uri ? uri : "/");
    return x;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode code) {
    (void)cls; (void)c; (void)code;
    struct exchange *x = *con_cls;
    if (x) { free(x->target); free(x); *con_cls = NULL; }
}

int main(int argc, char **argv) {
    int port = 0, threads = 1, limit = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--connection-limit")) limit = atoi(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }
    signal(SIGPIPE, SIG_IGN);
    pthread_t timer_thread;
    pthread_create(&timer_thread, NULL, timer_main, NULL);
    struct MHD_Daemon *daemons[64];
    if (threads < 1 || threads > 64) return 2;
    int bound = port;
    for (int i = 0; i < threads; i++) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)bound) };
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        struct MHD_OptionItem options[] = {
            { MHD_OPTION_SOCK_ADDR, 0, &sa },
            { MHD_OPTION_CONNECTION_LIMIT, limit, NULL },
            { MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL },
            { MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL },
            { MHD_OPTION_CONNECTION_MEMORY_INCREMENT, 1024, NULL },
            { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL },
            { MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log, NULL },
            { MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096, NULL },
            { MHD_OPTION_LISTENING_ADDRESS_REUSE, threads > 1, NULL },
            { MHD_OPTION_END, 0, NULL },
        };
        if (threads == 1) options[8].option = MHD_OPTION_END;
        daemons[i] = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
                                      0, NULL, NULL, handler, NULL, MHD_OPTION_ARRAY, options, MHD_OPTION_END);
        if (!daemons[i]) { fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", bound); return 1; }
        if (i == 0) bound = MHD_get_daemon_info(daemons[0], MHD_DAEMON_INFO_BIND_PORT)->port;
    }
    printf("http://127.0.0.1:%d\n", bound);
    fflush(stdout);
    for (;;) pause();
}
