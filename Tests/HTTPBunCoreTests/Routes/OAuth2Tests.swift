@testable import HTTPBunCore
import JSONValue
import Synchronization
import Testing

/// A provider with a fixed key and a clock the test moves, behind a router with only the OAuth2 routes.
private final class TestClock: Sendable {
    private let time = Mutex(1_700_000_000.0)
    var now: Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}

private final class Fixture: Sendable {
    let clock = TestClock()
    let provider: OAuth2Provider
    let router: Router

    init(maximumUsedCodes: Int = 100_000, configuration: ServerConfiguration = ServerConfiguration()) {
        let clock = self.clock
        let services = RouteServices(now: { clock.now }, maximumUsedCodes: maximumUsedCodes)
        provider = services.oauth2
        router = Router(configuration: configuration, services: services, routes: Catalogue.routes(in: .oauth2))
    }

    func advance(_ seconds: Double) { clock.advance(seconds) }

    func send(_ method: String, _ target: String, headers: HTTPHeaders = [:], form: [(String, String)]? = nil) -> Response {
        var headers = headers
        if headers["Host"] == nil { headers["Host"] = "example.com" }
        var body: [UInt8] = []
        if let form {
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = Array(URLEncodedForm.encode(form).utf8)
        }
        return router.respond(to: Request(method: method, target: target, headers: headers, body: body))
    }

    func token(_ form: [(String, String)], query: String = "", headers: HTTPHeaders = [:]) -> Response {
        send("POST", "/oauth2/token" + query, headers: headers, form: form)
    }

    /// Approves on the consent form (httpbun's POST) and returns the redirect's query arguments.
    func approve(_ form: [(String, String)]) throws -> [String: String] {
        let response = send("POST", "/oauth2/authorize", form: form + [("decision", "approve")])
        try #require(response.status == 302, "\(response.bodyText)")
        return Self.redirectArguments(response)
    }

