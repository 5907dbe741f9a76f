import HTTPWire
import JSONValue

/// `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo`: httpbun's mock OAuth2 provider (an email
/// consent page, the authorization-code grant, `{"email": ...}` from userinfo), answering every input
/// httpbun answers as httpbun does, plus extensions where httpbun only refuses (docs/oauth2.md):
/// the client_credentials, password and refresh_token grants, PKCE (RFC 7636) for a public client
/// without a secret, Basic client authentication, `scope` and `expires_in` on the extra grants.
///
/// Tokens and codes are signed by `OAuth2Provider` (httpbun's are unsigned base64 JSON); codes are
/// single-use (RFC 6749 section 4.1.2), httpbun's reusable for their 10 minutes.
enum OAuth2Routes {
    static let defaultExpiresIn = 3600
    static let maximumExpiresIn = 86_400
    static let defaultScope = "read"

    // MARK: Authorization endpoint

    static func authorize(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        switch context.request.method {
        case "GET": return authorizeGet(context)
        case "POST": return authorizePost(context, provider: provider)
        default: return .text("Method not allowed. Use GET or POST.", status: 405)
        }
    }

    static func authorizeGet(_ context: RouteContext) -> Response {
        let query = GoForm.parseQuery(context.request.rawQuery.utf8).pairs
        let clientID = GoForm.value(query, "client_id")
        guard !clientID.isEmpty else { return .text("Missing required parameter: client_id", status: 400) }
        let redirectURI = GoForm.value(query, "redirect_uri")
        guard !redirectURI.isEmpty else { return .text("Missing required parameter: redirect_uri", status: 400) }
        guard GoForm.value(query, "response_type") == "code" else {
            return .text("Invalid or missing response_type. Only 'code' is supported.", status: 400)
        }
        return consentPage(
            clientID: clientID, redirectURI: redirectURI, state: GoForm.value(query, "state"), scope: GoForm.value(query, "scope"),
            pkce: [("code_challenge", GoForm.value(query, "code_challenge")),
                   ("code_challenge_method", GoForm.value(query, "code_challenge_method"))])
    }

    static func authorizePost(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        guard let form = GoForm.formValues(context.request) else { return .text("Failed to parse form data", status: 400) }
        let clientID = GoForm.value(form, "client_id")
        guard !clientID.isEmpty else { return .text("Missing required parameter: client_id", status: 400) }
        let redirectURI = GoForm.value(form, "redirect_uri")
        guard !redirectURI.isEmpty else { return .text("Missing required parameter: redirect_uri", status: 400) }
        let state = GoForm.value(form, "state")
        let email = GoForm.value(form, "email")
        guard let target = GoRedirectURI(redirectURI) else { return .text("Invalid redirect_uri", status: 400) }
        var added: [(String, String)]
        if GoForm.value(form, "decision") == "approve" {
            guard !email.isEmpty else { return .text("Missing required parameter: email", status: 400) }
            guard provider.acceptsNewCodes() else {
                return oauthError(503, "temporarily_unavailable", "too many codes are in use: retry in a minute")
            }
            var generator = context.services.randomNumbers
            var claims: JSONObject = [
                "kind": "code", "email": .string(email), "client_id": .string(clientID), "redirect_uri": .string(redirectURI),
                "scope": .string(GoForm.value(form, "scope")),
                "exp": .number(String(Int64(provider.now.rounded(.down)) + OAuth2Provider.codeLifetime)),
                "jti": .string(OAuth2Provider.randomID(using: &generator)),
            ]
            // PKCE (our extension): a well-formed challenge is kept in the code; httpbun ignores these
            // fields, so a malformed one is ignored too rather than refused.
            let challenge = GoForm.value(form, "code_challenge")
            let method = GoForm.value(form, "code_challenge_method").isEmpty ? "plain" : GoForm.value(form, "code_challenge_method")
            if (43...128).contains(challenge.utf8.count), method == "S256" || method == "plain" {
                claims["code_challenge"] = .string(challenge)
                claims["code_challenge_method"] = .string(method)
            }
            added = [("code", provider.sign(.object(claims)))]
        } else {
            added = [("error", "access_denied"), ("error_description", "The user denied the authorization request")]
        }
        if !state.isEmpty { added.append(("state", state)) }
        // The Location guard (HTTPBunFlavor.decorate) refuses a target it does not allow, as httpbun's does.
        return Response(status: 302, headers: ["Location": target.location(setting: added)])
    }

