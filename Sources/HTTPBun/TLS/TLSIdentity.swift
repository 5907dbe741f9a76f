import Foundation

/// Why TLS material could not be loaded or made.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The certificate chain and private key the server presents over HTTPS, as PEM text.
///
/// ```swift
/// // from files
/// let identity = try TLSIdentity.load(certificatePath: "cert.pem", keyPath: "key.pem")
/// // or made now, with a CA that a test client can trust
/// let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1", "localhost"])
/// try authority.write(to: URL(fileURLWithPath: "ca.pem"), atomically: true, encoding: .utf8)
/// ```
public struct TLSIdentity: Sendable, Hashable {
    public var certificateChainPEM: String
    public var privateKeyPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Reads a PEM certificate chain and a PEM private key from files.
    public static func load(certificatePath: String, keyPath: String) throws(TLSSetupError) -> TLSIdentity {
        func read(_ path: String, _ what: String) throws(TLSSetupError) -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TLSSetupError(message: "cannot read the TLS \(what) at \(path): give a readable PEM file")
            }
            guard text.contains("-----BEGIN ") else {
                throw TLSSetupError(message: "the TLS \(what) at \(path) is not PEM (no -----BEGIN line)")
            }
            return text
        }
        return TLSIdentity(certificateChainPEM: try read(certificatePath, "certificate"), privateKeyPEM: try read(keyPath, "key"))
    }
}
