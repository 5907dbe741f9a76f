import Crypto
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

    /// Approves an authorization request and returns the redirect's query arguments.
    func authorize(_ query: String) throws -> [String: String] {
        let response = send("GET", "/oauth2/authorize?" + query + "&auto_approve=1")
        try #require(response.status == 302, "\(response.bodyText)")
        return Self.redirectArguments(response)
    }

    static func redirectArguments(_ response: Response) -> [String: String] {
        let location = response.headers["Location"] ?? ""
        let query = location.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        return Dictionary(URLEncodedForm.parse(query.utf8).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    func code(challenge: String? = nil, method: String = "S256", clientID: String = "app") throws -> String {
        var query = "response_type=code&client_id=\(clientID)&redirect_uri=http://localhost/cb&state=xyz"
        if let challenge { query += "&code_challenge=\(challenge)&code_challenge_method=\(method)" }
        return try #require(try authorize(query)["code"])
    }
}

private let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
private let s256Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

private func basic(_ id: String, _ secret: String) -> HTTPHeaders {
    ["Authorization": "Basic " + Base64.encode(Array("\(id):\(secret)".utf8))]
}

private func expectError(_ response: Response, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
    let body = try response.json
    #expect(body["error"]?.stringValue == code, "\(response.bodyText)", sourceLocation: sourceLocation)
    #expect(body["error_description"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(response.headers["Cache-Control"] == "no-store", sourceLocation: sourceLocation)
}

@Suite("/oauth2/authorize")
struct OAuth2AuthorizeTests {
    @Test("GET shows a consent page that escapes what the client sent, and posts back")
    func consentPage() {
        let fixture = Fixture()
        let response = fixture.send("GET", "/oauth2/authorize?response_type=code&client_id=%3Cb%3Eevil&redirect_uri=/cb&state=s")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.bodyText.contains("&lt;b&gt;evil"))
        #expect(!response.bodyText.contains("<b>evil"))
        #expect(response.bodyText.contains("<form method=\"post\" action=\"/oauth2/authorize?response_type=code&amp;client_id=%3Cb%3Eevil"))
        #expect(response.bodyText.contains("value=\"approve\""))
    }

    @Test("POST approves: a redirect to redirect_uri with code and state, keeping its own query")
    func postApproves() throws {
        let fixture = Fixture()
        let response = fixture.send(
            "POST", "/oauth2/authorize?response_type=code&client_id=app&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcb%3Fx%3D1&state=a%20b",
            form: [("action", "approve")])
        #expect(response.status == 302)
        let location = try #require(response.headers["Location"])
        #expect(location.hasPrefix("http://localhost:9/cb?x=1&code="))
        let arguments = Fixture.redirectArguments(response)
        #expect(arguments["state"] == "a b")
        #expect(arguments["code"]?.isEmpty == false)
        // The form may carry the parameters too.
        let fromForm = fixture.send(
            "POST", "/oauth2/authorize",
            form: [("response_type", "code"), ("client_id", "app"), ("redirect_uri", "/cb"), ("state", "s")])
        #expect(fromForm.status == 302)
        #expect(fromForm.headers["Location"]?.hasPrefix("/cb?code=") == true)
    }

    @Test("deny, a wrong response_type, bad PKCE parameters and client_id invalid redirect with an error")
    func redirectedErrors() {
        let fixture = Fixture()
        let base = "/oauth2/authorize?client_id=app&redirect_uri=/cb&state=s"
        let cases: [(String, String)] = [
            (base + "&response_type=code&action=deny", "access_denied"),
            (base + "&response_type=token&auto_approve=1", "unsupported_response_type"),
            (base + "&auto_approve=1", "unsupported_response_type"),
            (base + "&response_type=code&auto_approve=1&code_challenge=\(s256Challenge)&code_challenge_method=S512", "invalid_request"),
            (base + "&response_type=code&auto_approve=1&code_challenge=short", "invalid_request"),
            (base + "&response_type=code&auto_approve=1&code_challenge_method=S256", "invalid_request"),
            (base + "&response_type=code&auto_approve=1&scope=read%20invalid", "invalid_scope"),
            ("/oauth2/authorize?client_id=invalid&redirect_uri=/cb&state=s&response_type=code&auto_approve=1", "unauthorized_client"),
        ]
        for (target, code) in cases {
            let response = fixture.send("GET", target)
            #expect(response.status == 302, "\(target)")
            let arguments = Fixture.redirectArguments(response)
            #expect(arguments["error"] == code, "\(target)")
            #expect(arguments["state"] == "s", "\(target)")
            #expect(arguments["code"] == nil, "\(target)")
        }
    }

    @Test("a missing client_id or redirect_uri, or a redirect_uri off the allowlist, is never redirected to")
    func unsafeRedirects() throws {
        let fixture = Fixture()
        let missingClient = fixture.send("GET", "/oauth2/authorize?response_type=code&redirect_uri=/cb&auto_approve=1")
        try expectError(missingClient, 400, "invalid_request")
        let missingRedirect = fixture.send("GET", "/oauth2/authorize?response_type=code&client_id=app&auto_approve=1")
        try expectError(missingRedirect, 400, "invalid_request")
        let offsite = fixture.send("GET", "/oauth2/authorize?response_type=code&client_id=app&redirect_uri=https://evil.example/cb&auto_approve=1")
        #expect(offsite.status == 403)
        #expect(offsite.headers["Location"] == nil)
        #expect(try offsite.json["error"]?.stringValue?.contains("evil.example") == true)
        let javascript = fixture.send("GET", "/oauth2/authorize?response_type=code&client_id=app&redirect_uri=javascript:alert(1)&auto_approve=1")
        #expect(javascript.status == 403)
        // --allow-redirect-host lets it through.
        let allowed = Fixture(configuration: ServerConfiguration(allowedRedirectHosts: ["evil.example"]))
        let response = allowed.send("GET", "/oauth2/authorize?response_type=code&client_id=app&redirect_uri=https://evil.example/cb&auto_approve=1")
        #expect(response.status == 302)
        #expect(response.headers["Location"]?.hasPrefix("https://evil.example/cb?code=") == true)
    }
}

