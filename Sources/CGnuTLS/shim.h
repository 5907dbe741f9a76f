#ifndef HTTPBUN_CGNUTLS_SHIM_H
#define HTTPBUN_CGNUTLS_SHIM_H

/* GnuTLS's X.509 API, for the certificates --tls-self-signed makes (Sources/HTTPBun/TLS, the only
 * Swift that calls it), and one client exchange for --healthcheck (tls_exchange.h). libmicrohttpd
 * links GnuTLS already. */

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls_exchange.h"

/** The `bits` argument of gnutls_x509_privkey_generate that names the P-256 curve (a function-like
 * macro, which Swift cannot import). */
static const unsigned int httpbun_gnutls_p256_bits = GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1);

/** The subject DN of the certificate the peer of `session` (a gnutls_session_t) presented, written
 * to `buffer` (NUL-terminated, cut to fit), if it verifies against the session's trusted authorities
 * (libmicrohttpd's MHD_OPTION_HTTPS_MEM_TRUST). Returns 1 when verified, 0 when the peer sent no
 * certificate, -1 when it sent one that does not verify (or cannot be read). */
static inline int httpbun_gnutls_verified_peer_subject(void *session, char *buffer, size_t length) {
    gnutls_session_t tls = (gnutls_session_t)session;
    unsigned int count = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(tls, &count);
    if (chain == NULL || count == 0) return 0;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(tls, &status) != GNUTLS_E_SUCCESS || status != 0) return -1;
    gnutls_x509_crt_t certificate;
    if (gnutls_x509_crt_init(&certificate) != GNUTLS_E_SUCCESS) return -1;
    int result = -1;
    size_t size = length;
    if (gnutls_x509_crt_import(certificate, &chain[0], GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS) {
        int read = gnutls_x509_crt_get_dn(certificate, buffer, &size);
        if (read == GNUTLS_E_SUCCESS) {
            result = 1;
        } else if (read == GNUTLS_E_SHORT_MEMORY_BUFFER && length > 0) {
            buffer[0] = '\0';
            result = 1;
        }
    }
    gnutls_x509_crt_deinit(certificate);
    return result;
}

#endif
