import CGnuTLS
import HTTPBunCore

#if canImport(Glibc)
    import Glibc
#endif

// Certificates made at start-up (--tls-self-signed), apart from the TLSIdentity value so that code
// without GnuTLS (the fuzz build) can still use the value. GnuTLS makes them: libmicrohttpd links it
// already, so the binary carries no crypto library of its own (issue 20).
extension TLSIdentity {
    /// Makes a throw-away certificate authority and a leaf certificate signed by it for `hosts`
    /// (IP addresses or DNS names), valid from an hour ago for 30 days. Returns the leaf identity
    /// and the authority's certificate in PEM, for the client to trust.
    ///
    /// Both carry a subject key identifier and the leaf its authority's, which strict verifiers
    /// (OpenSSL's `X509_V_FLAG_X509_STRICT`, on by default in Python 3.13) require.
    public static func selfSigned(hosts: [String]) throws(TLSSetupError) -> (identity: TLSIdentity, authorityPEM: String) {
        do {
            let now = time(nil)
            let validity = (from: now - 3600, until: now + 30 * 86400)
            var system = SystemRandomNumberGenerator()

            let authorityKey = try GnuTLSPrivateKey()
            let authority = try GnuTLSCertificate(key: authorityKey, validity: validity)
            try authority.addName(oid: "2.5.4.10", "httpbun")  // organizationName
            try authority.addName(oid: "2.5.4.3", "httpbun test CA \(RandomIdentifiers.uuid4(using: &system).prefix(8))")  // commonName
            try authority.call { gnutls_x509_crt_set_basic_constraints($0, 1, 0) }
            try authority.call { gnutls_x509_crt_set_key_usage($0, UInt32(GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) }
            let authorityKeyID = try authority.setSubjectKeyIdentifier()
            try authority.sign(issuer: authority, issuerKey: authorityKey)

            let leafKey = try GnuTLSPrivateKey()
            let leaf = try GnuTLSCertificate(key: leafKey, validity: validity)
            try leaf.addName(oid: "2.5.4.3", hosts.first ?? "localhost")
            try leaf.call { gnutls_x509_crt_set_basic_constraints($0, 0, -1) }
            try leaf.call { gnutls_x509_crt_set_key_usage($0, UInt32(GNUTLS_KEY_DIGITAL_SIGNATURE)) }
            try leaf.call { gnutls_x509_crt_set_key_purpose_oid($0, GNUTLS_KP_TLS_WWW_SERVER, 0) }
            for name in subjectAlternativeNames(for: hosts) {
                let (kind, bytes) = name
                try leaf.call { crt in
                    bytes.withUnsafeBytes {
                        gnutls_x509_crt_set_subject_alt_name(crt, kind, $0.baseAddress, UInt32($0.count), UInt32(GNUTLS_FSAN_APPEND))
                    }
                }
            }
            _ = try leaf.setSubjectKeyIdentifier()
            try leaf.call { crt in authorityKeyID.withUnsafeBytes { gnutls_x509_crt_set_authority_key_id(crt, $0.baseAddress, $0.count) } }
            try leaf.sign(issuer: authority, issuerKey: authorityKey)

            let identity = TLSIdentity(certificateChainPEM: try leaf.pem(), privateKeyPEM: try leafKey.pem())
            return (identity, try authority.pem())
        } catch {
            throw TLSSetupError(message: "cannot make a self-signed certificate: \(error)")
        }
    }

    /// IP literals as IP addresses, everything else as DNS names; loopback names always included.
    static func subjectAlternativeNames(for hosts: [String]) -> [(gnutls_x509_subject_alt_name_t, [UInt8])] {
        var names: [(gnutls_x509_subject_alt_name_t, [UInt8])] = []
        var seen: Set<String> = []
        for host in hosts + ["localhost", "127.0.0.1", "::1"] {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            guard !bare.isEmpty, seen.insert(bare).inserted else { continue }
            if let bytes = IPAddressBytes.parse(bare) {
                names.append((GNUTLS_SAN_IPADDRESS, bytes))
            } else {
                names.append((GNUTLS_SAN_DNSNAME, Array(bare.utf8)))
            }
        }
        return names
    }
}

/// A GnuTLS failure: the call and GnuTLS's own words for its code.
struct GnuTLSError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "GnuTLS: " + String(decoding: UnsafeRawBufferPointer(start: gnutls_strerror(code), count: strlen(gnutls_strerror(code))), as: UTF8.self) }

    static func check(_ code: Int32) throws(GnuTLSError) {
        if code < 0 { throw GnuTLSError(code: code) }
    }
}

