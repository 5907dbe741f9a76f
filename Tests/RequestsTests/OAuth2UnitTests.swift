import Foundation
import JSONValue
import Synchronization
import Testing
@testable import Requests

/// A clock the test moves by hand.
private final class ManualClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A mock provider: `/token` hands out `access-N` / `refresh-N` in order; `/api` accepts only the
/// tokens in `live` (every token it issued, unless the test says otherwise).
private final class MockProvider: Sendable {
    struct State {
        var issued = 0
        var live: Set<String> = []
        var tokenDelay: Duration = .zero
        var tokenError: (status: Int, body: JSON)?
        var expiresIn = 3600
        var sendsRefreshToken = true
        /// Refuse every bearer token, even fresh ones.
        var rejectAll = false
    }
    let state = Mutex(State())
    let tokenRequests = Recorder<Request>()
    let apiRequests = Recorder<String>()

    var transport: MockTransport {
        MockTransport { [self] request in
            if request.url.path == "/token" {
                let body = try await request.body.collect()
                var copy = request
                copy.body = .bytes(body)
                tokenRequests.append(copy)
                let delay = state.withLock { $0.tokenDelay }
                if delay > .zero { try await Task.sleep(for: delay) }
                return state.withLock { state in
                    if let error = state.tokenError { return Response(statusCode: error.status, json: error.body) }
                    state.issued += 1
                    let access = "access-\(state.issued)"
                    state.live.insert(access)
                    var json: JSON = ["access_token": .string(access), "token_type": "bearer", "expires_in": .number(String(state.expiresIn)), "scope": "read"]
                    if state.sendsRefreshToken, case .object(var object) = json {
                        object["refresh_token"] = .string("refresh-\(state.issued)")
                        json = .object(object)
                    }
                    return Response(statusCode: 200, json: json)
                }
            }
            let sent = OAuth2.bearerToken(request.headers["Authorization"]) ?? ""
            apiRequests.append(sent)
            let ok = state.withLock { !$0.rejectAll && $0.live.contains(sent) }
            return ok ? Response(statusCode: 200, text: "ok") : Response(statusCode: 401, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""], text: "")
        }
    }

    func client(secret: String? = "s3cret", authentication: OAuth2Client.ClientAuthentication = .basic, clock: ManualClock? = nil) -> OAuth2Client {
        OAuth2Client(tokenURL: "http://auth.test/token", authorizationURL: "http://auth.test/authorize", clientID: "my app",
                     clientSecret: secret, clientAuthentication: authentication, session: Session(transport: transport),
                     now: { clock?.now ?? Date() })
    }

    func form(_ index: Int) -> [String: String] {
        let request = tokenRequests.all[index]
        return Dictionary(URLComponents(string: "?" + request.bodyText)!.queryItems!.map { ($0.name, ($0.value ?? "").replacingOccurrences(of: "+", with: " ")) },
                          uniquingKeysWith: { $1 })
    }
}

