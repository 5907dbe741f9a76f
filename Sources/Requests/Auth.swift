import HTTPWire
import Foundation
import Synchronization

/// A way to authenticate requests. Implement it for your own scheme (an API key, HMAC signing, OAuth).
///
/// `apply` runs before every request it covers; `respond` sees every response and may ask to send the
/// request again, changed (digest auth answers a 401 challenge that way).
///
/// ```swift
/// struct APIKeyAuth: Authenticator {
///     var key: String
///     func apply(to request: inout Request) async throws {
///         request.headers["X-API-Key"] = key
///     }
/// }
/// let r = try await Requests.get(base + "/headers", auth: Auth(APIKeyAuth(key: "my_api_key")))
/// ```
public protocol Authenticator: Sendable {
    /// Adds credentials to a request about to be sent.
    func apply(to request: inout Request) async throws
    /// Looks at the response to `request`; returns a request to send instead of returning the response
    /// (e.g. answering a challenge), or `nil` to keep the response.
    func respond(to response: Response, for request: Request) async throws -> Request?
}

extension Authenticator {
    public func respond(to response: Response, for request: Request) async throws -> Request? { nil }
}

/// Credentials for a call or a session: `.basic`, `.digest`, `.bearer`, or your own `Authenticator`.
///
/// ```swift
/// try await Requests.get(base + "/basic-auth/user/pass", auth: .basic("user", "pass"))
/// try await Requests.get(base + "/digest-auth/auth/user/pass/SHA-256", auth: .digest("user", "pass"))
/// try await Requests.get(base + "/bearer", auth: .bearer("my-token"))
/// ```
///
/// Credentials go only to the origin the call started at: a redirect to another host drops them.
public struct Auth: Sendable {
    public let authenticator: any Authenticator

    public init(_ authenticator: any Authenticator) { self.authenticator = authenticator }

    /// HTTP Basic (RFC 7617).
    public static func basic(_ username: String, _ password: String) -> Auth { Auth(BasicAuth(username: username, password: password)) }
    /// `Authorization: Bearer <token>` (RFC 6750).
    public static func bearer(_ token: String) -> Auth { Auth(BearerAuth(token: token)) }
    /// HTTP Digest (RFC 7616): MD5, SHA-256, SHA-512 and their -sess forms, qop auth and auth-int.
    /// The same `Auth` value keeps its nonce and counts across requests.
    public static func digest(_ username: String, _ password: String) -> Auth { Auth(DigestAuth(username: username, password: password)) }
}

/// HTTP Basic authentication.
public struct BasicAuth: Authenticator {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
    public var headerValue: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
    public func apply(to request: inout Request) async throws { request.headers["Authorization"] = headerValue }
}

/// Bearer token authentication.
public struct BearerAuth: Authenticator {
    public var token: String
    public init(token: String) { self.token = token }
    public func apply(to request: inout Request) async throws { request.headers["Authorization"] = "Bearer \(token)" }
}

/// HTTP Digest authentication (RFC 7616), as requests' `HTTPDigestAuth` does it and more:
/// SHA-256 and SHA-512, `auth-int`, and a retry when the server reports a stale nonce.
public final class DigestAuth: Authenticator {
    public let username: String
    public let password: String

    struct Challenge: Sendable, Equatable {
        var realm: String
        var nonce: String
        var qop: [String]
        var algorithm: String
        var opaque: String?
        var stale: Bool
        var userhash: Bool
    }
    private struct State {
        var challenge: Challenge?
        var nonceCount = 0
    }
    private let state = Mutex(State())
    private let makeCnonce: @Sendable () -> String

    /// `cnonce` makes the client nonce (random by default; fixed in tests).
    public init(username: String, password: String, cnonce: @escaping @Sendable () -> String = DigestAuth.randomCnonce) {
        self.username = username
        self.password = password
        self.makeCnonce = cnonce
    }

    @Sendable public static func randomCnonce() -> String {
        Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    }