/// Reads what a GnuTLS export call writes into a caller's buffer (`buffer, &size`), growing the buffer
/// once when GnuTLS says it is too short.
private func exported(_ call: (UnsafeMutableRawPointer, UnsafeMutablePointer<Int>) -> Int32) throws(GnuTLSError) -> [UInt8] {
    var capacity = 4096
    while true {
        var bytes = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        let code = bytes.withUnsafeMutableBytes { call($0.baseAddress!, &size) }
        if code == GNUTLS_E_SHORT_MEMORY_BUFFER, size > capacity {
            capacity = size
            continue
        }
        try GnuTLSError.check(code)
        return Array(bytes.prefix(size))
    }
}

/// A P-256 private key, made at random. The C handle is owned here and freed with the value.
final class GnuTLSPrivateKey {
    let handle: gnutls_x509_privkey_t

    init() throws(GnuTLSError) {
        var key: gnutls_x509_privkey_t?
        try GnuTLSError.check(gnutls_x509_privkey_init(&key))
        guard let key else { throw GnuTLSError(code: GNUTLS_E_MEMORY_ERROR) }
        handle = key
        try GnuTLSError.check(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, httpbun_gnutls_p256_bits, 0))
    }

    deinit { gnutls_x509_privkey_deinit(handle) }

    /// PKCS #8, unencrypted (`-----BEGIN PRIVATE KEY-----`), newline-terminated.
    func pem() throws(GnuTLSError) -> String {
        let bytes = try exported { gnutls_x509_privkey_export_pkcs8(handle, GNUTLS_X509_FMT_PEM, nil, UInt32(GNUTLS_PKCS_PLAIN.rawValue), $0, $1) }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// An X.509 v3 certificate being built. The C handle is owned here and freed with the value.
final class GnuTLSCertificate {
    let handle: gnutls_x509_crt_t

    /// Version 3, a random positive 16-byte serial, the validity period, and the subject's key.
    init(key: GnuTLSPrivateKey, validity: (from: time_t, until: time_t)) throws(GnuTLSError) {
        var certificate: gnutls_x509_crt_t?
        try GnuTLSError.check(gnutls_x509_crt_init(&certificate))
        guard let certificate else { throw GnuTLSError(code: GNUTLS_E_MEMORY_ERROR) }
        handle = certificate
        var system = SystemRandomNumberGenerator()
        var serial = (0..<16).map { _ in UInt8.random(in: 0...255, using: &system) }
        serial[0] = serial[0] & 0x7f | 0x01  // positive, and exactly 16 bytes long
        try call { gnutls_x509_crt_set_version($0, 3) }
        try call { crt in serial.withUnsafeBytes { gnutls_x509_crt_set_serial(crt, $0.baseAddress, $0.count) } }
        try call { gnutls_x509_crt_set_activation_time($0, validity.from) }
        try call { gnutls_x509_crt_set_expiration_time($0, validity.until) }
        try call { gnutls_x509_crt_set_key($0, key.handle) }
    }

    deinit { gnutls_x509_crt_deinit(handle) }

    /// One GnuTLS call on the certificate, its negative answer thrown.
    func call(_ body: (gnutls_x509_crt_t) -> Int32) throws(GnuTLSError) {
        try GnuTLSError.check(body(handle))
    }

    /// Appends an attribute to the subject's distinguished name.
    func addName(oid: String, _ value: String) throws(GnuTLSError) {
        let bytes = Array(value.utf8)
        try call { crt in bytes.withUnsafeBytes { gnutls_x509_crt_set_dn_by_oid(crt, oid, 0, $0.baseAddress, UInt32($0.count)) } }
    }

    /// Sets the subject key identifier to GnuTLS's identifier of the certificate's key, and returns it.
    func setSubjectKeyIdentifier() throws(GnuTLSError) -> [UInt8] {
        let identifier = try exported { gnutls_x509_crt_get_key_id(handle, 0, $0.assumingMemoryBound(to: UInt8.self), $1) }
        try call { crt in identifier.withUnsafeBytes { gnutls_x509_crt_set_subject_key_id(crt, $0.baseAddress, $0.count) } }
        return identifier
    }

    /// Signs with ECDSA over SHA-256; GnuTLS copies the issuer's subject into this certificate's issuer.
    func sign(issuer: GnuTLSCertificate, issuerKey: GnuTLSPrivateKey) throws(GnuTLSError) {
        try call { gnutls_x509_crt_sign2($0, issuer.handle, issuerKey.handle, GNUTLS_DIG_SHA256, 0) }
    }

    /// The certificate in PEM, newline-terminated.
    func pem() throws(GnuTLSError) -> String {
        let bytes = try exported { gnutls_x509_crt_export(handle, GNUTLS_X509_FMT_PEM, $0, $1) }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// The bytes of an IPv4 or IPv6 literal, for certificate names.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }
}