    /// The consent page: the client's request, an email to log in as, and Approve / Deny buttons that
    /// POST back to this same URL.
    static func consentPage(clientID: String, redirectURI: String, state: String, scope: String, pkce: [(String, String)]) -> Response {
        let escape = { (text: String) in HTMLEscaping.escape(text) }
        var hidden = [("client_id", clientID), ("redirect_uri", redirectURI), ("state", state), ("scope", scope)]
        hidden += pkce.filter { !$0.1.isEmpty }
        let fields = hidden.map { "    <input type=\"hidden\" name=\"\($0.0)\" value=\"\(escape($0.1))\">" }.joined(separator: "\n")
        let html = """
            <!DOCTYPE html>
            <html>
            <head><meta charset="utf-8"><title>Sign in to \(escape(clientID))</title></head>
            <body>
              <h1>Mock OAuth2 consent</h1>
              <p>This page is a test fixture: nothing is really authorized.</p>
              <form method="post">
            \(fields)
                <dl>
                  <dt>Client</dt><dd><code>\(escape(clientID))</code></dd>
                  <dt>Scope</dt><dd><code>\(escape(scope))</code></dd>
                  <dt>Sends you back to</dt><dd><code>\(escape(redirectURI))</code></dd>
                </dl>
                <p><label>Sign in as (any email): <input type="email" name="email" required autofocus></label></p>
                <p>
                  <button type="submit" name="decision" value="approve">Approve</button>
                  <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
                </p>
              </form>
            </body>
            </html>

            """
        return .text(html, contentType: "text/html; charset=utf-8")
    }

    // MARK: Token endpoint

    static func token(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        let request = context.request
        guard request.method == "POST" else { return oauthError(405, "invalid_request", "Method not allowed. Use POST.") }
        guard let form = GoForm.formValues(request) else { return oauthError(400, "invalid_request", "Failed to parse form data") }
        func value(_ name: String) -> String? { GoForm.value(form, name).nilIfEmpty }
        let basic = request.headers.first("Authorization").flatMap(AuthorizationHeader.basicCredentials).map {
            (user: PercentCoding.decode($0.user, plusAsSpace: true), password: PercentCoding.decode($0.password, plusAsSpace: true))
        }
        switch GoForm.value(form, "grant_type") {
        case "authorization_code":
            return authorizationCode(
                provider: provider, random: context.services.randomNumbers, code: value("code"),
                clientID: value("client_id") ?? basic?.user.nilIfEmpty, clientSecret: value("client_secret") ?? basic?.password.nilIfEmpty,
                redirectURI: value("redirect_uri"), verifier: value("code_verifier"))
        case "refresh_token", "client_credentials", "password":
            return extraGrant(context, provider: provider, value: value)
        default:
            return oauthError(400, "unsupported_grant_type", "Only 'authorization_code' grant type is supported")
        }
    }