    static func redirectArguments(_ response: Response) -> [String: String] {
        let location = response.headers["Location"] ?? ""
        let query = location.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        return Dictionary(URLEncodedForm.parse(query.utf8).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    func code(challenge: String? = nil, method: String = "S256", clientID: String = "app", email: String = "ann@example.com") throws -> String {
        var form = [("client_id", clientID), ("redirect_uri", "http://localhost/cb"), ("state", "xyz"), ("email", email)]
        if let challenge { form += [("code_challenge", challenge), ("code_challenge_method", method)] }
        return try #require(try approve(form)["code"])
    }

    /// httpbun's exchange: code, client_id, client_secret, redirect_uri.
    func exchange(_ code: String, clientID: String = "app", redirectURI: String = "http://localhost/cb") -> Response {
        token([("grant_type", "authorization_code"), ("code", code), ("client_id", clientID), ("client_secret", "s"), ("redirect_uri", redirectURI)])
    }
}

private let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
private let s256Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

private func basic(_ id: String, _ secret: String) -> HTTPHeaders {
    ["Authorization": "Basic " + Base64.encode(Array("\(id):\(secret)".utf8))]
}

private func expectError(
    _ response: Response, _ status: Int, _ code: String, noStore: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
    let body = try response.json
    #expect(body["error"]?.stringValue == code, "\(response.bodyText)", sourceLocation: sourceLocation)
    #expect(body["error_description"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(response.headers["Cache-Control"] == (noStore ? "no-store" : nil), sourceLocation: sourceLocation)
}

/// httpbun's JSON error: exactly `{"error", "error_description"}`, no `Cache-Control`.
private func expectHTTPBunError(
    _ response: Response, _ status: Int, _ code: String, _ description: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
    #expect(response.headers["Content-Type"] == "application/json", sourceLocation: sourceLocation)
    #expect(try response.json == ["error": .string(code), "error_description": .string(description)], "\(response.bodyText)", sourceLocation: sourceLocation)
    #expect(response.headers["Cache-Control"] == nil, sourceLocation: sourceLocation)
}

private func expectText(_ response: Response, _ status: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(response.bodyText == text, sourceLocation: sourceLocation)
    #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", sourceLocation: sourceLocation)
}

@Suite("/oauth2/authorize")
struct OAuth2AuthorizeTests {
    @Test("GET checks client_id, redirect_uri, response_type in httpbun's order, with its texts")
    func getRefusals() {
        let fixture = Fixture()
        expectText(fixture.send("GET", "/oauth2/authorize?redirect_uri=/cb&response_type=code"), 400, "Missing required parameter: client_id")
        expectText(fixture.send("GET", "/oauth2/authorize"), 400, "Missing required parameter: client_id")
        expectText(fixture.send("GET", "/oauth2/authorize?client_id=app&response_type=code"), 400, "Missing required parameter: redirect_uri")
        let badType = "Invalid or missing response_type. Only 'code' is supported."
        expectText(fixture.send("GET", "/oauth2/authorize?client_id=app&redirect_uri=/cb"), 400, badType)
        expectText(fixture.send("GET", "/oauth2/authorize?client_id=app&redirect_uri=/cb&response_type=token"), 400, badType)
        // An off-site redirect_uri still gets the page: only the POST's redirect is guarded.
        #expect(fixture.send("GET", "/oauth2/authorize?client_id=app&redirect_uri=https://evil.example/cb&response_type=code").status == 200)
    }

    @Test("GET shows a consent page that escapes what the client sent, with an email field and approve/deny")
    func consentPage() {
        let fixture = Fixture()
        let response = fixture.send(
            "GET", "/oauth2/authorize?response_type=code&client_id=%3Cb%3Eevil&redirect_uri=/cb&state=s&scope=read&code_challenge=abc&code_challenge_method=S256")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        let html = response.bodyText
        #expect(html.contains("&lt;b&gt;evil"))
        #expect(!html.contains("<b>evil"))
        #expect(html.contains("<form method=\"post\">"))
        for field in [("client_id", "&lt;b&gt;evil"), ("redirect_uri", "/cb"), ("state", "s"), ("scope", "read"), ("code_challenge", "abc"), ("code_challenge_method", "S256")] {
            #expect(html.contains("name=\"\(field.0)\" value=\"\(field.1)\""), "\(field.0)")
        }
        #expect(html.contains("type=\"email\" name=\"email\""))
        #expect(html.contains("name=\"decision\" value=\"approve\""))
        #expect(html.contains("name=\"decision\" value=\"deny\""))
    }

    @Test("POST approve: 302 to redirect_uri with code and state, its query re-encoded with names sorted")
    func postApproves() throws {
        let fixture = Fixture()
        let response = fixture.send(
            "POST", "/oauth2/authorize",
            form: [("client_id", "app"), ("redirect_uri", "http://localhost:9/cb?z=1&code=old#frag"), ("state", "a b"), ("email", "a@b.c"), ("decision", "approve")])
        #expect(response.status == 302)
        #expect(response.bodyText == "")
        let location = try #require(response.headers["Location"])
        let code = try #require(Fixture.redirectArguments(response)["code"])
        #expect(location == "http://localhost:9/cb?code=\(code)&state=a+b&z=1#frag")
        // The parameters may come in the query (the page posts back to its own URL); the body wins.
        let fromQuery = fixture.send(
            "POST", "/oauth2/authorize?client_id=app&redirect_uri=/other&state=q",
            form: [("redirect_uri", "/cb"), ("email", "a@b.c"), ("decision", "approve")])
        #expect(fromQuery.headers["Location"]?.hasPrefix("/cb?code=") == true)
        #expect(fromQuery.headers["Location"]?.hasSuffix("&state=q") == true)
        // No state, no state argument.
        let noState = try fixture.approve([("client_id", "app"), ("redirect_uri", "/cb"), ("email", "a@b.c")])
        #expect(noState["state"] == nil)
    }

    @Test("POST anything but approve denies: access_denied with httpbun's description, and the state")
    func postDenies() {
        let fixture = Fixture()
        for decision in ["deny", "decline", ""] {
            let response = fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "/cb?x=1"), ("state", "s"), ("decision", decision)])
            #expect(response.status == 302)
            #expect(response.headers["Location"] == "/cb?error=access_denied&error_description=The+user+denied+the+authorization+request&state=s&x=1")
        }
        // Our old spelling `action=approve` is no approval in httpbun's form.
        let action = fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "/cb"), ("email", "a@b.c"), ("action", "approve")])
        #expect(action.headers["Location"]?.hasPrefix("/cb?error=access_denied") == true)
    }

    @Test("POST refusals in httpbun's order and texts")
    func postRefusals() {
        let fixture = Fixture()
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("redirect_uri", "/cb")]), 400, "Missing required parameter: client_id")
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app")]), 400, "Missing required parameter: redirect_uri")
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "/c%zz"), ("decision", "approve")]), 400, "Invalid redirect_uri")
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "1a:b")]), 400, "Invalid redirect_uri")
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", ":cb")]), 400, "Invalid redirect_uri")
        expectText(fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "/cb"), ("decision", "approve")]), 400, "Missing required parameter: email")
        // A form Go's ParseForm refuses.
        expectText(fixture.send("POST", "/oauth2/authorize?client_id=app&redirect_uri=/cb&x=%zz", form: [("email", "a")]), 400, "Failed to parse form data")
        // A method other than GET and POST.
        expectText(fixture.send("PUT", "/oauth2/authorize"), 405, "Method not allowed. Use GET or POST.")
        expectText(fixture.send("DELETE", "/oauth2/authorize?client_id=app"), 405, "Method not allowed. Use GET or POST.")
    }

    @Test("the 302 passes httpbun's Location guard: an off-site redirect_uri is a 403, unless allowed")
    func locationGuard() throws {
        let form = [("client_id", "app"), ("redirect_uri", "https://evil.example/cb"), ("email", "a@b.c"), ("decision", "approve")]
        let offsite = Fixture().send("POST", "/oauth2/authorize", form: form)
        expectText(offsite, 403, HTTPBunShape.forbiddenRedirect)
        #expect(offsite.headers["Location"] == nil)
        let javascript = Fixture().send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "javascript:alert(1)"), ("decision", "deny")])
        #expect(javascript.status == 403)
        // --allow-redirect-host lets it through.
        let allowed = Fixture(configuration: ServerConfiguration(allowedRedirectHosts: ["evil.example"]))
        let response = allowed.send("POST", "/oauth2/authorize", form: form)
        #expect(response.status == 302)
        #expect(response.headers["Location"]?.hasPrefix("https://evil.example/cb?code=") == true)
    }
}