@Suite("OAuth2 client flows (MockTransport)")
struct OAuth2ClientFlowTests {
    @Test("client credentials: Basic auth with form-urlencoded id and secret, expiry from the client's clock")
    func clientCredentials() async throws {
        let provider = MockProvider()
        let clock = ManualClock()
        let token = try await provider.client(clock: clock).clientCredentials(scope: "jobs")
        #expect(token.accessToken == "access-1")
        #expect(token.tokenType == "Bearer")
        #expect(token.refreshToken == "refresh-1")
        #expect(token.expiresAt == clock.now.addingTimeInterval(3600))
        let request = provider.tokenRequests.all[0]
        #expect(request.method == .post)
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["Authorization"] == "Basic " + Data("my+app:s3cret".utf8).base64EncodedString())
        #expect(provider.form(0) == ["grant_type": "client_credentials", "scope": "jobs"])
    }

    @Test("form client authentication, and public clients naming themselves")
    func formAuthentication() async throws {
        let provider = MockProvider()
        _ = try await provider.client(authentication: .form).password(username: "alice", password: "pw")
        #expect(provider.tokenRequests.all[0].headers["Authorization"] == nil)
        #expect(provider.form(0) == ["grant_type": "password", "username": "alice", "password": "pw", "client_id": "my app", "client_secret": "s3cret"])
        _ = try await provider.client(secret: nil).exchangeCode("c0de", redirectURI: "http://localhost/cb", codeVerifier: "v")
        #expect(provider.tokenRequests.all[1].headers["Authorization"] == nil)
        #expect(provider.form(1) == ["grant_type": "authorization_code", "code": "c0de", "redirect_uri": "http://localhost/cb",
                                     "code_verifier": "v", "client_id": "my app"])
    }

    @Test("refresh keeps the old refresh token when the server sends none")
    func refreshKeepsRefreshToken() async throws {
        let provider = MockProvider()
        provider.state.withLock { $0.sendsRefreshToken = false }
        let token = try await provider.client().refresh("old-refresh")
        #expect(token.accessToken == "access-1")
        #expect(token.refreshToken == "old-refresh")
        #expect(provider.form(0) == ["grant_type": "refresh_token", "refresh_token": "old-refresh"])
    }

    @Test("token endpoint errors are OAuth2Error with the code, description and status")
    func errors() async throws {
        let provider = MockProvider()
        provider.state.withLock { $0.tokenError = (400, ["error": "invalid_grant", "error_description": "wrong password"]) }
        let error = try await #require(throws: OAuth2Error.self) {
            try await provider.client().password(username: "u", password: "wrong")
        }
        #expect(error.error == .invalidGrant)
        #expect(error.errorDescription == "wrong password")
        #expect(error.statusCode == 400)
        #expect(error.url == "http://auth.test/token")
        #expect(error.description.contains("invalid_grant"))

        provider.state.withLock { $0.tokenError = (401, ["error": "invalid_client"]) }
        let client = try await #require(throws: OAuth2Error.self) { try await provider.client().clientCredentials() }
        #expect(client.error == .invalidClient)
        #expect(client.statusCode == 401)
        // Caught broadly, too.
        do {
            _ = try await provider.client().clientCredentials()
            Issue.record("invalid_client must throw")
        } catch {
            #expect(error is any RequestError)
        }

        provider.state.withLock { $0.tokenError = (502, "Bad Gateway") }
        let gateway = try await #require(throws: OAuth2Error.self) { try await provider.client().clientCredentials() }
        #expect(gateway.error == .invalidTokenResponse)
        #expect(gateway.statusCode == 502)

        provider.state.withLock { $0.tokenError = (200, ["token_type": "Bearer"]) }
        let empty = try await #require(throws: OAuth2Error.self) { try await provider.client().clientCredentials() }
        #expect(empty.error == .invalidTokenResponse)
    }

    @Test("the authorization URL carries state and an S256 challenge of the verifier; the callback is checked")
    func authorizationCode() async throws {
        let provider = MockProvider()
        let client = provider.client(secret: nil)
        let request = try client.authorizationRequest(redirectURI: "http://localhost:8000/cb", scope: "profile email")
        let verifier = try #require(request.codeVerifier)
        #expect(verifier.count == 43)
        let items = try #require(URLComponents(string: request.url)?.queryItems)
        let query = Dictionary(items.map { ($0.name, ($0.value ?? "").replacingOccurrences(of: "+", with: " ")) }, uniquingKeysWith: { $1 })
        #expect(request.url.hasPrefix("http://auth.test/authorize?"))
        #expect(query["response_type"] == "code")
        #expect(query["client_id"] == "my app")
        #expect(query["redirect_uri"] == "http://localhost:8000/cb")
        #expect(query["scope"] == "profile email")
        #expect(query["state"] == request.state)
        #expect(query["code_challenge"] == OAuth2Client.s256Challenge(verifier))
        #expect(query["code_challenge_method"] == "S256")
        // RFC 7636 appendix B.
        #expect(OAuth2Client.s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(try client.authorizationRequest(redirectURI: "/cb").state != request.state)
        #expect(try client.authorizationRequest(redirectURI: "/cb", pkce: false).codeVerifier == nil)

        let mismatch = try await #require(throws: OAuth2Error.self) {
            try await client.exchangeCode(callbackURL: "http://localhost:8000/cb?code=c&state=forged", for: request)
        }
        #expect(mismatch.error == .stateMismatch)
        let denied = try await #require(throws: OAuth2Error.self) {
            try await client.exchangeCode(callbackURL: "http://localhost:8000/cb?error=access_denied&state=\(request.state)", for: request)
        }
        #expect(denied.error == .accessDenied)
        #expect(provider.tokenRequests.count == 0)
        let token = try await client.exchangeCode(callbackURL: "http://localhost:8000/cb?code=c&state=\(request.state)", for: request)
        #expect(token.accessToken == "access-1")
        #expect(provider.form(0)["code_verifier"] == verifier)
    }
}

