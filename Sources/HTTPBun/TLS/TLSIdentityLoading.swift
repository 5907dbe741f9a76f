import HTTPBunCore

#if canImport(Glibc)
    import Glibc
#endif

extension TLSIdentity {
    /// Reads a PEM certificate chain and a PEM private key from files.
    public static func load(certificatePath: String, keyPath: String) throws(TLSSetupError) -> TLSIdentity {
        TLSIdentity(certificateChainPEM: try readPEM(certificatePath, "certificate"), privateKeyPEM: try readPEM(keyPath, "key"))
    }

    /// Reads the PEM certificates of the authorities that issue client certificates (`--tls-client-ca`),
    /// for `ServerConfiguration.tlsClientCA`.
    ///
    /// ```swift
    /// configuration.tlsClientCA = try TLSIdentity.loadClientAuthorities(path: "client-ca.pem")
    /// ```
    public static func loadClientAuthorities(path: String) throws(TLSSetupError) -> String {
        try readPEM(path, "client CA")
    }

    private static func readPEM(_ path: String, _ what: String) throws(TLSSetupError) -> String {
        guard let text = readTextFile(path) else {
            throw TLSSetupError(message: "cannot read the TLS \(what) at \(path): give a readable PEM file")
        }
        guard text.split(separator: "\n").contains(where: { $0.hasPrefix("-----BEGIN ") }) else {
            throw TLSSetupError(message: "the TLS \(what) at \(path) is not PEM (no -----BEGIN line)")
        }
        return text
    }
}

/// The whole file as text (invalid UTF-8 repaired), or nil when it cannot be read or is a
/// folder. PEM files are small; more than 16 MiB is refused as not one. (Also the command's
/// reader of its state file and of a CA to trust.)
package func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes.append(contentsOf: chunk.prefix(count))
        if count < chunk.count { break }
        if bytes.count > 16 << 20 { return nil }
    }
    guard ferror(file) == 0 else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}
