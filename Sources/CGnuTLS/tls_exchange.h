#ifndef HTTPBUN_CGNUTLS_TLS_EXCHANGE_H
#define HTTPBUN_CGNUTLS_TLS_EXCHANGE_H

/* One HTTPS request for `httpbun --healthcheck` (Sources/httpbun/HealthProbe.swift, its only caller),
 * over GnuTLS, which libmicrohttpd links already: the probe carries no TLS library of its own. The
 * handshake's loop and error codes are C's idiom, so they stay on this side of the boundary. */

#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/** Over the connected socket `fd`: a TLS handshake whose peer must verify against the PEM
 * certificates in `trusted_pem` (a CA, or the served certificate itself, which GnuTLS then trusts as
 * pinned) and, when `host_name` is not NULL, must be for that name or IP address; then `request` is
 * sent and the first bytes of the answer are read into `answer`. Returns the bytes read (0: the
 * server closed without answering), or -1 with the reason in `reason`. Timeouts are the socket's
 * (SO_RCVTIMEO/SO_SNDTIMEO), seen here as GNUTLS_E_AGAIN. */
static inline long httpbun_tls_exchange(int fd, const char *trusted_pem, const char *host_name, const char *request,
                                        char *answer, size_t answer_capacity, char *reason, size_t reason_capacity) {
    gnutls_certificate_credentials_t credentials = NULL;
    gnutls_session_t session = NULL;
    long result = -1;
    const char *step = "set up TLS";
    gnutls_datum_t trusted = {(unsigned char *)trusted_pem, (unsigned int)strlen(trusted_pem)};
    size_t length = strlen(request), sent = 0;
    ssize_t count;
    int status = gnutls_certificate_allocate_credentials(&credentials);
    if (status < 0) goto failed;
    status = gnutls_certificate_set_x509_trust_mem(credentials, &trusted, GNUTLS_X509_FMT_PEM);
    if (status <= 0) {
        snprintf(reason, reason_capacity, "the certificate to trust does not load (%s)",
                 status < 0 ? gnutls_strerror(status) : "no PEM certificate in it");
        goto done;
    }
    if ((status = gnutls_init(&session, GNUTLS_CLIENT)) < 0) goto failed;
    if ((status = gnutls_set_default_priority(session)) < 0) goto failed;
    if ((status = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, credentials)) < 0) goto failed;
    gnutls_session_set_verify_cert(session, host_name, 0);
    gnutls_transport_set_int(session, fd);
    gnutls_handshake_set_timeout(session, 2000);

    step = "complete a TLS handshake";
    /* Warning alerts are not fatal; a bounded retry, since EAGAIN (the socket's timeout) is not fatal either. */
    for (int attempt = 0; attempt < 8; attempt++) {
        status = gnutls_handshake(session);
        if (status >= 0 || gnutls_error_is_fatal(status) || status == GNUTLS_E_AGAIN) break;
    }
    if (status == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
        gnutls_datum_t printed = {NULL, 0};
        unsigned verification = gnutls_session_get_verify_cert_status(session);
        if (gnutls_certificate_verification_status_print(verification, gnutls_certificate_type_get(session), &printed, 0) == 0) {
            snprintf(reason, reason_capacity, "its certificate does not verify against the one trusted: %s", (char *)printed.data);
            gnutls_free(printed.data);
        } else {
            snprintf(reason, reason_capacity, "its certificate does not verify against the one trusted");
        }
        goto done;
    }
    if (status == GNUTLS_E_AGAIN) {
        snprintf(reason, reason_capacity, "no TLS handshake within 2 s");
        goto done;
    }
    if (status < 0) goto failed;

    step = "send the request";
    while (sent < length) {
        count = gnutls_record_send(session, request + sent, length - sent);
        if (count == GNUTLS_E_INTERRUPTED) continue;
        if (count == GNUTLS_E_AGAIN) {
            snprintf(reason, reason_capacity, "cannot send the request within 2 s");
            goto done;
        }
        if (count < 0) { status = (int)count; goto failed; }
        sent += (size_t)count;
    }

    step = "read the answer";
    do { count = gnutls_record_recv(session, answer, answer_capacity); } while (count == GNUTLS_E_INTERRUPTED);
    if (count == GNUTLS_E_PREMATURE_TERMINATION) count = 0;
    if (count == GNUTLS_E_AGAIN) {
        snprintf(reason, reason_capacity, "no answer within 2 s");
        goto done;
    }
    if (count < 0) { status = (int)count; goto failed; }
    result = (long)count;
    goto done;

failed:
    snprintf(reason, reason_capacity, "cannot %s: %s", step, gnutls_strerror(status));
done:
    if (session) gnutls_deinit(session);
    if (credentials) gnutls_certificate_free_credentials(credentials);
    return result;
}

#endif