@Suite("OAuth2 authenticator (MockTransport)")
struct OAuth2AuthenticatorTests {
    private func token(_ name: String, refresh: String? = "refresh-0", expiresIn seconds: TimeInterval?, clock: ManualClock) -> OAuth2Token {
        OAuth2Token(accessToken: name, refreshToken: refresh, expiresAt: seconds.map { clock.now.addingTimeInterval($0) })
    }

    @Test("a token expiring within the margin is refreshed before the request; outside it, it is used")
    func refreshMargin() async throws {
        let provider = MockProvider()
        provider.state.withLock { $0.live = ["saved"] }
        let clock = ManualClock()
        let updates = Recorder<OAuth2Token>()
        let oauth = OAuth2(client: provider.client(clock: clock), token: token("saved", expiresIn: 31, clock: clock),
                           refreshMargin: .seconds(30), now: { clock.now }, onTokenUpdate: { updates.append($0) })
        let session = Session(auth: .oauth2(oauth), transport: provider.transport)
        #expect(try await session.get("http://api.test/api").statusCode == 200)
        #expect(provider.tokenRequests.count == 0)
        #expect(provider.apiRequests.all == ["saved"])

        clock.advance(1.5)  // 29.5 s left: inside the margin
        #expect(try await session.get("http://api.test/api").statusCode == 200)
        #expect(provider.tokenRequests.count == 1)
        #expect(provider.form(0) == ["grant_type": "refresh_token", "refresh_token": "refresh-0"])
        #expect(provider.apiRequests.all == ["saved", "access-1"])
        #expect(updates.all.map(\.accessToken) == ["access-1"])
        #expect(oauth.token?.accessToken == "access-1")
        #expect(oauth.token?.expiresAt == clock.now.addingTimeInterval(3600))

        // A smaller margin keeps the token longer.
        let relaxed = OAuth2(client: provider.client(clock: clock), token: token("saved", expiresIn: 10, clock: clock),
                             refreshMargin: .seconds(5), now: { clock.now })
        _ = try await session.get("http://api.test/api", auth: .oauth2(relaxed))
        #expect(provider.tokenRequests.count == 1)
    }

