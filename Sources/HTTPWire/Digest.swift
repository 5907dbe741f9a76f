/// The hash functions of Digest authentication (RFC 7616 section 3.4.2).
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"
    case sha512 = "SHA-512"

    /// The algorithm named as in a challenge or a URL, case-insensitively.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.equalsASCIICaseInsensitive(name) }) else { return nil }
        self = match
    }

    /// The digest of `bytes` in lower-case hex, as Digest authentication writes every hash.
    public func hexDigest<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        switch self {
        case .md5: return Hex.encode(HashFunction.md5.hash(bytes))
        case .sha256: return Hex.encode(HashFunction.sha256.hash(bytes))
        case .sha512: return Hex.encode(HashFunction.sha512.hash(bytes))
        }
    }

    public func hexDigest(_ text: String) -> String { hexDigest(text.utf8) }

    /// The nonce count as Digest writes it: eight lower-case hex digits (`00000001`).
    public static func nonceCount(_ count: Int) -> String {
        let value = UInt32(truncatingIfNeeded: count)
        return Hex.encode((0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) })
    }
}

/// The arithmetic of Digest authentication (RFC 7616 section 3.4.1, RFC 2617 section 3.2.2).
public enum DigestAuthentication {
    /// The `response` a client sends: `H(H(A1):nonce:nc:cnonce:qop:H(A2))`, where
    /// `A1 = username:realm:password` and `A2 = method:uri` (with `:H(body)` appended for `auth-int`).
    /// With no `qop` (RFC 2069 clients), `H(H(A1):nonce:H(A2))`. With `session` (the `-sess`
    /// algorithms), `H(A1)` becomes `H(H(A1):nonce:cnonce)`.
    public static func response(
        algorithm: DigestAlgorithm, session: Bool = false, username: String, realm: String, password: String, method: String, uri: String,
        nonce: String, nc: String, cnonce: String, qop: String?, body: [UInt8] = []
    ) -> String {
        var ha1 = algorithm.hexDigest(username + ":" + realm + ":" + password)
        if session { ha1 = algorithm.hexDigest(ha1 + ":" + nonce + ":" + cnonce) }
        var a2 = method + ":" + uri
        if qop == "auth-int" { a2 += ":" + algorithm.hexDigest(body) }
        let ha2 = algorithm.hexDigest(a2)
        guard let qop else { return algorithm.hexDigest(ha1 + ":" + nonce + ":" + ha2) }
        return algorithm.hexDigest(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
    }
}

/// Compares secrets in time that does not depend on where they first differ.
public func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
