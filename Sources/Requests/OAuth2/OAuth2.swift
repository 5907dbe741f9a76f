import HTTPWire
import Foundation
import Synchronization

/// OAuth2 bearer authentication that keeps its token fresh, like requests-oauthlib's
/// `OAuth2Session(client_id, token=token, auto_refresh_url=..., token_updater=save)`.
///
/// Before each request it attaches `Authorization: Bearer <access token>`. When the token expires within
/// `refreshMargin` (30 s by default) it gets a new one first; when a request still comes back 401, it
/// gets a new one once and sends the request again. A new token comes from the refresh token, or, when
/// there is none (or it is refused), from `grant` (client credentials or password). However many
/// requests need a new token at once, one token request is made and they all wait for it.
/// `onTokenUpdate` receives every new token before those requests continue: save it there.
///
/// ```swift
/// let client = OAuth2Client(tokenURL: base + "/oauth2/token", clientID: "app", clientSecret: "s3cret")
/// let oauth = OAuth2(client: client, token: savedToken, onTokenUpdate: { token in
///     try? JSONEncoder().encode(token).write(to: tokenFile)
/// })
/// let session = Session(auth: .oauth2(oauth))
/// let profile = try await session.get(base + "/oauth2/userinfo").json()
///
/// // A service account: fetches its first token itself, and a new one when it expires.
/// let service = OAuth2.clientCredentials(tokenURL: base + "/oauth2/token", clientID: "svc", clientSecret: "s3cret")
/// ```
public final class OAuth2: Authenticator {
    /// How to get a token when there is none, or no refresh token to renew it with.
    public enum Grant: Sendable {
        /// Only refresh tokens: without one, an expired token is an error (`OAuth2Error.Code.noRefreshPossible`).
        case none
        case clientCredentials(scope: String? = nil)
        /// The password grant; the password stays in memory for as long as this value lives.
        case password(username: String, password: String, scope: String? = nil)
    }

    public let client: OAuth2Client
    public let grant: Grant
    /// How long before its expiry a token is replaced.
    public let refreshMargin: Duration
    private let onTokenUpdate: (@Sendable (OAuth2Token) async -> Void)?
    private let now: @Sendable () -> Date
    private let state: Mutex<State>

    private struct State {
        var token: OAuth2Token?
        /// The token request in flight, which every caller needing a new token awaits.
        var refreshing: Task<OAuth2Token, any Error>?
        /// The current token came from a refresh forced by a 401 and has not been accepted yet: another
        /// 401 for it means refreshing does not help.
        var unproven = false
    }

    /// - Parameters:
    ///   - client: the token endpoint and client credentials.
    ///   - token: a token saved earlier; nil to get one from `grant` on the first request.
    ///   - grant: how to get a token without a refresh token.
    ///   - refreshMargin: renew a token this long before it expires.
    ///   - now: the clock that decides expiry (tests pass a fixed one).
    ///   - onTokenUpdate: called with each new token, once, before the requests waiting for it go on.
    public init(client: OAuth2Client, token: OAuth2Token? = nil, grant: Grant = .none, refreshMargin: Duration = .seconds(30),
                now: @escaping @Sendable () -> Date = { Date() },
                onTokenUpdate: (@Sendable (OAuth2Token) async -> Void)? = nil) {
        self.client = client
        self.grant = grant
        self.refreshMargin = refreshMargin
        self.now = now
        self.onTokenUpdate = onTokenUpdate
        self.state = Mutex(State(token: token))
    }

    /// Authentication with the client credentials grant, which fetches its own tokens.
    ///
    /// ```swift
    /// let auth = OAuth2.clientCredentials(tokenURL: base + "/oauth2/token", clientID: "svc", clientSecret: "s3cret")
    /// let r = try await Requests.get(base + "/oauth2/userinfo", auth: .oauth2(auth))
    /// ```
    public static func clientCredentials(tokenURL: String, clientID: String, clientSecret: String, scope: String? = nil,
                                         session: Session? = nil, refreshMargin: Duration = .seconds(30),
                                         onTokenUpdate: (@Sendable (OAuth2Token) async -> Void)? = nil) -> OAuth2 {
        OAuth2(client: OAuth2Client(tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, session: session),
               grant: .clientCredentials(scope: scope), refreshMargin: refreshMargin, onTokenUpdate: onTokenUpdate)
    }

