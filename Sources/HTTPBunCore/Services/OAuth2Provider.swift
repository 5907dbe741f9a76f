import HTTPWire
import JSONValue
import Synchronization

/// Everything `/oauth2/*` needs besides the request: a clock, a signing key, and the bounded memory of
/// redeemed authorization codes. Each router has its own (`RouteServices.oauth2`); tests make
/// their own with a fixed key and a clock they move by hand.
///
/// Tokens and codes are stateless: `base64url(JSON claims) "." base64url(HMAC-SHA256(claims))`, the
/// claims holding `kind` (`access`, `refresh` or `code`), `sub`, `client_id`, `scope`, `exp` (seconds
/// since 1970) and a random `jti`. Nothing grows per token. Only codes need memory, to be single-use:
/// the `jti` of each redeemed code is kept until the code's own expiry (600 s), at most
/// `maximumUsedCodes` of them; past that the provider refuses new codes (503) instead of growing.
///
/// ```swift
/// let clock = Mutex(1_700_000_000.0)
/// let provider = OAuth2Provider(key: Array(repeating: 7, count: 32), now: { clock.withLock { $0 } })
/// let token = provider.sign(["kind": "access", "sub": "user", "exp": 1_700_000_060])
/// provider.verify(token, kind: "access")   // .valid(claims) until the clock passes exp
/// ```
final class OAuth2Provider: Sendable {
    /// How long an authorization code may wait to be exchanged (httpbun's 10 minutes).
    static let codeLifetime: Int64 = 600
    /// Refresh tokens live this long (30 days).
    static let refreshLifetime: Int64 = 30 * 24 * 3600

    /// The HMAC-SHA256 key.
    private let key: [UInt8]
    private let clock: @Sendable () -> Double
    let maximumUsedCodes: Int
    private let usedCodes = Mutex(UsedCodes())

    struct UsedCodes {
        /// Code id to its expiry.
        var expiries: [String: Int64] = [:]
        var insertionsSincePrune = 0

        mutating func prune(now: Int64) {
            expiries = expiries.filter { $0.value > now }
            insertionsSincePrune = 0
        }
    }

    /// - Parameters:
    ///   - key: the HMAC key.
    ///   - now: seconds since 1970, with a fraction.
    ///   - maximumUsedCodes: how many redeemed codes are remembered at once before new codes are refused.
    init(key: [UInt8], now: @escaping @Sendable () -> Double, maximumUsedCodes: Int = 100_000) {
        self.key = key
        self.clock = now
        self.maximumUsedCodes = maximumUsedCodes
    }

    /// The token key for a router's secret, domain-separated from the digest nonces' use of it.
    static func key(derivedFrom secret: [UInt8]) -> [UInt8] {
        HashFunction.sha256.authenticationCode(for: "httpbun oauth2 token key".utf8, key: secret)
    }

    /// The current time in seconds since 1970.
    var now: Double { clock() }

    /// Signs `claims` into a token.
    func sign(_ claims: JSON) -> String {
        let payload = claims.serializedBytes(.compact)
        let mac = HashFunction.sha256.authenticationCode(for: payload, key: key)
        return Self.base64URL(payload) + "." + Self.base64URL(mac)
    }

    /// What a presented token turned out to be.
    enum Verdict: Sendable {
        case valid(JSONObject)
        /// Signed by this provider, of the right kind, but past its `exp`.
        case expired(JSONObject)
        /// Not signed by this provider's key, malformed, or of another kind.
        case invalid
    }

    /// Checks the signature, the kind and the expiry of `token`.
    func verify(_ token: String, kind: String) -> Verdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64.decode(parts[0]), let mac = Base64.decode(parts[1]),
            HashFunction.sha256.isValidAuthenticationCode(mac, for: payload, key: key),
            let claims = (try? JSON.parse(payload))?.objectValue,
            claims["kind"]?.stringValue == kind, let exp = claims["exp"]?.intValue
        else { return .invalid }
        return now < Double(exp) ? .valid(claims) : .expired(claims)
    }

    /// A random identifier for `jti`.
    static func randomID<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether a new code could still be redeemed: false when the used-code memory is full even
    /// after forgetting expired codes.
    func acceptsNewCodes() -> Bool {
        let now = Int64(self.now.rounded(.down))
        return usedCodes.withLock { used in
            if used.expiries.count >= maximumUsedCodes { used.prune(now: now) }
            return used.expiries.count < maximumUsedCodes
        }
    }

    /// What happened when a code was redeemed.
    enum Redemption: Sendable, Equatable {
        case redeemed
        /// The code was redeemed before.
        case reused
        /// The memory of used codes is full: the code cannot be marked used, so it is refused.
        case full
    }

    /// Marks the code `id` (valid until `expiry`) as used, once.
    func redeem(codeID id: String, expiry: Int64) -> Redemption {
        let now = Int64(self.now.rounded(.down))
        return usedCodes.withLock { used in
            if let known = used.expiries[id], known > now { return .reused }
            used.insertionsSincePrune += 1
            if used.expiries.count >= maximumUsedCodes || used.insertionsSincePrune >= 4096 { used.prune(now: now) }
            guard used.expiries.count < maximumUsedCodes else { return .full }
            used.expiries[id] = expiry
            return .redeemed
        }
    }

    /// How many redeemed codes are remembered now (a test helper).
    var usedCodeCount: Int { usedCodes.withLock { $0.expiries.count } }

    /// Base64url without padding (RFC 4648 section 5), as JWTs and PKCE write it.
    static func base64URL<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var text = ""
        for character in Base64.encode(bytes) {
            switch character {
            case "+": text.append("-")
            case "/": text.append("_")
            case "=": break
            default: text.append(character)
            }
        }
        return text
    }

    /// The S256 code challenge of a PKCE verifier: `base64url(SHA256(verifier))` (RFC 7636 section 4.2).
    static func s256Challenge(_ verifier: String) -> String {
        base64URL(HashFunction.sha256.hash(verifier.utf8))
    }
}
