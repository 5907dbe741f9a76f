import HTTPWire
import Foundation
import JSONValue

/// An OAuth2 client registration: the token endpoint, the client's id and secret, and the session
/// that talks to the endpoint. Runs the grants (RFC 6749 section 4) and refreshes (section 6); hand
/// it to `OAuth2` to have tokens attached and renewed for you.
///
/// ```swift
/// let client = OAuth2Client(tokenURL: base + "/oauth2/token", clientID: "app", clientSecret: "s3cret")
/// let token = try await client.clientCredentials(scope: "jobs")
/// let r = try await Requests.get(base + "/oauth2/userinfo", auth: .bearer(token.accessToken))
/// ```
public struct OAuth2Client: Sendable {
    /// How the client proves who it is to the token endpoint (RFC 6749 section 2.3.1).
    public enum ClientAuthentication: Sendable, Hashable {
        /// `Authorization: Basic` with the form-urlencoded id and secret (the RFC's preference).
        case basic
        /// `client_id` and `client_secret` as form fields.
        case form
    }

    public var tokenURL: String
    /// The authorization endpoint, for the authorization code flow.
    public var authorizationURL: String?
    public var clientID: String
    /// Nil for a public client (a mobile or command-line app using PKCE).
    public var clientSecret: String?
    public var clientAuthentication: ClientAuthentication
    /// Sends the token requests; nil for a one-off session on the shared connection pool.
    public var session: Session?
    /// Extra form fields for every token request (e.g. `audience`, or httpbun's `expires_in`).
    public var extraParams: Params
    /// The clock that turns `expires_in` into `OAuth2Token.expiresAt`.
    var now: @Sendable () -> Date

    public init(tokenURL: String, authorizationURL: String? = nil, clientID: String, clientSecret: String? = nil,
                clientAuthentication: ClientAuthentication = .basic, session: Session? = nil, extraParams: Params = [:],
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.tokenURL = tokenURL
        self.authorizationURL = authorizationURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientAuthentication = clientAuthentication
        self.session = session
        self.extraParams = extraParams
        self.now = now
    }

    // MARK: Grants

    /// The client credentials grant: a token for the client itself, no user involved.
    ///
    /// ```swift
    /// let token = try await client.clientCredentials(scope: "jobs")
    /// ```
    public func clientCredentials(scope: String? = nil) async throws -> OAuth2Token {
        var form: Params = ["grant_type": "client_credentials"]
        if let scope { form.add("scope", scope) }
        return try await requestToken(form)
    }

    /// The resource owner password grant (legacy, for first-party apps and tests).
    ///
    /// ```swift
    /// let token = try await client.password(username: "alice", password: "hunter2")
    /// ```
    public func password(username: String, password: String, scope: String? = nil) async throws -> OAuth2Token {
        var form: Params = ["grant_type": "password", "username": username, "password": password]
        if let scope { form.add("scope", scope) }
        return try await requestToken(form)
    }

    /// A new access token for a refresh token. When the server sends no new refresh token, the old one is kept.
    ///
    /// ```swift
    /// let fresh = try await client.refresh(token.refreshToken!)
    /// ```
    public func refresh(_ refreshToken: String, scope: String? = nil) async throws -> OAuth2Token {
        var form: Params = ["grant_type": "refresh_token", "refresh_token": refreshToken]
        if let scope { form.add("scope", scope) }
        var token = try await requestToken(form)
        if token.refreshToken == nil { token.refreshToken = refreshToken }
        return token
    }

    /// What to send the user to, and what to keep until they come back.
    public struct AuthorizationRequest: Sendable, Hashable {
        /// Open this in a browser.
        public var url: String
        /// Compare with the `state` the redirect brings back (`exchangeCode(callbackURL:...)` does).
        public var state: String
        /// The PKCE verifier to send with the code; nil when PKCE was turned off.
        public var codeVerifier: String?
        public var redirectURI: String
    }