    /// Authentication with the password grant: logs in on the first request, then refreshes.
    ///
    /// ```swift
    /// let auth = OAuth2.password(tokenURL: base + "/oauth2/token", clientID: "app", username: "alice", password: "pw")
    /// ```
    public static func password(tokenURL: String, clientID: String, clientSecret: String? = nil, username: String, password: String,
                                scope: String? = nil, session: Session? = nil, refreshMargin: Duration = .seconds(30),
                                onTokenUpdate: (@Sendable (OAuth2Token) async -> Void)? = nil) -> OAuth2 {
        OAuth2(client: OAuth2Client(tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, session: session),
               grant: .password(username: username, password: password, scope: scope), refreshMargin: refreshMargin,
               onTokenUpdate: onTokenUpdate)
    }

    /// The token held now, as it is (maybe expired); nil before the first one.
    public var token: OAuth2Token? { state.withLock { $0.token } }

    /// A token good for at least `refreshMargin`, getting a new one first when needed.
    public func validToken() async throws -> OAuth2Token {
        let now = self.now()
        let margin = refreshMargin
        let step = state.withLock { state -> Step in
            if let token = state.token, !token.expires(within: margin, of: now) { return .use(token) }
            return .join(startRefresh(&state, forced: false))
        }
        return try await step.token()
    }

    /// Gets a new token now (joining a refresh already under way).
    @discardableResult
    public func refresh() async throws -> OAuth2Token {
        try await state.withLock { startRefresh(&$0, forced: false) }.value
    }

    public func apply(to request: inout Request) async throws {
        let token = try await validToken()
        request.headers["Authorization"] = "Bearer " + token.accessToken
    }

    public func respond(to response: Response, for request: Request) async throws -> Request? {
        guard let sent = OAuth2.bearerToken(request.headers["Authorization"]) else { return nil }
        guard response.statusCode == 401 else {
            state.withLock { state in
                if state.token?.accessToken == sent { state.unproven = false }
            }
            return nil
        }
        let step = state.withLock { state -> Step in
            if let running = state.refreshing { return .join(running) }
            guard let current = state.token else { return .join(startRefresh(&state, forced: true)) }
            // Renewed since this request left: try the newer token.
            if current.accessToken != sent { return .use(current) }
            if state.unproven { return .giveUp }
            return .join(startRefresh(&state, forced: true))
        }
        guard let token = try await step.optionalToken() else { return nil }
        var retry = request
        retry.headers["Authorization"] = "Bearer " + token.accessToken
        return retry
    }

    // MARK: Refreshing

    private enum Step {
        case use(OAuth2Token)
        case join(Task<OAuth2Token, any Error>)
        case giveUp

        func token() async throws -> OAuth2Token {
            switch self {
            case .use(let token): return token
            case .join(let task): return try await task.value
            case .giveUp: throw OAuth2Error(error: .invalidToken, statusCode: 401)
            }
        }

        func optionalToken() async throws -> OAuth2Token? {
            if case .giveUp = self { return nil }
            return try await token()
        }
    }

    /// The refresh in flight, or a new one. Called with the lock held.
    private func startRefresh(_ state: inout State, forced: Bool) -> Task<OAuth2Token, any Error> {
        if let running = state.refreshing { return running }
        let old = state.token
        let task = Task { try await self.renew(old, forced: forced) }
        state.refreshing = task
        return task
    }

    private func renew(_ old: OAuth2Token?, forced: Bool) async throws -> OAuth2Token {
        let token: OAuth2Token
        do {
            token = try await obtain(replacing: old)
        } catch {
            state.withLock { $0.refreshing = nil }
            throw error
        }
        state.withLock { state in
            state.token = token
            state.refreshing = nil
            state.unproven = forced
        }
        await onTokenUpdate?(token)
        return token
    }

    private func obtain(replacing old: OAuth2Token?) async throws -> OAuth2Token {
        if let refreshToken = old?.refreshToken {
            do {
                var token = try await client.refresh(refreshToken)
                if token.scope == nil { token.scope = old?.scope }
                return token
            } catch let error as OAuth2Error where error.error == .invalidGrant {
                // The refresh token is dead; a grant may still log in again.
                if case .none = grant { throw error }
            }
        }
        switch grant {
        case .none:
            throw OAuth2Error(
                error: .noRefreshPossible,
                errorDescription: old == nil
                    ? "there is no token yet: pass one to OAuth2(token:), or a grant to fetch one"
                    : "the token expired and there is no refresh token or grant to get another",
                statusCode: 0)
        case .clientCredentials(let scope):
            return try await client.clientCredentials(scope: scope)
        case .password(let username, let password, let scope):
            return try await client.password(username: username, password: password, scope: scope)
        }
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }
}

extension Auth {
    /// OAuth2 bearer tokens, refreshed as they expire.
    ///
    /// ```swift
    /// let session = Session(auth: .oauth2(OAuth2(client: client, token: token)))
    /// ```
    public static func oauth2(_ oauth2: OAuth2) -> Auth { Auth(oauth2) }
}
