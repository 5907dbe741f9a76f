#ifndef HTTPBUN_CMICROHTTPD_SHIM_H
#define HTTPBUN_CMICROHTTPD_SHIM_H

/* Fixed-signature wrappers for libmicrohttpd's variadic and union-returning calls, which Swift
 * cannot import. Each MHD call that needs help is wrapped once, here; the Swift side lives in
 * Sources/HTTPBun/Server and nowhere else. */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <microhttpd.h>

/** Receives MHD's own diagnostics, already formatted. */
typedef void (*httpbun_log_callback)(void *cls, const char *message);

struct httpbun_daemon_settings {
    unsigned int flags;                 /* MHD_FLAG bits */
    const struct sockaddr *address;     /* the address to bind; its port may be 0 */
    unsigned int connection_limit;
    unsigned int connection_timeout;    /* seconds an idle connection is kept */
    size_t memory_limit;                /* per-connection pool: request line, headers, buffers */
    size_t memory_increment;
    unsigned int listen_backlog;
    int reuse_address;                  /* 1: SO_REUSEPORT, so several daemons share a port */
    const char *tls_key_pem;            /* with MHD_USE_TLS: PEM key and certificate chain, kept alive by the caller */
    const char *tls_cert_pem;
    const char *tls_trust_pem;          /* with MHD_USE_TLS: PEM authorities whose client certificates are asked for, or NULL */
};

struct httpbun_log_trampoline {
    httpbun_log_callback callback;
    void *cls;
};

static inline void httpbun_mhd_logger(void *cls, const char *fmt, va_list ap) {
    struct httpbun_log_trampoline *trampoline = (struct httpbun_log_trampoline *)cls;
    char buffer[1024];
    vsnprintf(buffer, sizeof buffer, fmt, ap);
    size_t length = strlen(buffer);
    while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r')) {
        buffer[--length] = '\0';
    }
    trampoline->callback(trampoline->cls, buffer);
}

static inline struct MHD_Daemon *httpbun_start_daemon(
    const struct httpbun_daemon_settings *settings,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *connection), void *uri_log_cls,
    MHD_NotifyConnectionCallback notify_connection, void *notify_connection_cls,
    MHD_AcceptPolicyCallback accept_policy, void *accept_policy_cls,
    struct httpbun_log_trampoline *logger)
{
    struct MHD_OptionItem options[16];
    int n = 0;
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, (void *)settings->address };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, settings->connection_limit, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, settings->connection_timeout, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)settings->memory_limit, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_INCREMENT, (intptr_t)settings->memory_increment, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completed_cls };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log, uri_log_cls };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)notify_connection, notify_connection_cls };
    if (settings->listen_backlog > 0)
        options[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, settings->listen_backlog, NULL };
    if (settings->reuse_address)
        options[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL };
    if (settings->tls_key_pem != NULL && settings->tls_cert_pem != NULL) {
        options[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)settings->tls_key_pem };
        options[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)settings->tls_cert_pem };
        if (settings->tls_trust_pem != NULL)
            options[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)settings->tls_trust_pem };
    }
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    /* With MHD_OPTION_SOCK_ADDR the port argument must be 0, or 0.9.75 reports it instead of the real one.
     * The logger must be the very first option (MHD_OPTION_ARRAY counts as one), or MHD complains
     * on stderr with its own logger. */
    if (logger != NULL)
        return MHD_start_daemon(settings->flags, 0, accept_policy, accept_policy_cls, handler, handler_cls,
                                MHD_OPTION_EXTERNAL_LOGGER, httpbun_mhd_logger, (void *)logger,
                                MHD_OPTION_ARRAY, options, MHD_OPTION_END);
    return MHD_start_daemon(settings->flags, 0, accept_policy, accept_policy_cls, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/** The port the daemon is bound to (the real one when 0 was asked for), or 0. */
static inline uint16_t httpbun_daemon_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/** Number of connections the daemon holds now. */
static inline unsigned int httpbun_daemon_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/** Writes the client's IP address (no port) into buffer; IPv4-mapped IPv6 is written as plain IPv4. */
/* Dotted-quad IPv4 without inet_ntop, whose sprintf was a noticeable share of a /get. */
static inline int httpbun_format_ipv4(const unsigned char *ip, char *buffer, socklen_t length) {
    if (length < 16) return 0;
    char *out = buffer;
    for (int i = 0; i < 4; i++) {
        unsigned value = ip[i];
        if (value >= 100) *out++ = (char)('0' + value / 100);
        if (value >= 10) *out++ = (char)('0' + value / 10 % 10);
        *out++ = (char)('0' + value % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
    return 1;
}

static inline int httpbun_client_address(struct MHD_Connection *connection, char *buffer, socklen_t length) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return 0;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        return httpbun_format_ipv4((const unsigned char *)&((const struct sockaddr_in *)address)->sin_addr, buffer, length);
    }
    if (address->sa_family == AF_INET6) {
        const struct in6_addr *ip = &((const struct sockaddr_in6 *)address)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(ip)) {
            return httpbun_format_ipv4(&ip->s6_addr[12], buffer, length);
        }
        return inet_ntop(AF_INET6, ip, buffer, length) != NULL;
    }
    return 0;
}

/** What the connection-notify callback stored for this connection when it opened, or NULL. */
static inline void *httpbun_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/** The connection's GnuTLS session (a gnutls_session_t), or NULL on a plain HTTP connection. */
static inline void *httpbun_tls_session(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    return info == NULL ? NULL : info->tls_session;
}

