import Foundation
import HTTPBunCore

extension TLSIdentity {
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
