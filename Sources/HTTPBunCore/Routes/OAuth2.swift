import HTTPWire
import JSONValue

/// `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo`: a mock OAuth2 provider (RFC 6749, PKCE
/// per RFC 7636, bearer tokens per RFC 6750).
///
/// Any client id and secret are accepted, except client id `invalid` or secret `wrong`
/// (`invalid_client`); the password grant accepts any user whose password is not `wrong`; a scope
/// `invalid` gives `invalid_scope`. Tokens are signed, stateless and carry their expiry; the token
/// request's `expires_in` (query or form, 1 to 86400 seconds) picks the access token's lifetime.
enum OAuth2Routes {
    static let defaultExpiresIn = 3600
    static let maximumExpiresIn = 86_400
    static let defaultScope = "read"

    // MARK: Authorization endpoint

    static func authorize(_ context: RouteContext, provider: OAuth2Provider) throws(HTTPError) -> Response {
        let request = context.request
        var parameters = request.query
        if request.method == "POST", case .form(let pairs)? = try? RequestBody.decode(request) {
            parameters += pairs
        }
        func value(_ name: String) -> String? {
            parameters.last { $0.name == name }.map { $0.value }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // Until client_id and redirect_uri are known to be good, errors go to the user agent, not the client.
        guard let clientID = value("client_id") else {
            return oauthError(400, "invalid_request", "client_id is missing")
        }
        guard let redirectURI = value("redirect_uri") else {
            return oauthError(400, "invalid_request", "redirect_uri is missing")
        }
        let location = try RedirectRoutes.allowedLocation(context, url: .some(redirectURI))
        let state = value("state")
        func redirect(_ pairs: [(String, String)]) -> Response {
            let all = pairs + (state.map { [("state", $0)] } ?? [])
            let separator = location.contains("?") ? "&" : "?"
            var response = Response(status: 302, headers: ["Location": location + separator + URLEncodedForm.encode(all)])
            response.headers.add("Cache-Control", "no-store")
            return response
        }
        func redirectError(_ code: String, _ description: String) -> Response {
            redirect([("error", code), ("error_description", description)])
        }
        guard value("response_type") == "code" else {
            return redirectError("unsupported_response_type", "only response_type=code is supported")
        }
        if clientID == "invalid" {
            return redirectError("unauthorized_client", "client_id \"invalid\" is refused by design")
        }
        let scope = value("scope") ?? defaultScope
        if scopeTokens(scope).contains("invalid") {
            return redirectError("invalid_scope", "the scope \"invalid\" is refused by design")
        }
        let challenge = value("code_challenge")
        var method = value("code_challenge_method")
        if let challenge {
            method = method ?? "plain"
            guard method == "S256" || method == "plain" else {
                return redirectError("invalid_request", "code_challenge_method must be S256 or plain")
            }
            // RFC 7636 section 4.2: 43 to 128 characters.
            guard (43...128).contains(challenge.utf8.count) else {
                return redirectError("invalid_request", "code_challenge must be 43 to 128 characters")
            }
        } else if method != nil {
            return redirectError("invalid_request", "code_challenge_method without code_challenge")
        }
        let decision = value("action") ?? (RedirectRoutes.isTrue(value("auto_approve")) ? "approve" : nil)
        if request.method == "GET" && decision == nil {
            return consentPage(context, clientID: clientID, redirectURI: location, scope: scope)
        }
        if decision == "deny" {
            return redirectError("access_denied", "the user denied the request")
        }
        guard provider.acceptsNewCodes() else {
            return oauthError(503, "temporarily_unavailable", "too many codes are in use: retry in a minute")
        }
        var generator = context.services.randomNumbers
        var claims: JSONObject = [
            "kind": "code", "sub": .string(value("user") ?? "user"), "client_id": .string(clientID),
            "scope": .string(scope), "redirect_uri": .string(redirectURI),
            "exp": .number(String(Int64(provider.now.rounded(.down)) + OAuth2Provider.codeLifetime)),
            "jti": .string(OAuth2Provider.randomID(using: &generator)),
        ]
        if let challenge, let method {
            claims["code_challenge"] = .string(challenge)
            claims["code_challenge_method"] = .string(method)
        }
        return redirect([("code", provider.sign(.object(claims)))])
    }

    /// The consent page: what the client asks for, and Approve / Deny buttons that POST back here.
    static func consentPage(_ context: RouteContext, clientID: String, redirectURI: String, scope: String) -> Response {
        let escape = HTMLEscaping.escape
        let action = escape(context.configuration.normalizedPathPrefix + "/oauth2/authorize?" + String(context.request.rawQuery))
        let html = """
            <!DOCTYPE html>
            <html>
            <head><meta charset="utf-8"><title>Authorize \(escape(clientID))</title></head>
            <body>
              <h1>Authorize \(escape(clientID))</h1>
              <p>The application <strong>\(escape(clientID))</strong> asks for access with scope
                 <code>\(escape(scope))</code>. You will be sent back to <code>\(escape(redirectURI))</code>.</p>
              <form method="post" action="\(action)">
                <button type="submit" name="action" value="approve">Approve</button>
                <button type="submit" name="action" value="deny">Deny</button>
              </form>
            </body>
            </html>

            """
        var response = Response.text(html, contentType: "text/html; charset=utf-8")
        response.headers.add("Cache-Control", "no-store")
        return response
    }

    // MARK: Token endpoint

    static func token(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        let request = context.request
        guard case .form(let form)? = try? RequestBody.decode(request) else {
            return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        func value(_ name: String) -> String? {
            form.last { $0.name == name }.map { $0.value }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // Client authentication: HTTP Basic (names form-urlencoded, RFC 6749 section 2.3.1) or form fields.
        var clientID = value("client_id")
        var clientSecret = value("client_secret")
        var viaHeader = false
        if let authorization = request.headers.first("Authorization") {
            guard let basic = AuthorizationHeader.basicCredentials(authorization) else {
                return oauthError(401, "invalid_client", "the Authorization header must be Basic client credentials", challenge: true)
            }
            let id = PercentCoding.decode(basic.user, plusAsSpace: true)
            if let formID = clientID, formID != id {
                return oauthError(400, "invalid_request", "client_id in the form differs from the one in the Authorization header")
            }
            clientID = id
            clientSecret = PercentCoding.decode(basic.password, plusAsSpace: true)
            viaHeader = true
        }
        guard let clientID else {
            return oauthError(401, "invalid_client", "no client_id: send it by Basic auth or as a form field", challenge: viaHeader)
        }
        if clientID == "invalid" || clientSecret == "wrong" {
            return oauthError(401, "invalid_client", "client authentication failed (client_id \"invalid\" and secret \"wrong\" are refused by design)", challenge: viaHeader)
        }
        var expiresIn = defaultExpiresIn
        if let text = request.queryValue("expires_in") ?? value("expires_in") {
            guard let seconds = DecimalNumber.whole(text), (1...maximumExpiresIn).contains(seconds) else {
                return oauthError(400, "invalid_request", "expires_in must be a whole number of seconds from 1 to \(maximumExpiresIn)")
            }
            expiresIn = seconds
        }
        let requestedScope = value("scope")
        if let requestedScope, scopeTokens(requestedScope).contains("invalid") {
            return oauthError(400, "invalid_scope", "the scope \"invalid\" is refused by design")
        }
        let grant = Grant(clientID: clientID, expiresIn: expiresIn, provider: provider, random: context.services.randomNumbers)
        switch value("grant_type") {
        case nil:
            return oauthError(400, "invalid_request", "grant_type is missing")
        case "authorization_code":
            return authorizationCode(grant, code: value("code"), redirectURI: value("redirect_uri"), verifier: value("code_verifier"))
        case "refresh_token":
            return refresh(grant, refreshToken: value("refresh_token"), scope: requestedScope)
        case "client_credentials":
            guard clientSecret != nil else {
                return oauthError(401, "invalid_client", "client_credentials needs a client secret", challenge: viaHeader)
            }
            return grant.issue(subject: clientID, scope: requestedScope ?? defaultScope, refresh: false)
        case "password":
            guard let username = value("username"), let password = value("password") else {
                return oauthError(400, "invalid_request", "the password grant needs username and password")
            }
            if password == "wrong" {
                return oauthError(400, "invalid_grant", "wrong password (the password \"wrong\" is refused by design)")
            }
            return grant.issue(subject: username, scope: requestedScope ?? defaultScope, refresh: true)
        case let other?:
            return oauthError(
                400, "unsupported_grant_type",
                "grant_type \(other) is not supported: use authorization_code, refresh_token, client_credentials or password")
        }
    }

    /// What every successful grant shares: the client, the lifetime asked for, the provider.
    struct Grant {
        var clientID: String
        var expiresIn: Int
        var provider: OAuth2Provider
        var random: RouteRandom

        /// An RFC 6749 section 5.1 token response.
        func issue(subject: String, scope: String, refresh: Bool) -> Response {
            let now = Int64(provider.now.rounded(.down))
            var generator = random
            func token(_ kind: String, lifetime: Int64) -> JSON {
                .string(provider.sign([
                    "kind": .string(kind), "sub": .string(subject), "client_id": .string(clientID), "scope": .string(scope),
                    "exp": .number(String(now + lifetime)), "jti": .string(OAuth2Provider.randomID(using: &generator)),
                ]))
            }
            var body: JSONObject = [
                "access_token": token("access", lifetime: Int64(expiresIn)),
                "token_type": "Bearer",
                "expires_in": .number(String(expiresIn)),
            ]
            if refresh { body["refresh_token"] = token("refresh", lifetime: OAuth2Provider.refreshLifetime) }
            body["scope"] = .string(scope)
            return noStore(.json(.object(body)))
        }
    }

    static func authorizationCode(_ grant: Grant, code: String?, redirectURI: String?, verifier: String?) -> Response {
        guard let code else { return oauthError(400, "invalid_request", "code is missing") }
        let claims: JSONObject
        switch grant.provider.verify(code, kind: "code") {
        case .invalid: return oauthError(400, "invalid_grant", "the code was not issued by this server")
        case .expired: return oauthError(400, "invalid_grant", "the code has expired: codes last \(OAuth2Provider.codeLifetime) s")
        case .valid(let valid): claims = valid
        }
        guard claims["client_id"]?.stringValue == grant.clientID else {
            return oauthError(400, "invalid_grant", "the code was issued to another client")
        }
        if let expected = claims["redirect_uri"]?.stringValue, redirectURI != expected {
            return oauthError(400, "invalid_grant", "redirect_uri must be the one given to /oauth2/authorize")
        }
        if let challenge = claims["code_challenge"]?.stringValue {
            guard let verifier else {
                return oauthError(400, "invalid_grant", "code_verifier is missing: the authorization request had a code_challenge")
            }
            let computed = claims["code_challenge_method"]?.stringValue == "S256" ? OAuth2Provider.s256Challenge(verifier) : verifier
            guard constantTimeEqual(Array(computed.utf8), Array(challenge.utf8)) else {
                return oauthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
            }
        } else if verifier != nil {
            return oauthError(400, "invalid_grant", "code_verifier sent, but the authorization request had no code_challenge")
        }
        switch grant.provider.redeem(codeID: claims["jti"]?.stringValue ?? "", expiry: Int64(claims["exp"]?.intValue ?? 0)) {
        case .reused: return oauthError(400, "invalid_grant", "the code was already used: codes are single-use")
        case .full: return oauthError(503, "temporarily_unavailable", "too many codes are in use: retry in a minute")
        case .redeemed: break
        }
        return grant.issue(
            subject: claims["sub"]?.stringValue ?? "user", scope: claims["scope"]?.stringValue ?? defaultScope, refresh: true)
    }

    static func refresh(_ grant: Grant, refreshToken: String?, scope: String?) -> Response {
        guard let refreshToken else { return oauthError(400, "invalid_request", "refresh_token is missing") }
        let claims: JSONObject
        switch grant.provider.verify(refreshToken, kind: "refresh") {
        case .invalid: return oauthError(400, "invalid_grant", "the refresh token was not issued by this server")
        case .expired: return oauthError(400, "invalid_grant", "the refresh token has expired")
        case .valid(let valid): claims = valid
        }
        guard claims["client_id"]?.stringValue == grant.clientID else {
            return oauthError(400, "invalid_grant", "the refresh token was issued to another client")
        }
        let granted = claims["scope"]?.stringValue ?? defaultScope
        if let scope, !Set(scopeTokens(scope)).isSubset(of: Set(scopeTokens(granted))) {
            return oauthError(400, "invalid_scope", "a refresh may only narrow the scope granted (\(granted))")
        }
        return grant.issue(subject: claims["sub"]?.stringValue ?? "user", scope: scope ?? granted, refresh: true)
    }

    // MARK: UserInfo

    static func userinfo(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        guard let token = context.request.headers.first("Authorization").flatMap(AuthorizationHeader.bearerToken) else {
            // RFC 6750 section 3.1: no error code when no credentials were sent.
            var response = Response.json(["error": "invalid_request", "error_description": "send Authorization: Bearer <access_token>"], status: 401)
            response.headers.add("WWW-Authenticate", "Bearer realm=\"httpbun\"")
            return response
        }
        let description: String
        switch provider.verify(token, kind: "access") {
        case .valid(let claims):
            let subject = claims["sub"]?.stringValue ?? "user"
            return noStore(.json([
                "sub": .string(subject), "name": "HTTPBun User", "preferred_username": .string(subject),
                "email": "user@example.com", "email_verified": true,
                "client_id": claims["client_id"] ?? .null, "scope": claims["scope"] ?? .null,
            ]))
        case .expired: description = "the access token expired"
        case .invalid: description = "the access token is not one this server issued"
        }
        var response = Response.json(["error": "invalid_token", "error_description": .string(description)], status: 401)
        response.headers.add("WWW-Authenticate", "Bearer realm=\"httpbun\", error=\"invalid_token\", error_description=\"\(description)\"")
        return response
    }

    // MARK: Helpers

    /// An RFC 6749 section 5.2 error: `{"error": code, "error_description": text}`.
    static func oauthError(_ status: Int, _ code: String, _ description: String, challenge: Bool = false) -> Response {
        var response = noStore(.json(["error": .string(code), "error_description": .string(description)], status: status))
        if challenge || (status == 401 && code == "invalid_client") {
            response.headers.add("WWW-Authenticate", "Basic realm=\"httpbun oauth2\"")
        }
        return response
    }

    static func noStore(_ response: Response) -> Response {
        var response = response
        response.headers.add("Cache-Control", "no-store")
        response.headers.add("Pragma", "no-cache")
        return response
    }

    static func scopeTokens(_ scope: String) -> [Substring] {
        scope.split(separator: " ")
    }
}
