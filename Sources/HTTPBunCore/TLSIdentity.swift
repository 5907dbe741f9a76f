import HTTPWire

/// Why TLS material could not be loaded or made.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    package init(message: String) { self.message = message }
    public var description: String { message }
}

/// The certificate chain and private key the server presents over HTTPS, as PEM text.
///
/// ```swift
/// let identity = TLSIdentity(certificateChainPEM: chain, privateKeyPEM: key)
/// // or, with `import HTTPBun`, from files or made now with a CA that a test client can trust
/// let loaded = try TLSIdentity.load(certificatePath: "cert.pem", keyPath: "key.pem")
/// let (made, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1", "localhost"])
/// ```
public struct TLSIdentity: Sendable, Hashable {
    public var certificateChainPEM: String
    public var privateKeyPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }
}