@Suite("/oauth2/token")
struct OAuth2TokenTests {
    @Test("authorization_code: httpbun's token response, then userinfo with the consent's email")
    func authorizationCode() throws {
        let fixture = Fixture()
        let code = try fixture.code()
        let response = fixture.exchange(code)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Pragma"] == "no-cache")
        let body = try #require(try response.json.objectValue)
        #expect(body.keys.sorted() == ["access_token", "expires_in", "token_type"])
        #expect(body["token_type"] == "Bearer")
        #expect(body["expires_in"]?.intValue == 3600)
        let access = try #require(body["access_token"]?.stringValue)
        let userinfo = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access])
        #expect(userinfo.status == 200)
        #expect(try userinfo.json == ["email": "ann@example.com"])
        #expect(userinfo.headers["Cache-Control"] == nil)
        #expect(fixture.send("POST", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access]).status == 200)
        // The parameters may come in the query too (Go's ParseForm); expires_in is not httpbun's and is ignored here.
        let viaQuery = fixture.send(
            "POST", "/oauth2/token?grant_type=authorization_code&client_id=app&client_secret=s&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&expires_in=5",
            form: [("code", try fixture.code())])
        #expect(viaQuery.status == 200, "\(viaQuery.bodyText)")
        #expect(try viaQuery.json["expires_in"]?.intValue == 3600)
        // Any client id and secret will do, as in httpbun (even our extra grants' refused `invalid`/`wrong`).
        let invalid = try fixture.code(clientID: "invalid")
        #expect(fixture.token([("grant_type", "authorization_code"), ("code", invalid), ("client_id", "invalid"), ("client_secret", "wrong"), ("redirect_uri", "http://localhost/cb")]).status == 200)
    }

    @Test("httpbun's refusals, in its order, with its texts")
    func httpbunRefusals() throws {
        let fixture = Fixture()
        try expectHTTPBunError(fixture.send("GET", "/oauth2/token"), 405, "invalid_request", "Method not allowed. Use POST.")
        try expectHTTPBunError(fixture.send("PUT", "/oauth2/token"), 405, "invalid_request", "Method not allowed. Use POST.")
        let unsupported = "Only 'authorization_code' grant type is supported"
        try expectHTTPBunError(fixture.token([("client_id", "app")]), 400, "unsupported_grant_type", unsupported)
        try expectHTTPBunError(fixture.token([("grant_type", "implicit")]), 400, "unsupported_grant_type", unsupported)
        let json = fixture.router.respond(to: Request(
            method: "POST", target: "/oauth2/token", headers: ["Host": "example.com", "Content-Type": "application/json"],
            body: Array(#"{"grant_type":"authorization_code"}"#.utf8)))
        try expectHTTPBunError(json, 400, "unsupported_grant_type", unsupported)
        try expectHTTPBunError(fixture.send("POST", "/oauth2/token?a=%zz", form: [("grant_type", "authorization_code")]), 400, "invalid_request", "Failed to parse form data")
        var form = [("grant_type", "authorization_code")]
        for (name, value) in [("code", "abcd"), ("client_id", "app"), ("client_secret", "s"), ("redirect_uri", "http://localhost/cb")] {
            try expectHTTPBunError(fixture.token(form), 400, "invalid_request", "Missing required parameter: \(name)")
            form.append((name, value))
        }
        try expectHTTPBunError(fixture.token(form), 400, "invalid_grant", "Invalid authorization code")
        try expectHTTPBunError(fixture.exchange("not-a-code"), 400, "invalid_grant", "Invalid authorization code format")
        // A token is not a code, even though the same key signed it.
        let access = try #require(try fixture.token([("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "app")]).json["access_token"]?.stringValue)
        try expectHTTPBunError(fixture.exchange(access), 400, "invalid_grant", "Invalid authorization code format")
        let code = try fixture.code()
        try expectHTTPBunError(fixture.exchange(code, clientID: "another"), 400, "invalid_grant", "client_id does not match the authorization request")
        try expectHTTPBunError(fixture.exchange(code, redirectURI: "http://localhost/other"), 400, "invalid_grant", "redirect_uri does not match the authorization request")
        // Past 10 minutes the code has expired, though the client and redirect_uri are checked first.
        fixture.advance(601)
        try expectHTTPBunError(fixture.exchange(code, clientID: "another"), 400, "invalid_grant", "client_id does not match the authorization request")
        try expectHTTPBunError(fixture.exchange(code), 400, "invalid_grant", "Authorization code has expired")
    }

    @Test("PKCE (our extension): a public client sends code_verifier instead of client_secret")
    func pkce() throws {
        let fixture = Fixture()
        func exchange(_ code: String, verifier: String?, secret: String? = nil) -> Response {
            var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost/cb"), ("client_id", "app")]
            if let secret { form.append(("client_secret", secret)) }
            if let verifier { form.append(("code_verifier", verifier)) }
            return fixture.token(form)
        }
        #expect(exchange(try fixture.code(challenge: s256Challenge), verifier: verifier).status == 200)
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: verifier + "x"), 400, "invalid_grant", noStore: false)
        // Neither a secret nor a verifier: httpbun's refusal.
        try expectHTTPBunError(exchange(try fixture.code(challenge: s256Challenge), verifier: nil), 400, "invalid_request", "Missing required parameter: client_secret")
        // The challenge itself is not a verifier for S256.
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: s256Challenge), 400, "invalid_grant", noStore: false)
        #expect(exchange(try fixture.code(challenge: verifier, method: "plain"), verifier: verifier).status == 200)
        try expectError(exchange(try fixture.code(challenge: verifier, method: "plain"), verifier: s256Challenge), 400, "invalid_grant", noStore: false)
        // A verifier for a code that had no challenge is refused too (OAuth 2.1's downgrade protection).
        try expectError(exchange(try fixture.code(), verifier: verifier), 400, "invalid_grant", noStore: false)
        // A malformed challenge is ignored at consent (httpbun issues the code anyway), so the code has none.
        try expectError(exchange(try fixture.code(challenge: "short"), verifier: "short"), 400, "invalid_grant", noStore: false)
        // RFC 7636 §4.6: a code bound to a challenge needs its verifier, client_secret or not.
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: "wrong", secret: "s"), 400, "invalid_grant", noStore: false)
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: nil, secret: "s"), 400, "invalid_grant", noStore: false)
        #expect(exchange(try fixture.code(challenge: s256Challenge), verifier: verifier, secret: "s").status == 200)
        // Without a challenge, a confidential client's exchange is httpbun's, which ignores a verifier.
        #expect(exchange(try fixture.code(), verifier: verifier, secret: "s").status == 200)
        // A failed verification does not burn the code: the right verifier still works once.
        let code = try fixture.code(challenge: s256Challenge)
        try expectError(exchange(code, verifier: "wrong-verifier-wrong-verifier-wrong-verifier"), 400, "invalid_grant", noStore: false)
        #expect(exchange(code, verifier: verifier).status == 200)
        try expectError(exchange(code, verifier: verifier), 400, "invalid_grant", noStore: false)
    }

    @Test("a code is single-use (unlike httpbun's) and lasts httpbun's 10 minutes")
    func codeRules() throws {
        let fixture = Fixture()
        let code = try fixture.code()
        #expect(fixture.exchange(code).status == 200)
        let reused = fixture.exchange(code)
        try expectError(reused, 400, "invalid_grant", noStore: false)
        #expect(try reused.json["error_description"]?.stringValue?.contains("already used") == true)
        #expect(fixture.provider.usedCodeCount == 1)

        let late = try fixture.code()
        fixture.advance(599)
        #expect(fixture.exchange(late).status == 200)
        let expired = try fixture.code()
        fixture.advance(601)
        try expectHTTPBunError(fixture.exchange(expired), 400, "invalid_grant", "Authorization code has expired")
    }

    @Test("the used-code memory is bounded: past the cap, 503 until old codes expire")
    func usedCodeCap() throws {
        let fixture = Fixture(maximumUsedCodes: 2)
        let third = try fixture.code()
        #expect(fixture.exchange(try fixture.code()).status == 200)
        #expect(fixture.exchange(try fixture.code()).status == 200)
        try expectError(fixture.exchange(third), 503, "temporarily_unavailable", noStore: false)
        let refused = fixture.send("POST", "/oauth2/authorize", form: [("client_id", "app"), ("redirect_uri", "/cb"), ("email", "a@b.c"), ("decision", "approve")])
        try expectError(refused, 503, "temporarily_unavailable", noStore: false)
        #expect(fixture.provider.usedCodeCount == 2)
        fixture.advance(601)
        // The used codes expired and are forgotten; a new code works (the old third one has expired too).
        #expect(fixture.exchange(try fixture.code()).status == 200)
        #expect(fixture.provider.usedCodeCount == 1)
    }

    @Test("refresh_token: new tokens for the same subject; narrower scope allowed, wider refused")
    func refresh() throws {
        let fixture = Fixture()
        let first = try fixture.token([("grant_type", "password"), ("username", "alice"), ("password", "pw"), ("scope", "read write")], headers: basic("app", "s")).json
        let refreshToken = try #require(first["refresh_token"]?.stringValue)
        let response = fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], headers: basic("app", "s"))
        #expect(response.status == 200)
        let second = try response.json
        #expect(second["scope"] == "read write")
        #expect(second["access_token"] != first["access_token"])
        #expect(second["refresh_token"]?.stringValue?.isEmpty == false)
        let access = try #require(second["access_token"]?.stringValue)
        #expect(try fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access]).json["sub"] == "alice")

        let narrower = fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", "read")], headers: basic("app", "s"))
        #expect(try narrower.json["scope"] == "read")
        try expectError(fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", "admin")], headers: basic("app", "s")), 400, "invalid_scope")
        try expectError(fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], headers: basic("other", "s")), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "refresh_token"), ("refresh_token", access)], headers: basic("app", "s")), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken + "x")], headers: basic("app", "s")), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "refresh_token")], headers: basic("app", "s")), 400, "invalid_request")
        fixture.advance(Double(OAuth2Provider.refreshLifetime))
        try expectError(fixture.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], headers: basic("app", "s")), 400, "invalid_grant")
    }

    @Test("client_credentials: Basic or form credentials, no refresh token; needs a secret")
    func clientCredentials() throws {
        let fixture = Fixture()
        let viaBasic = fixture.token([("grant_type", "client_credentials"), ("scope", "jobs")], headers: basic("svc", "secret"))
        #expect(viaBasic.status == 200)
        #expect(try viaBasic.json["scope"] == "jobs")
        #expect(try viaBasic.json["refresh_token"] == nil)
        let viaForm = fixture.token([("grant_type", "client_credentials"), ("client_id", "svc"), ("client_secret", "secret")])
        #expect(viaForm.status == 200)
        let access = try #require(try viaForm.json["access_token"]?.stringValue)
        #expect(try fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access]).json["sub"] == "svc")
        // Basic credentials are form-urlencoded (RFC 6749 section 2.3.1).
        #expect(fixture.token([("grant_type", "client_credentials")], headers: basic("my%20app", "s%3Ac")).status == 200)
        try expectError(fixture.token([("grant_type", "client_credentials"), ("client_id", "svc")]), 401, "invalid_client")
    }

    @Test("password: any user, except the password wrong; username and password required")
    func password() throws {
        let fixture = Fixture()
        let response = fixture.token([("grant_type", "password"), ("username", "bob"), ("password", "hunter2"), ("client_id", "app")])
        #expect(response.status == 200)
        #expect(try response.json["refresh_token"]?.stringValue?.isEmpty == false)
        try expectError(fixture.token([("grant_type", "password"), ("username", "bob"), ("password", "wrong"), ("client_id", "app")]), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "password"), ("username", "bob"), ("client_id", "app")]), 400, "invalid_request")
    }

    @Test("client errors: invalid_client with 401 and a Basic challenge; grant and body errors with 400")
    func errors() throws {
        let fixture = Fixture()
        let wrongSecret = fixture.token([("grant_type", "client_credentials")], headers: basic("app", "wrong"))
        try expectError(wrongSecret, 401, "invalid_client")
        #expect(wrongSecret.headers["WWW-Authenticate"] == "Basic realm=\"httpbun oauth2\"")
        try expectError(fixture.token([("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "invalid")]), 401, "invalid_client")
        try expectError(fixture.token([("grant_type", "password"), ("username", "u"), ("password", "p")]), 401, "invalid_client")
        try expectError(fixture.token([("grant_type", "client_credentials")], headers: ["Authorization": "Bearer x"]), 401, "invalid_client")
        try expectError(fixture.token([("grant_type", "client_credentials"), ("client_id", "other")], headers: basic("app", "s")), 400, "invalid_request")
        try expectHTTPBunError(fixture.token([("grant_type", "implicit"), ("client_id", "app")]), 400, "unsupported_grant_type", "Only 'authorization_code' grant type is supported")
        try expectHTTPBunError(fixture.token([("client_id", "app")]), 400, "unsupported_grant_type", "Only 'authorization_code' grant type is supported")
        try expectError(fixture.token([("grant_type", "client_credentials"), ("scope", "invalid")], headers: basic("a", "b")), 400, "invalid_scope")
        try expectError(fixture.token([("grant_type", "client_credentials")], query: "?expires_in=0", headers: basic("a", "b")), 400, "invalid_request")
        try expectError(fixture.token([("grant_type", "client_credentials"), ("expires_in", "86401")], headers: basic("a", "b")), 400, "invalid_request")
        // A grant in a JSON body is no grant at all: Go's ParseForm reads only forms.
        let jsonBody = fixture.router.respond(to: Request(
            method: "POST", target: "/oauth2/token", headers: ["Content-Type": "application/json"], body: Array(#"{"grant_type":"password"}"#.utf8)))
        try expectHTTPBunError(jsonBody, 400, "unsupported_grant_type", "Only 'authorization_code' grant type is supported")
    }
}

@Suite("/oauth2/userinfo and token expiry")
struct OAuth2UserinfoTests {
    @Test("expires_in picks the lifetime; userinfo answers 200 until then, then 401 invalid_token")
    func expiry() throws {
        let fixture = Fixture()
        let response = fixture.token([("grant_type", "client_credentials")], query: "?expires_in=2", headers: basic("svc", "s"))
        #expect(try response.json["expires_in"]?.intValue == 2)
        let access = try #require(try response.json["access_token"]?.stringValue)
        let headers: HTTPHeaders = ["Authorization": "Bearer " + access]
        #expect(fixture.send("GET", "/oauth2/userinfo", headers: headers).status == 200)
        fixture.advance(1.5)
        #expect(fixture.send("GET", "/oauth2/userinfo", headers: headers).status == 200)
        fixture.advance(0.5)
        let expired = fixture.send("GET", "/oauth2/userinfo", headers: headers)
        #expect(expired.status == 401)
        #expect(expired.headers["WWW-Authenticate"] == "Bearer")
        try expectHTTPBunError(expired, 401, "invalid_token", "Access token has expired")
        // The form field works as well as the query.
        let viaForm = fixture.token([("grant_type", "client_credentials"), ("expires_in", "5")], headers: basic("svc", "s"))
        #expect(try viaForm.json["expires_in"]?.intValue == 5)
    }

    @Test("unknown, forged, refresh and missing tokens are refused")
    func refusals() throws {
        let fixture = Fixture()
        let body = try fixture.token([("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "app")]).json
        let access = try #require(body["access_token"]?.stringValue)
        let refresh = try #require(body["refresh_token"]?.stringValue)
        // Another process (another key) issued this one.
        let foreign = OAuth2Provider(key: Array(repeating: 8, count: 32), now: { 1_700_000_000 })
        let forged = foreign.sign(["kind": "access", "sub": "admin", "exp": 1_900_000_000])
        // Same signature, claims changed.
        let tampered = OAuth2Provider.base64URL(Array(#"{"kind":"access","sub":"admin","exp":1900000000}"#.utf8)) + "." + access.split(separator: ".")[1]
        let cases = [
            ("nope", "Invalid access token"), ("", "Invalid access token"), ("a.b", "Invalid access token format"), (forged, "Invalid access token format"),
            (tampered, "Invalid access token format"), (refresh, "Invalid access token format"), (access + "x", "Invalid access token format"),
            ("e30=", "Invalid access token"),
        ]
        for (token, description) in cases {
            let response = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + token])
            try expectHTTPBunError(response, 401, "invalid_token", description)
            #expect(response.headers["WWW-Authenticate"] == "Bearer", "\(token)")
        }
        let format = "Invalid Authorization header format. Expected: Bearer <token>"
        for header in ["Basic YTpi", "bearer \(access)", "Bearer"] {
            let response = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": header])
            try expectHTTPBunError(response, 401, "invalid_token", format)
        }
        let none = fixture.send("GET", "/oauth2/userinfo")
        try expectHTTPBunError(none, 401, "invalid_token", "Missing Authorization header")
        #expect(none.headers["WWW-Authenticate"] == "Bearer")
        try expectHTTPBunError(fixture.send("PUT", "/oauth2/userinfo"), 405, "invalid_request", "Method not allowed. Use GET or POST.")
        // Our extra grants' tokens answer their claims.
        let mine = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access])
        #expect(mine.status == 200)
        #expect(try mine.json["sub"] == "u")
    }

    @Test("the process provider's routes are in the catalogue; tokens and S256 follow the RFC examples")
    func catalogueAndHelpers() throws {
        let response = respond("POST", "/oauth2/token", headers: ["Content-Type": "application/x-www-form-urlencoded"] + basic("a", "b"), text: "grant_type=client_credentials")
        #expect(response.status == 200)
        let access = try #require(try response.json["access_token"]?.stringValue)
        #expect(respond("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access]).status == 200)
        // RFC 7636 appendix B.
        #expect(OAuth2Provider.s256Challenge(verifier) == s256Challenge)
        #expect(OAuth2Provider.base64URL([0xFB, 0xFF]) == "-_8")
    }
}

extension HTTPHeaders {
    fileprivate static func + (lhs: HTTPHeaders, rhs: HTTPHeaders) -> HTTPHeaders {
        var result = lhs
        for field in rhs { result[field.name] = field.value }
        return result
    }
}