/** The connection's socket, or -1. */
static inline int httpbun_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/** True when the client has half-closed its side (sent FIN) and the kernel holds nothing more
 * from it: a peek that never blocks. libmicrohttpd may still hold bytes in its own buffer. */
static inline int httpbun_socket_peer_closed(int fd) {
    char byte;
    return fd >= 0 && recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/** Bytes of the current request's line and header block, blank line included, as libmicrohttpd
 * measured them (0 before the header block has ended). */
static inline size_t httpbun_request_header_size(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return info == NULL ? 0 : info->header_size;
}

/** Bytes the kernel has received on the socket so far, the FIN counted as one, or -1. Linux's
 * TCP_INFO has counted them (tcpi_bytes_received) since 4.1, but glibc's `struct tcp_info` ends
 * before that field and <linux/tcp.h> clashes with it in Swift's module map, so the field is read at
 * its offset: after glibc's struct come the two pacing rates and bytes_acked (Linux's uapi layout
 * only ever grows). */
static inline long long httpbun_socket_bytes_received(int fd) {
    enum { bytes_received_offset = sizeof(struct tcp_info) + 3 * sizeof(uint64_t) };
    _Static_assert(sizeof(struct tcp_info) == 104, "glibc's struct tcp_info ends at tcpi_total_retrans");
    unsigned char raw[256];
    socklen_t length = sizeof raw;
    if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, raw, &length) != 0) return -1;
    if (length < bytes_received_offset + sizeof(uint64_t)) return -1;
    uint64_t received;
    memcpy(&received, raw + bytes_received_offset, sizeof received);
    return (long long)received;
}

/** Shuts a socket down both ways: epoll then reports it and libmicrohttpd closes it. What was
 * queued for sending is still delivered (shutdown is not close). */
static inline void httpbun_socket_shutdown(int fd) {
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
}

/** This connection's idle timeout, in seconds (0: none). */
static inline void httpbun_set_connection_timeout(struct MHD_Connection *connection, unsigned int seconds) {
    MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, seconds);
}

/** Empties the query of the target libmicrohttpd 0.9.75 hands to the URI-log callback, so that it
 * parses no GET arguments: we read the query from our own copy of the target. MHD parses them
 * after the callback, from this very buffer (its read buffer, which it writes into itself), into
 * records of ~48 bytes each in the connection's pool: 700 arguments exhausted a 32 KiB pool, and
 * MHD then failed to send its own 431 and held the connection until its loop next woke (up to
 * the idle timeout). Unescaping and storing them also cost every request. */
static inline void httpbun_hide_query_from_mhd(const char *uri) {
    char *mark = strchr((char *)uri, '?');
    if (mark != NULL) mark[1] = '\0';
}

/** Iterates values of several kinds at once (Swift cannot form the MHD_ValueKind bit mask). */
static inline int httpbun_connection_values(struct MHD_Connection *connection, int kinds,
                                            MHD_KeyValueIteratorN iterator, void *cls) {
    return MHD_get_connection_values_n(connection, (enum MHD_ValueKind)kinds, iterator, cls);
}

static const ssize_t httpbun_content_reader_end_of_stream = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t httpbun_content_reader_end_with_error = MHD_CONTENT_READER_END_WITH_ERROR;
static const uint64_t httpbun_size_unknown = MHD_SIZE_UNKNOWN;

/* ---- Upgraded (WebSocket) connections: Server/WebSocketConnection.swift ---- */

/** Gives an upgraded connection back to MHD, which closes its socket (MHD_upgrade_action is
 * variadic). Never close() the socket itself: MHD owns it and still counts the connection. */
static inline int httpbun_upgrade_close(struct MHD_UpgradeResponseHandle *handle) {
    return MHD_upgrade_action(handle, MHD_UPGRADE_ACTION_CLOSE) == MHD_YES;
}

/** Sends FIN after what is queued: the WebSocket close frame reaches the client before the end of
 * the stream, and the client's answer can still be read. */
static inline void httpbun_socket_shutdown_write(int fd) {
    if (fd >= 0) shutdown(fd, SHUT_WR);
}

static const uint32_t httpbun_epoll_in = EPOLLIN;
static const uint32_t httpbun_epoll_out = EPOLLOUT;

/** Adds, changes (add = 0) or removes (events ignored) `fd` in an epoll set, with `token` as the
 * event's data (epoll_data is a union). */
static inline int httpbun_epoll_control(int epoll_fd, int add, int remove, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data.u64 = token };
    int op = remove ? EPOLL_CTL_DEL : add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    return epoll_ctl(epoll_fd, op, fd, &event);
}

/** Waits for at most `capacity` (up to 64) events, each written as its token and its bits. */
static inline int httpbun_epoll_wait(int epoll_fd, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms) {
    struct epoll_event ready[64];
    int count = epoll_wait(epoll_fd, ready, capacity < 64 ? capacity : 64, timeout_ms);
    for (int i = 0; i < count; i++) {
        tokens[i] = ready[i].data.u64;
        events[i] = ready[i].events;
    }
    return count;
}

static inline int httpbun_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/** A descriptor another thread writes to wake an epoll loop. */
static inline int httpbun_wake_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
static inline void httpbun_wake_signal(int fd) { eventfd_write(fd, 1); }
static inline void httpbun_wake_clear(int fd) { eventfd_t value; eventfd_read(fd, &value); }

#endif