    /// httpbun's authorization-code exchange, its checks in its order; PKCE for a client without a
    /// secret, and single use, are ours.
    static func authorizationCode(
        provider: OAuth2Provider, random: RouteRandom, code: String?, clientID: String?, clientSecret: String?,
        redirectURI: String?, verifier: String?
    ) -> Response {
        guard let code else { return oauthError(400, "invalid_request", "Missing required parameter: code") }
        guard let clientID else { return oauthError(400, "invalid_request", "Missing required parameter: client_id") }
        // A public client proves itself with its PKCE verifier instead of a secret (our extension).
        guard clientSecret != nil || verifier != nil else {
            return oauthError(400, "invalid_request", "Missing required parameter: client_secret")
        }
        guard let redirectURI else { return oauthError(400, "invalid_request", "Missing required parameter: redirect_uri") }
        let claims: JSONObject
        var expired = false
        switch provider.verify(code, kind: "code") {
        case .invalid:
            return oauthError(400, "invalid_grant", GoForm.decodesAsURLBase64(code) ? "Invalid authorization code" : "Invalid authorization code format")
        case .expired(let found): claims = found; expired = true
        case .valid(let found): claims = found
        }
        guard claims["client_id"]?.stringValue == clientID else {
            return oauthError(400, "invalid_grant", "client_id does not match the authorization request")
        }
        guard claims["redirect_uri"]?.stringValue == redirectURI else {
            return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request")
        }
        if expired { return oauthError(400, "invalid_grant", "Authorization code has expired") }
        // RFC 7636 §4.6: a code bound to a challenge is redeemed only with its verifier, secret or
        // not (httpbun ignores PKCE; a client that sends a challenge expects it checked).
        if let challenge = claims["code_challenge"]?.stringValue {
            guard let verifier else {
                return oauthError(400, "invalid_grant", "code_verifier is required: the authorization request had a code_challenge")
            }
            let computed = claims["code_challenge_method"]?.stringValue == "S256" ? OAuth2Provider.s256Challenge(verifier) : verifier
            guard constantTimeEqual(Array(computed.utf8), Array(challenge.utf8)) else {
                return oauthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
            }
        } else if clientSecret == nil, verifier != nil {
            return oauthError(400, "invalid_grant", "code_verifier sent without client_secret, but the authorization request had no code_challenge")
        }
        switch provider.redeem(codeID: claims["jti"]?.stringValue ?? "", expiry: Int64(claims["exp"]?.intValue ?? 0)) {
        case .reused: return oauthError(400, "invalid_grant", "the code was already used: codes are single-use")
        case .full: return oauthError(503, "temporarily_unavailable", "too many codes are in use: retry in a minute")
        case .redeemed: break
        }
        var generator = random
        let access = provider.sign([
            "kind": "access", "email": claims["email"] ?? "", "client_id": .string(clientID),
            "exp": .number(String(Int64(provider.now.rounded(.down)) + Int64(defaultExpiresIn))),
            "jti": .string(OAuth2Provider.randomID(using: &generator)),
        ])
        return noStore(.json(["access_token": .string(access), "token_type": "Bearer", "expires_in": .number(String(defaultExpiresIn))]))
    }

    /// Our grants besides httpbun's: client_credentials, password, refresh_token. Any client id and
    /// secret are accepted except client id `invalid` or secret `wrong`; the password `wrong` and the
    /// scope `invalid` are refused; `expires_in` (query or form, 1 to 86400) sets the token's lifetime.
    static func extraGrant(_ context: RouteContext, provider: OAuth2Provider, value: (String) -> String?) -> Response {
        let request = context.request
        var clientID = value("client_id")
        var clientSecret = value("client_secret")
        var viaHeader = false
        if let authorization = request.headers.first("Authorization") {
            guard let basic = AuthorizationHeader.basicCredentials(authorization) else {
                return extraError(401, "invalid_client", "the Authorization header must be Basic client credentials", challenge: true)
            }
            let id = PercentCoding.decode(basic.user, plusAsSpace: true)
            if let formID = clientID, formID != id {
                return extraError(400, "invalid_request", "client_id in the form differs from the one in the Authorization header")
            }
            clientID = id
            clientSecret = PercentCoding.decode(basic.password, plusAsSpace: true)
            viaHeader = true
        }
        guard let clientID else {
            return extraError(401, "invalid_client", "no client_id: send it by Basic auth or as a form field", challenge: viaHeader)
        }
        if clientID == "invalid" || clientSecret == "wrong" {
            return extraError(401, "invalid_client", "client authentication failed (client_id \"invalid\" and secret \"wrong\" are refused by design)", challenge: viaHeader)
        }
        var expiresIn = defaultExpiresIn
        if let text = value("expires_in") {
            guard let seconds = DecimalNumber.whole(text), (1...maximumExpiresIn).contains(seconds) else {
                return extraError(400, "invalid_request", "expires_in must be a whole number of seconds from 1 to \(maximumExpiresIn)")
            }
            expiresIn = seconds
        }
        let requestedScope = value("scope")
        if let requestedScope, scopeTokens(requestedScope).contains("invalid") {
            return extraError(400, "invalid_scope", "the scope \"invalid\" is refused by design")
        }
        let grant = Grant(clientID: clientID, expiresIn: expiresIn, provider: provider, random: context.services.randomNumbers)
        switch value("grant_type") {
        case "refresh_token":
            return refresh(grant, refreshToken: value("refresh_token"), scope: requestedScope)
        case "client_credentials":
            guard clientSecret != nil else {
                return extraError(401, "invalid_client", "client_credentials needs a client secret", challenge: viaHeader)
            }
            return grant.issue(subject: clientID, scope: requestedScope ?? defaultScope, refresh: false)
        default:  // password
            guard let username = value("username"), let password = value("password") else {
                return extraError(400, "invalid_request", "the password grant needs username and password")
            }
            if password == "wrong" {
                return extraError(400, "invalid_grant", "wrong password (the password \"wrong\" is refused by design)")
            }
            return grant.issue(subject: username, scope: requestedScope ?? defaultScope, refresh: true)
        }
    }