@Suite("/oauth2/token")
struct OAuth2TokenTests {
    @Test("authorization_code: an RFC 6749 token response, then userinfo with the access token")
    func authorizationCode() throws {
        let fixture = Fixture()
        let code = try fixture.code()
        let response = fixture.token([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost/cb"), ("client_id", "app"),
        ])
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Pragma"] == "no-cache")
        let body = try response.json
        #expect(body["token_type"] == "Bearer")
        #expect(body["expires_in"]?.intValue == 3600)
        #expect(body["scope"] == "read")
        let access = try #require(body["access_token"]?.stringValue)
        #expect(body["refresh_token"]?.stringValue?.isEmpty == false)
        let userinfo = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access])
        #expect(userinfo.status == 200)
        #expect(try userinfo.json["sub"] == "user")
        #expect(try userinfo.json["client_id"] == "app")
    }

    @Test("PKCE S256 and plain: the right verifier passes, a wrong or missing one is invalid_grant")
    func pkce() throws {
        let fixture = Fixture()
        func exchange(_ code: String, verifier: String?) -> Response {
            var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost/cb"), ("client_id", "app")]
            if let verifier { form.append(("code_verifier", verifier)) }
            return fixture.token(form)
        }
        #expect(exchange(try fixture.code(challenge: s256Challenge), verifier: verifier).status == 200)
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: verifier + "x"), 400, "invalid_grant")
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: nil), 400, "invalid_grant")
        // The challenge itself is not a verifier for S256.
        try expectError(exchange(try fixture.code(challenge: s256Challenge), verifier: s256Challenge), 400, "invalid_grant")
        #expect(exchange(try fixture.code(challenge: verifier, method: "plain"), verifier: verifier).status == 200)
        try expectError(exchange(try fixture.code(challenge: verifier, method: "plain"), verifier: s256Challenge), 400, "invalid_grant")
        // A verifier for a code that had no challenge is refused too (OAuth 2.1's downgrade protection).
        try expectError(exchange(try fixture.code(), verifier: verifier), 400, "invalid_grant")
        // A failed verification does not burn the code: the right verifier still works once.
        let code = try fixture.code(challenge: s256Challenge)
        try expectError(exchange(code, verifier: "wrong-verifier-wrong-verifier-wrong-verifier"), 400, "invalid_grant")
        #expect(exchange(code, verifier: verifier).status == 200)
        try expectError(exchange(code, verifier: verifier), 400, "invalid_grant")
    }

    @Test("a code is single-use, bound to its client and redirect_uri, and expires after 60 s")
    func codeRules() throws {
        let fixture = Fixture()
        let form = { (code: String) in
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost/cb"), ("client_id", "app")]
        }
        let code = try fixture.code()
        #expect(fixture.token(form(code)).status == 200)
        let reused = fixture.token(form(code))
        try expectError(reused, 400, "invalid_grant")
        #expect(try reused.json["error_description"]?.stringValue?.contains("already used") == true)
        #expect(fixture.provider.usedCodeCount == 1)

        let other = try fixture.code()
        try expectError(fixture.token([("grant_type", "authorization_code"), ("code", other), ("redirect_uri", "http://localhost/cb"), ("client_id", "another")]), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "authorization_code"), ("code", other), ("redirect_uri", "http://localhost/other"), ("client_id", "app")]), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "authorization_code"), ("code", other), ("client_id", "app")]), 400, "invalid_grant")

        let late = try fixture.code()
        fixture.advance(59)
        #expect(fixture.token(form(late)).status == 200)
        let expired = try fixture.code()
        fixture.advance(60)
        let response = fixture.token(form(expired))
        try expectError(response, 400, "invalid_grant")
        #expect(try response.json["error_description"]?.stringValue?.contains("expired") == true)

        try expectError(fixture.token(form("not-a-code")), 400, "invalid_grant")
        try expectError(fixture.token([("grant_type", "authorization_code"), ("client_id", "app")]), 400, "invalid_request")
        // A token is not a code, even though the same key signed it.
        let access = try #require(try fixture.token([("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "app")]).json["access_token"]?.stringValue)
        try expectError(fixture.token(form(access)), 400, "invalid_grant")
    }

    @Test("the used-code memory is bounded: past the cap, 503 until old codes expire")
    func usedCodeCap() throws {
        let fixture = Fixture(maximumUsedCodes: 2)
        let form = { (code: String) in
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost/cb"), ("client_id", "app")]
        }
        let third = try fixture.code()
        #expect(fixture.token(form(try fixture.code())).status == 200)
        #expect(fixture.token(form(try fixture.code())).status == 200)
        try expectError(fixture.token(form(third)), 503, "temporarily_unavailable")
        try expectError(fixture.send("GET", "/oauth2/authorize?response_type=code&client_id=app&redirect_uri=/cb&auto_approve=1"), 503, "temporarily_unavailable")
        #expect(fixture.provider.usedCodeCount == 2)
        fixture.advance(61)
        // The used codes expired and are forgotten; a new code works (the old third one has expired too).
        #expect(fixture.token(form(try fixture.code())).status == 200)
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
        try expectError(fixture.token([("grant_type", "implicit"), ("client_id", "app")]), 400, "unsupported_grant_type")
        try expectError(fixture.token([("client_id", "app")]), 400, "invalid_request")
        try expectError(fixture.token([("grant_type", "client_credentials"), ("scope", "invalid")], headers: basic("a", "b")), 400, "invalid_scope")
        try expectError(fixture.token([("grant_type", "client_credentials")], query: "?expires_in=0", headers: basic("a", "b")), 400, "invalid_request")
        try expectError(fixture.token([("grant_type", "client_credentials"), ("expires_in", "86401")], headers: basic("a", "b")), 400, "invalid_request")
        let json = fixture.send("POST", "/oauth2/token", headers: ["Content-Type": "application/json"] + basic("a", "b"))
        try expectError(json, 400, "invalid_request")
        let jsonBody = fixture.router.respond(to: Request(
            method: "POST", target: "/oauth2/token", headers: ["Content-Type": "application/json"], body: Array(#"{"grant_type":"password"}"#.utf8)))
        try expectError(jsonBody, 400, "invalid_request")
        #expect(fixture.send("GET", "/oauth2/token").status == 405)
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
        #expect(expired.headers["WWW-Authenticate"]?.hasPrefix("Bearer realm=\"httpbun\", error=\"invalid_token\"") == true)
        #expect(try expired.json["error"] == "invalid_token")
        #expect(try expired.json["error_description"] == "the access token expired")
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
        for token in ["nope", "", "a.b", forged, tampered, refresh, access + "x"] {
            let response = fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + token])
            #expect(response.status == 401, "\(token)")
            if !token.isEmpty {
                #expect(response.headers["WWW-Authenticate"]?.contains("error=\"invalid_token\"") == true, "\(token)")
            }
        }
        let none = fixture.send("GET", "/oauth2/userinfo")
        #expect(none.status == 401)
        #expect(none.headers["WWW-Authenticate"] == "Bearer realm=\"httpbun\"")
        #expect(fixture.send("GET", "/oauth2/userinfo", headers: ["Authorization": "Bearer " + access]).status == 200)
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