    @Test("50 concurrent requests with an expired token share one refresh; the callback runs once")
    func singleRefresh() async throws {
        let provider = MockProvider()
        provider.state.withLock { $0.tokenDelay = .milliseconds(200) }
        let clock = ManualClock()
        let updates = Recorder<OAuth2Token>()
        let oauth = OAuth2(client: provider.client(clock: clock), token: token("old", expiresIn: -1, clock: clock),
                           now: { clock.now }, onTokenUpdate: { updates.append($0) })
        let session = Session(auth: .oauth2(oauth), transport: provider.transport)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await session.get("http://api.test/api").statusCode } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 50))
        #expect(provider.tokenRequests.count == 1)
        #expect(Set(provider.apiRequests.all) == ["access-1"])
        #expect(updates.all.map(\.accessToken) == ["access-1"])
    }

    @Test("50 concurrent requests refused with 401 share one refresh and are each resent once")
    func singleRefreshAfter401() async throws {
        let provider = MockProvider()
        provider.state.withLock { $0.tokenDelay = .milliseconds(200) }
        let updates = Recorder<OAuth2Token>()
        // The expiry is unknown, so only the server's 401 tells the token is dead.
        let oauth = OAuth2(client: provider.client(), token: OAuth2Token(accessToken: "revoked", refreshToken: "refresh-0"),
                           onTokenUpdate: { updates.append($0) })
        let session = Session(auth: .oauth2(oauth), transport: provider.transport)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await session.get("http://api.test/api").statusCode } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 50))
        #expect(provider.tokenRequests.count == 1)
        // Each call sent its one accepted request with the new token, after at most one 401.
        let sent = provider.apiRequests.all
        #expect(sent.filter { $0 == "access-1" }.count == 50)
        #expect(Set(sent).isSubset(of: ["revoked", "access-1"]))
        #expect(sent.contains("revoked"))
        #expect(updates.count == 1)
    }

    @Test("a 401 for the token just refreshed is returned, not retried in a loop")
    func refreshOnceAfter401() async throws {
        let provider = MockProvider()
        let oauth = OAuth2(client: provider.client(), token: OAuth2Token(accessToken: "revoked", refreshToken: "refresh-0"))
        let session = Session(auth: .oauth2(oauth), transport: provider.transport)
        #expect(try await session.get("http://api.test/api").statusCode == 200)
        // Now the server refuses every token.
        provider.state.withLock { $0.rejectAll = true }
        // access-1 has been accepted, so one refresh is tried; access-2 is refused at once: give up.
        let response = try await session.get("http://api.test/api")
        #expect(response.statusCode == 401)
        #expect(provider.tokenRequests.count == 2)
        #expect(provider.apiRequests.all == ["revoked", "access-1", "access-1", "access-2"])
        // A second call: access-2 was never accepted, so no further refresh.
        #expect(try await session.get("http://api.test/api").statusCode == 401)
        #expect(provider.tokenRequests.count == 2)
    }

    @Test("without a token, the grant fetches one; a dead refresh token falls back to the grant")
    func grants() async throws {
        let provider = MockProvider()
        let clock = ManualClock()
        let oauth = OAuth2(client: provider.client(clock: clock), grant: .clientCredentials(scope: "jobs"), now: { clock.now })
        let session = Session(auth: .oauth2(oauth), transport: provider.transport)
        #expect(try await session.get("http://api.test/api").statusCode == 200)
        #expect(provider.form(0)["grant_type"] == "client_credentials")

        provider.state.withLock { $0.tokenError = (400, ["error": "invalid_grant"]) }
        clock.advance(3600)
        let error = try await #require(throws: OAuth2Error.self) { try await session.get("http://api.test/api") }
        #expect(error.error == .invalidGrant)
        #expect(provider.form(1)["grant_type"] == "refresh_token")
        #expect(provider.form(2)["grant_type"] == "client_credentials")
        // The failed refresh is not remembered: the next request tries again.
        provider.state.withLock { $0.tokenError = nil }
        #expect(try await session.get("http://api.test/api").statusCode == 200)
    }

    @Test("no token and no grant: a typed error, no request sent")
    func nothingToRefreshWith() async throws {
        let provider = MockProvider()
        let session = Session(auth: .oauth2(OAuth2(client: provider.client())), transport: provider.transport)
        let error = try await #require(throws: OAuth2Error.self) { try await session.get("http://api.test/api") }
        #expect(error.error == .noRefreshPossible)
        #expect(provider.apiRequests.count == 0)
        #expect(provider.tokenRequests.count == 0)

        let clock = ManualClock()
        let expired = OAuth2(client: provider.client(), token: token("old", refresh: nil, expiresIn: 0, clock: clock), now: { clock.now })
        let noRefresh = try await #require(throws: OAuth2Error.self) { try await session.get("http://api.test/api", auth: .oauth2(expired)) }
        #expect(noRefresh.error == .noRefreshPossible)
    }

    @Test("the token request does not carry the OAuth2 auth of the session it goes through")
    func tokenRequestsSkipSessionAuth() async throws {
        let provider = MockProvider()
        let clock = ManualClock()
        // The client uses the same session whose auth is this OAuth2: no deadlock, no bearer on /token.
        let session = Session(transport: provider.transport)
        let client = OAuth2Client(tokenURL: "http://auth.test/token", clientID: "app", clientSecret: nil, session: session, now: { clock.now })
        let oauth = OAuth2(client: client, token: token("old", expiresIn: 0, clock: clock), now: { clock.now })
        session.auth = .oauth2(oauth)
        #expect(try await session.get("http://api.test/api").statusCode == 200)
        #expect(provider.tokenRequests.all[0].headers["Authorization"] == nil)
        #expect(provider.form(0)["client_id"] == "app")
    }

    @Test("a token survives a JSON round trip for saving")
    func codable() throws {
        let token = OAuth2Token(accessToken: "a", refreshToken: "r", scope: "read", expiresAt: Date(timeIntervalSince1970: 1_700_000_000))
        let decoded = try JSONDecoder().decode(OAuth2Token.self, from: JSONEncoder().encode(token))
        #expect(decoded == token)
        #expect(token.expires(within: .seconds(30), of: Date(timeIntervalSince1970: 1_699_999_971)) == true)
        #expect(token.expires(within: .seconds(30), of: Date(timeIntervalSince1970: 1_699_999_969)) == false)
        #expect(OAuth2Token(accessToken: "a").expires(within: .seconds(3600)) == false)
    }
}
