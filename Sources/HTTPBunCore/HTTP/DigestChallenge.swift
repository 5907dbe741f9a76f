import HTTPWire

/// Nonces that need no memory: the time they were issued, a random salt, and an HMAC of both under a
/// key the router draws at start (`RouteServices.secret`). Any nonce this process issued is recognised, forged ones are not, and
/// nothing grows however many challenges are sent. A restart forgets the key: old nonces become unknown
/// and clients simply answer the next challenge.
enum DigestNonce {
    /// A fresh nonce stamped with `time` (seconds since 1970), salted from `generator`.
    static func issue<Generator: RandomNumberGenerator>(at time: Int64, key: [UInt8], using generator: inout Generator) -> String {
        var payload = bigEndianBytes(UInt64(bitPattern: time))
        payload += bigEndianBytes(generator.next())
        return Hex.encode(payload + mac(payload, key: key))
    }

    /// When the nonce was issued; nil when this key did not issue it.
    static func issuedAt(_ nonce: String, key: [UInt8]) -> Int64? {
        guard let bytes = Hex.decode(nonce), bytes.count == 32 else { return nil }
        let payload = Array(bytes[0..<16])
        guard constantTimeEqual(mac(payload, key: key), Array(bytes[16..<32])) else { return nil }
        return payload[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// A value for `opaque` that stays the same for this process.
    static func opaque(key: [UInt8]) -> String {
        Hex.encode(mac(Array("opaque".utf8), key: key))
    }

    private static func mac(_ payload: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HashFunction.sha256.authenticationCode(for: payload, key: key).prefix(16))
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}

/// What `/digest-auth` expects, and its verdict on an `Authorization` header.
///
/// ```swift
/// let check = DigestCheck(qops: ["auth"], user: "u", password: "p", algorithm: .md5, key: secret)
/// check.verify(authorization: header, method: "GET", target: "/digest-auth/auth/u/p", body: [], now: now)
/// check.challenge(nonce: DigestNonce.issue(at: now, key: secret, using: &generator), stale: false)
/// ```
struct DigestCheck: Sendable {
    enum Verdict: Sendable, Equatable {
        case authenticated
        /// Right credentials on a nonce that is used up or too old: challenge again with `stale=TRUE`.
        case stale(String)
        case rejected(String)
    }

    /// How long a nonce stays fresh; past it the client is told `stale=TRUE`.
    static let nonceLifetime: Int64 = 3600
    static let realm = "me@httpbun.com"

    var qops: [String]
    var user: String
    var password: String
    var algorithm: DigestAlgorithm
    /// Uses of one nonce (the client's `nc`) accepted before it is reported stale; nil for no limit.
    var staleAfter: Int?
    var realm: String
    var key: [UInt8]
    /// Takes RFC 2069 answers, with no `qop`, `nc` or `cnonce` (python httpbin takes them); each
    /// counts as the nonce's first use.
    var acceptsLegacyAnswers = false

    init(
        qops: [String], user: String, password: String, algorithm: DigestAlgorithm, staleAfter: Int? = nil,
        realm: String = DigestCheck.realm, key: [UInt8]
    ) {
        self.qops = qops
        self.user = user
        self.password = password
        self.algorithm = algorithm
        self.staleAfter = staleAfter
        self.realm = realm
        self.key = key
    }

    /// The `WWW-Authenticate` value offering this check's parameters.
    func challenge(nonce: String, stale: Bool) -> String {
        "Digest realm=\"\(realm)\", qop=\"\(qops.joined(separator: ","))\", nonce=\"\(nonce)\", "
            + "opaque=\"\(DigestNonce.opaque(key: key))\", algorithm=\(algorithm.rawValue), stale=\(stale ? "TRUE" : "FALSE")"
    }

    /// Checks the `Authorization` header of a request for `target` (the request-target as sent).
    func verify(authorization: String?, method: String, target: String, body: [UInt8], now: Int64) -> Verdict {
        guard let authorization else {
            return .rejected("no Authorization header: answer the Digest challenge in WWW-Authenticate")
        }
        guard let parameters = AuthorizationHeader.digestParameters(authorization) else {
            return .rejected("the Authorization header is not a well-formed Digest credential")
        }
        let given = { (name: String) in parameters[name] ?? "" }
        let clientAlgorithm = parameters["algorithm"] ?? DigestAlgorithm.md5.rawValue
        guard algorithm.rawValue.equalsASCIICaseInsensitive(clientAlgorithm) else {
            return .rejected("algorithm \(clientAlgorithm) was not offered: use \(algorithm.rawValue)")
        }
        guard given("realm") == realm else { return .rejected("realm must be \"\(realm)\"") }
        guard usernameMatches(parameters) else { return .rejected("wrong user name") }
        guard given("uri") == target else {
            return .rejected("uri \"\(given("uri"))\" does not match the request target \"\(target)\"")
        }
        let qop = parameters["qop"]
        let legacy = qop == nil && acceptsLegacyAnswers
        if !legacy {
            guard let qop, qops.contains(qop) else {
                return .rejected("qop must be one of \(qops.joined(separator: ", "))")
            }
        }
        var count: UInt32 = 1
        var nc = ""
        var cnonce = ""
        if !legacy {
            guard let given = parameters["nc"], given.utf8.count == 8, let counted = UInt32(given, radix: 16), counted > 0 else {
                return .rejected("nc must be 8 hex digits counting from 00000001")
            }
            guard let clientNonce = parameters["cnonce"], !clientNonce.isEmpty else { return .rejected("cnonce is missing") }
            (count, nc, cnonce) = (counted, given, clientNonce)
        }
        if let opaque = parameters["opaque"], opaque != DigestNonce.opaque(key: key) {
            return .rejected("opaque must be returned as the challenge sent it")
        }
        let nonce = given("nonce")
        guard let issued = DigestNonce.issuedAt(nonce, key: key) else {
            return .rejected("unknown nonce: use the one from the latest challenge")
        }
        let expected = DigestAuthentication.response(
            algorithm: algorithm, username: user, realm: realm, password: password, method: method, uri: target,
            nonce: nonce, nc: nc, cnonce: cnonce, qop: qop, body: body)
        guard constantTimeEqual(Array(given("response").asciiLowercased.utf8), Array(expected.utf8)) else {
            return .rejected("wrong response: check the user name and password")
        }
        if now - issued > Self.nonceLifetime || issued - now > 60 {
            return .stale("the nonce has expired: use the fresh one in this challenge")
        }
        if let staleAfter, count > staleAfter {
            return .stale("the nonce was used \(staleAfter) times, its limit: use the fresh one in this challenge")
        }
        return .authenticated
    }

    /// `username`, or RFC 7616's `username*` (`UTF-8''percent-encoded`) and `userhash=true`
    /// (`H(username:realm)`) forms.
    private func usernameMatches(_ parameters: [String: String]) -> Bool {
        if parameters["userhash"]?.equalsASCIICaseInsensitive("true") == true {
            return parameters["username"]?.asciiLowercased == algorithm.hexDigest(user + ":" + realm)
        }
        if let extended = parameters["username*"] {
            let pieces = extended.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            guard pieces.count == 3, pieces[0].equalsASCIICaseInsensitive("UTF-8") else { return false }
            return PercentCoding.decode(pieces[2], plusAsSpace: false) == user
        }
        return parameters["username"] == user
    }
}