    /// Step 1 of the authorization code flow: the URL of the consent page, with a random `state` and,
    /// by default, a PKCE S256 challenge (RFC 7636).
    ///
    /// ```swift
    /// let request = try client.authorizationRequest(redirectURI: "http://127.0.0.1:8000/callback", scope: "profile")
    /// // open request.url; the provider redirects to .../callback?code=...&state=...
    /// let token = try await client.exchangeCode(callbackURL: callback, for: request)
    /// ```
    public func authorizationRequest(redirectURI: String, scope: String? = nil, state: String? = nil, pkce: Bool = true,
                                     extraParams: Params = [:]) throws -> AuthorizationRequest {
        guard let authorizationURL else {
            throw InvalidURL(url: nil, reason: "OAuth2Client.authorizationURL is not set: the authorization code flow needs it")
        }
        let state = state ?? OAuth2Client.randomToken(bytes: 16)
        var params: Params = ["response_type": "code", "client_id": clientID, "redirect_uri": redirectURI]
        if let scope { params.add("scope", scope) }
        params.add("state", state)
        var verifier: String?
        if pkce {
            let made = OAuth2Client.randomToken(bytes: 32)
            params.add("code_challenge", OAuth2Client.s256Challenge(made))
            params.add("code_challenge_method", "S256")
            verifier = made
        }
        let url = URLBuilder.adding(params.merging(extraParams), to: try URLBuilder.parse(authorizationURL))
        return AuthorizationRequest(url: url.absoluteString, state: state, codeVerifier: verifier, redirectURI: redirectURI)
    }

    /// Step 2: trades the code for a token.
    ///
    /// ```swift
    /// let token = try await client.exchangeCode(code, redirectURI: request.redirectURI, codeVerifier: request.codeVerifier)
    /// ```
    public func exchangeCode(_ code: String, redirectURI: String, codeVerifier: String? = nil) async throws -> OAuth2Token {
        var form: Params = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI]
        if let codeVerifier { form.add("code_verifier", codeVerifier) }
        // A public client names itself in the form (RFC 6749 section 4.1.3).
        if clientSecret == nil { form.add("client_id", clientID) }
        return try await requestToken(form)
    }

    /// Step 2 from the URL the provider redirected to: checks `state`, surfaces an `error`, and
    /// exchanges the `code`.
    public func exchangeCode(callbackURL: String, for request: AuthorizationRequest) async throws -> OAuth2Token {
        let query = URLComponents(string: callbackURL)?.queryItems ?? []
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        if let error = value("error") {
            throw OAuth2Error(error: .init(rawValue: error), errorDescription: value("error_description"), statusCode: 0, url: callbackURL)
        }
        guard value("state") == request.state else {
            throw OAuth2Error(error: .stateMismatch, errorDescription: "the callback's state is not the one sent: ignore this callback", statusCode: 0, url: callbackURL)
        }
        guard let code = value("code") else {
            throw OAuth2Error(error: .invalidRequest, errorDescription: "the callback URL has no code", statusCode: 0, url: callbackURL)
        }
        return try await exchangeCode(code, redirectURI: request.redirectURI, codeVerifier: request.codeVerifier)
    }

    /// Sends any grant's form to the token endpoint (client authentication added) and reads the token.
    /// Throws `OAuth2Error` for an RFC 6749 error answer.
    ///
    /// ```swift
    /// let token = try await client.requestToken(["grant_type": "urn:ietf:params:oauth:grant-type:device_code",
    ///                                            "device_code": code])
    /// ```
    public func requestToken(_ form: Params) async throws -> OAuth2Token {
        var fields = form.merging(extraParams)
        // Always pass an explicit auth: the session's own auth may be the OAuth2 that is calling us.
        var auth = Auth(NoCredentials())
        switch (clientAuthentication, clientSecret) {
        case (.basic, let secret?):
            auth = .basic(FormEncoding.escape(clientID), FormEncoding.escape(secret))
        case (.form, let secret?):
            fields.add("client_id", clientID)
            fields.add("client_secret", secret)
        case (_, nil):
            if fields["client_id"] == nil { fields.add("client_id", clientID) }
        }
        let session = self.session ?? Session(transport: AsyncHTTPClientTransport.shared)
        let sentAt = now()
        let response = try await session.post(tokenURL, headers: ["Accept": "application/json"], data: .form(fields), auth: auth)
        guard (200..<300).contains(response.statusCode) else { throw OAuth2Error(response: response) }
        let json: JSON
        do {
            json = try response.json()
        } catch {
            throw OAuth2Error(error: .invalidTokenResponse, errorDescription: error.description, statusCode: response.statusCode,
                              url: response.url.absoluteString)
        }
        do {
            return try OAuth2Token(json: json, receivedAt: sentAt)
        } catch {
            var error = error
            error.url = response.url.absoluteString
            throw error
        }
    }

    // MARK: PKCE

    /// `base64url(SHA256(verifier))`, the S256 code challenge (RFC 7636 section 4.2).
    public static func s256Challenge(_ verifier: String) -> String {
        base64URL(Data(HashFunction.sha256.hash(verifier.utf8)))
    }

    /// Random bytes as base64url: 32 bytes make a 43-character PKCE verifier.
    public static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Sends nothing: overrides a session's auth for requests that carry their own credentials.
struct NoCredentials: Authenticator {
    func apply(to request: inout Request) async throws {}
}