    /// What every successful extra grant shares: the client, the lifetime asked for, the provider.
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

    static func refresh(_ grant: Grant, refreshToken: String?, scope: String?) -> Response {
        guard let refreshToken else { return extraError(400, "invalid_request", "refresh_token is missing") }
        let claims: JSONObject
        switch grant.provider.verify(refreshToken, kind: "refresh") {
        case .invalid: return extraError(400, "invalid_grant", "the refresh token was not issued by this server")
        case .expired: return extraError(400, "invalid_grant", "the refresh token has expired")
        case .valid(let valid): claims = valid
        }
        guard claims["client_id"]?.stringValue == grant.clientID else {
            return extraError(400, "invalid_grant", "the refresh token was issued to another client")
        }
        let granted = claims["scope"]?.stringValue ?? defaultScope
        if let scope, !Set(scopeTokens(scope)).isSubset(of: Set(scopeTokens(granted))) {
            return extraError(400, "invalid_scope", "a refresh may only narrow the scope granted (\(granted))")
        }
        return grant.issue(subject: claims["sub"]?.stringValue ?? "user", scope: scope ?? granted, refresh: true)
    }

    // MARK: UserInfo

    static func userinfo(_ context: RouteContext, provider: OAuth2Provider) -> Response {
        let request = context.request
        guard request.method == "GET" || request.method == "POST" else {
            return oauthError(405, "invalid_request", "Method not allowed. Use GET or POST.")
        }
        func refuse(_ description: String) -> Response {
            var response = oauthError(401, "invalid_token", description)
            response.headers.add("WWW-Authenticate", "Bearer")
            return response
        }
        let header = request.headers.values(for: "Authorization").last ?? ""
        guard !header.isEmpty else { return refuse("Missing Authorization header") }
        guard header.hasPrefix("Bearer ") else { return refuse("Invalid Authorization header format. Expected: Bearer <token>") }
        let token = String(header.dropFirst("Bearer ".count))
        switch provider.verify(token, kind: "access") {
        case .valid(let claims):
            if let email = claims["email"] { return .json(["email": email]) }
            // A token from one of our extra grants: its claims.
            let subject = claims["sub"]?.stringValue ?? "user"
            return noStore(.json([
                "sub": .string(subject), "name": "HTTPBun User", "preferred_username": .string(subject),
                "email": "user@example.com", "email_verified": true,
                "client_id": claims["client_id"] ?? .null, "scope": claims["scope"] ?? .null,
            ]))
        case .expired: return refuse("Access token has expired")
        case .invalid: return refuse(GoForm.decodesAsURLBase64(token) ? "Invalid access token" : "Invalid access token format")
        }
    }

    // MARK: Helpers

    /// An RFC 6749 section 5.2 error: `{"error": code, "error_description": text}`.
    static func oauthError(_ status: Int, _ code: String, _ description: String, challenge: Bool = false) -> Response {
        var response = Response.json(["error": .string(code), "error_description": .string(description)], status: status)
        if challenge || (status == 401 && code == "invalid_client") {
            response.headers.add("WWW-Authenticate", "Basic realm=\"httpbun oauth2\"")
        }
        return response
    }