    public func apply(to request: inout Request) async throws {
        // Answer preemptively once a challenge is known, counting the nonce up.
        guard let (challenge, count) = state.withLock({ state -> (Challenge, Int)? in
            guard let challenge = state.challenge else { return nil }
            state.nonceCount += 1
            return (challenge, state.nonceCount)
        }) else { return }
        request.headers["Authorization"] = try await authorization(for: request, challenge: challenge, nonceCount: count)
    }

    public func respond(to response: Response, for request: Request) async throws -> Request? {
        guard response.statusCode == 401,
            let header = response.headers.values(for: "WWW-Authenticate").first(where: { $0.lowercased().hasPrefix("digest") }),
            let challenge = DigestAuth.parseChallenge(header)
        else { return nil }
        // Answer a challenge once per hop, as requests and httpx do: servers send a fresh nonce with every
        // 401, so a wrong password would otherwise be answered until the middleware's limit. After a
        // failed answer, only a stale nonce (the password was right, the nonce expired) deserves one more.
        switch request.challengesAnswered {
        case 0: break
        case 1 where challenge.stale: break
        default: return nil
        }
        let count = state.withLock { state -> Int in
            state.challenge = challenge
            state.nonceCount = 1
            return 1
        }
        var retry = request
        retry.challengesAnswered += 1
        retry.headers["Authorization"] = try await authorization(for: request, challenge: challenge, nonceCount: count)
        return retry
    }

    static func parseChallenge(_ header: String) -> Challenge? {
        guard let parameters = AuthParameters.parse(header.dropFirst("Digest".count)), let nonce = parameters["nonce"] else {
            return nil
        }
        return Challenge(
            realm: parameters["realm"] ?? "",
            nonce: nonce,
            qop: (parameters["qop"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty },
            algorithm: (parameters["algorithm"] ?? "MD5").uppercased(),
            opaque: parameters["opaque"],
            stale: parameters["stale"]?.lowercased() == "true",
            userhash: parameters["userhash"]?.lowercased() == "true"
        )
    }

    func authorization(for request: Request, challenge: Challenge, nonceCount: Int) async throws -> String {
        let session = challenge.algorithm.hasSuffix("-SESS")
        guard let algorithm = DigestAlgorithm(name: session ? String(challenge.algorithm.dropLast(5)) : challenge.algorithm) else {
            throw AuthenticationFailed(url: request.url.absoluteString,
                                       reason: "the server asks for digest algorithm \(challenge.algorithm), which is not supported (MD5, SHA-256, SHA-512 are)")
        }
        let uri = URLBuilder.pathAndQuery(request.url)
        let cnonce = makeCnonce()
        let nc = DigestAlgorithm.nonceCount(nonceCount)
        let qop: String? =
            challenge.qop.isEmpty ? nil : challenge.qop.contains("auth") ? "auth" : challenge.qop.contains("auth-int") ? "auth-int" : nil
        if !challenge.qop.isEmpty, qop == nil {
            throw AuthenticationFailed(url: request.url.absoluteString, reason: "the server offers digest qop \(challenge.qop), none of which is supported")
        }
        let body = qop == "auth-int" ? try await request.body.collect() : []
        let response = DigestAuthentication.response(
            algorithm: algorithm, session: session, username: username, realm: challenge.realm, password: password,
            method: request.method.rawValue, uri: uri, nonce: challenge.nonce, nc: nc, cnonce: cnonce, qop: qop, body: body)
        let user = challenge.userhash ? algorithm.hexDigest("\(username):\(challenge.realm)") : username
        var fields = [
            "username=\"\(user)\"", "realm=\"\(challenge.realm)\"", "nonce=\"\(challenge.nonce)\"", "uri=\"\(uri)\"",
            "response=\"\(response)\"",
        ]
        if let opaque = challenge.opaque { fields.append("opaque=\"\(opaque)\"") }
        fields.append("algorithm=\(challenge.algorithm)")
        if let qop { fields += ["qop=\(qop)", "nc=\(nc)", "cnonce=\"\(cnonce)\""] }
        if challenge.userhash { fields.append("userhash=true") }
        return "Digest " + fields.joined(separator: ", ")
    }
}
