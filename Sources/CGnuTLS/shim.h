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

#endif