    /// An extra grant's error: also `Cache-Control: no-store` (RFC 6749 section 5.1), which httpbun's
    /// own errors do not send.
    static func extraError(_ status: Int, _ code: String, _ description: String, challenge: Bool = false) -> Response {
        noStore(oauthError(status, code, description, challenge: challenge))
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

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Go's `net/http` form reading as httpbun's handlers see it.
enum GoForm {
    /// Go's `url.ParseQuery`: `&`-separated pairs; a pair with `;` or a bad escape is dropped and
    /// makes the parse fail (`ok` false), the rest kept.
    static func parseQuery<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> (pairs: [(name: String, value: String)], ok: Bool) {
        var pairs: [(name: String, value: String)] = []
        var ok = true
        for segment in Array(bytes).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if segment.contains(UInt8(ascii: ";")) { ok = false; continue }
            let equals = segment.firstIndex(of: UInt8(ascii: "=")) ?? segment.endIndex
            let name = segment[..<equals]
            let value = equals < segment.endIndex ? segment[(equals + 1)...] : []
            guard GoUnescape.firstBadEscape(name) == nil, GoUnescape.firstBadEscape(value) == nil else { ok = false; continue }
            pairs.append((PercentCoding.decode(bytes: Array(name), plusAsSpace: true), PercentCoding.decode(bytes: Array(value), plusAsSpace: true)))
        }
        return (pairs, ok)
    }

    /// `Request.ParseForm` then `FormValue`'s view: an urlencoded POST/PUT/PATCH body's pairs before
    /// the query's, then a multipart body's text fields; nil where ParseForm fails.
    static func formValues(_ request: Request) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        var multipart: [(name: String, value: String)] = []
        if ["POST", "PUT", "PATCH"].contains(request.method) {
            switch try? RequestBody.decode(request) {
            case .form?:
                let body = parseQuery(request.body)
                guard body.ok else { return nil }
                pairs = body.pairs
            case .multipart(let parts)?:
                multipart = parts.filter { $0.filename == nil }.map { ($0.name, String(decoding: $0.body, as: UTF8.self)) }
            default: break
            }
        }
        let query = parseQuery(request.rawQuery.utf8)
        guard query.ok else { return nil }
        return pairs + query.pairs + multipart
    }

    /// Go's `Values.Get`: the first value, or "".
    static func value(_ pairs: [(name: String, value: String)], _ name: String) -> String {
        pairs.first { $0.name == name }?.value ?? ""
    }

    /// Whether Go's `base64.URLEncoding.DecodeString` accepts `text`.
    static func decodesAsURLBase64(_ text: String) -> Bool {
        guard !text.contains("+"), !text.contains("/") else { return false }
        let standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        if case .success = Base64.decodeAsGo(standard) { return true }
        return false
    }

    /// Go's `url.Values.Encode`: sorted by name (stable), `QueryEscape`d.
    static func encode(_ pairs: [(String, String)]) -> String {
        var indexed = Array(pairs.enumerated())
        indexed.sort { $0.element.0 == $1.element.0 ? $0.offset < $1.offset : Array($0.element.0.utf8).lexicographicallyPrecedes(Array($1.element.0.utf8)) }
        return URLEncodedForm.encode(indexed.map { $0.element })
    }
}

/// A `redirect_uri` as httpbun's handler treats it: `url.Parse`, then the query's values replaced and
/// re-encoded (`url.Values.Encode`, names sorted), the rest written back.
struct GoRedirectURI {
    var beforeQuery: String
    var query: [(name: String, value: String)]
    var fragment: String

    /// nil where Go's `url.Parse` fails: a control character, a leading `:`, a bad escape outside the
    /// query, or a colon in a relative reference's first segment.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }), bytes.first != UInt8(ascii: ":") else { return nil }
        let hash = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let main = bytes[..<hash]
        let question = main.firstIndex(of: UInt8(ascii: "?")) ?? main.endIndex
        var head = Array(main[..<question])
        guard GoUnescape.firstBadEscape(head[...]) == nil, GoUnescape.firstBadEscape(bytes[hash...]) == nil else { return nil }
        if let colon = RedirectTarget.schemeEnd(head) {
            // Go lower-cases the scheme.
            head = Array(String(decoding: head[..<colon], as: UTF8.self).asciiLowercased.utf8) + head[colon...]
        } else if head.prefix(while: { $0 != UInt8(ascii: "/") }).contains(UInt8(ascii: ":")) {
            return nil
        }
        beforeQuery = String(decoding: head, as: UTF8.self)
        query = question < main.endIndex ? GoForm.parseQuery(main[(question + 1)...]).pairs : []
        fragment = String(decoding: bytes[hash...], as: UTF8.self)
    }

    /// The URL with each of `values` set (replacing the query's values of that name).
    func location(setting values: [(String, String)]) -> String {
        let names = Set(values.map { $0.0 })
        let kept = query.filter { !names.contains($0.name) }.map { ($0.name, $0.value) }
        return beforeQuery + "?" + GoForm.encode(kept + values) + fragment
    }
}
