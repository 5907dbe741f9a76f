import CGnuTLS
import CMicroHTTPD
import HTTPBunCore

/// The client certificates of `--tls-client-ca`: libmicrohttpd asks for one during the handshake
/// (MHD_OPTION_HTTPS_MEM_TRUST) but neither requires nor checks it, so each request reads the
/// connection's GnuTLS session here.
enum ClientCertificateCheck {
    /// The subject of the certificate the client on `connection` presented, when it verifies against
    /// the trusted authorities; nil when it sent none, or one that does not verify.
    static func verifiedSubject(_ connection: OpaquePointer) -> String? {
        guard let session = httpbun_tls_session(connection) else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { buffer in
            httpbun_gnutls_verified_peer_subject(session, buffer.baseAddress, buffer.count) == 1
                ? String(cString: buffer.baseAddress!) : nil
        }
    }
}
