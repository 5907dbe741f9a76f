import Foundation
import JSONValue
import Testing
@testable import Requests

/// The OAuth2 client against the in-process httpbun's mock provider (`/oauth2/*`).
@Suite("OAuth2 end to end")
struct OAuth2EndToEndTests {
    private var tokenURL: String { E2E.base + "/oauth2/token" }
    private var userinfoURL: String { E2E.base + "/oauth2/userinfo" }

    @Test("client credentials: the authenticator fetches a token and userinfo answers for the client")
    func clientCredentials() async throws {
        let updates = Recorder<OAuth2Token>()
        let oauth = OAuth2.clientCredentials(tokenURL: tokenURL, clientID: "svc", clientSecret: "s3cret", scope: "jobs",
                                             onTokenUpdate: { updates.append($0) })
        try await Session.with(auth: .oauth2(oauth)) { session in
            let first = try await session.get(userinfoURL)
            #expect(first.statusCode == 200)
            #expect(try first.json()["sub"] == "svc")
            #expect(try first.json()["scope"] == "jobs")
            #expect(try await session.get(userinfoURL).statusCode == 200)
        }
        #expect(updates.count == 1)
        #expect(oauth.token?.refreshToken == nil)
        #expect(oauth.token?.scope == "jobs")
    }

    @Test("authorization code with PKCE: the consent page, approve, follow the redirect, exchange; the code works once")
    func authorizationCode() async throws {
        let client = OAuth2Client(tokenURL: tokenURL, authorizationURL: E2E.base + "/oauth2/authorize", clientID: "cli")
        let request = try client.authorizationRequest(redirectURI: "http://127.0.0.1:9/callback", scope: "profile")
        // httpbun's consent page: an email to log in as, and approve/deny buttons that post back to the same URL.
        let page = try await Requests.get(request.url)
        #expect(page.statusCode == 200)
        #expect(page.text.contains("name=\"email\""))
        #expect(page.text.contains("value=\"approve\""))
        let approved = try await Requests.post(request.url, data: ["email": "ann@example.com", "decision": "approve"], allowRedirects: false)
        #expect(approved.statusCode == 302)
        let callback = try #require(approved.headers["Location"])
        #expect(callback.hasPrefix("http://127.0.0.1:9/callback?code="))
        // A public client: the PKCE verifier stands in for a client_secret (our extension).
        let token = try await client.exchangeCode(callbackURL: callback, for: request)
        #expect(token.refreshToken == nil)
        let profile = try await Requests.get(userinfoURL, auth: .bearer(token.accessToken))
        #expect(try profile.json() == ["email": "ann@example.com"])

        let reused = try await #require(throws: OAuth2Error.self) { try await client.exchangeCode(callbackURL: callback, for: request) }
        #expect(reused.error == .invalidGrant)
        #expect(reused.statusCode == 400)

        // Deny sends the user back with access_denied.
        let second = try client.authorizationRequest(redirectURI: "http://127.0.0.1:9/callback")
        let denied = try await Requests.post(second.url, data: ["decision": "deny"], allowRedirects: false)
        #expect(denied.headers["Location"]?.contains("error=access_denied") == true)
        let secondCallback = try #require(
            try await Requests.post(second.url, data: ["email": "bob@example.com", "decision": "approve"], allowRedirects: false).headers["Location"])
        // The wrong verifier is refused.
        var tampered = second
        tampered.codeVerifier = OAuth2Client.randomToken(bytes: 32)
        let wrong = try await #require(throws: OAuth2Error.self) { try await client.exchangeCode(callbackURL: secondCallback, for: tampered) }
        #expect(wrong.error == .invalidGrant)
        #expect(try await client.exchangeCode(callbackURL: secondCallback, for: second).accessToken.isEmpty == false)
    }

    @Test("password grant and refresh; wrong password and wrong secret are typed errors")
    func passwordAndRefresh() async throws {
        let client = OAuth2Client(tokenURL: tokenURL, clientID: "app", clientSecret: "s3cret")
        let token = try await client.password(username: "alice", password: "pw", scope: "read write")
        let refreshed = try await client.refresh(try #require(token.refreshToken), scope: "read")
        #expect(refreshed.accessToken != token.accessToken)
        #expect(refreshed.scope == "read")
        let profile = try await Requests.get(userinfoURL, auth: .bearer(refreshed.accessToken))
        #expect(try profile.json()["sub"] == "alice")

        let wrongPassword = try await #require(throws: OAuth2Error.self) { try await client.password(username: "alice", password: "wrong") }
        #expect(wrongPassword.error == .invalidGrant)
        #expect(wrongPassword.statusCode == 400)
        #expect(wrongPassword.errorDescription?.isEmpty == false)

        for authentication in [OAuth2Client.ClientAuthentication.basic, .form] {
            let bad = OAuth2Client(tokenURL: tokenURL, clientID: "app", clientSecret: "wrong", clientAuthentication: authentication)
            let error = try await #require(throws: OAuth2Error.self) { try await bad.clientCredentials() }
            #expect(error.error == .invalidClient)
            #expect(error.statusCode == 401)
        }
        let unsupported = try await #require(throws: OAuth2Error.self) { try await client.requestToken(["grant_type": "implicit"]) }
        #expect(unsupported.error == .unsupportedGrantType)
    }

    @Test("a token that expires mid-session is replaced transparently: by its expiry, or after the server's 401")
    func expiryMidSession() async throws {
        // httpbun lets the token request choose the lifetime: this token lives two seconds.
        let shortLived = OAuth2Client(tokenURL: tokenURL, clientID: "app", clientSecret: "s3cret", extraParams: ["expires_in": "2"])
        let token = try await shortLived.password(username: "bob", password: "pw")
        #expect(token.expiresAt != nil)
        // Renewed tokens live an hour, so however slow this machine is, each authenticator renews once.
        let client = OAuth2Client(tokenURL: tokenURL, clientID: "app", clientSecret: "s3cret")
        let byExpiryUpdates = Recorder<OAuth2Token>()
        let byExpiry = OAuth2(client: client, token: token, refreshMargin: .zero, onTokenUpdate: { byExpiryUpdates.append($0) })
        // The same token saved without its expiry: only the server can tell it is dead.
        var unknownExpiry = token
        unknownExpiry.expiresAt = nil
        let by401Updates = Recorder<OAuth2Token>()
        let by401 = OAuth2(client: client, token: unknownExpiry, onTokenUpdate: { by401Updates.append($0) })

        try await Session.with { session in
            #expect(try await session.get(userinfoURL, auth: .oauth2(byExpiry)).statusCode == 200)
            #expect(try await session.get(userinfoURL, auth: .oauth2(by401)).statusCode == 200)

            try await Task.sleep(for: .milliseconds(2500))
            let stale = try await session.get(userinfoURL, auth: .bearer(token.accessToken))
            #expect(stale.statusCode == 401)
            #expect(stale.headers["WWW-Authenticate"] == "Bearer")
            #expect(try stale.json()["error"] == "invalid_token")

            let afterExpiry = try await session.get(userinfoURL, auth: .oauth2(byExpiry))
            #expect(afterExpiry.statusCode == 200)
            #expect(try afterExpiry.json()["sub"] == "bob")
            let after401 = try await session.get(userinfoURL, auth: .oauth2(by401))
            #expect(after401.statusCode == 200)
            #expect(try after401.json()["sub"] == "bob")
        }
        #expect(byExpiryUpdates.count == 1)
        #expect(by401Updates.count == 1)
        #expect(byExpiry.token?.accessToken != token.accessToken)
        #expect(by401.token?.accessToken != token.accessToken)
        #expect(by401Updates.all.first?.accessToken == by401.token?.accessToken)
    }

    @Test("docs/oauth2.md: the Swift twin of OAuth2Session, and the flows block, as written")
    func documentationExamples() async throws {
        let base = E2E.base
        let saved = Recorder<OAuth2Token>()
        do {
            let client = OAuth2Client(tokenURL: base + "/oauth2/token", clientID: "app", clientSecret: "s3cret")
            let token = try await client.password(username: "alice", password: "pw")   // or a token saved earlier

            let oauth = OAuth2(client: client, token: token, onTokenUpdate: { token in
                print("new token:", token.accessToken.prefix(12))     // save it: OAuth2Token is Codable
                saved.append(token)
            })
            let session = Session(auth: .oauth2(oauth))
            let r = try await session.get(base + "/oauth2/userinfo")
            print(try r.json()["sub"]!)                               // "alice"
            #expect(try r.json()["sub"] == "alice")
            try await session.close()
        }
        do {
            let service = OAuth2.clientCredentials(tokenURL: base + "/oauth2/token", clientID: "svc", clientSecret: "s3cret", scope: "jobs")
            let jobs = try await Requests.get(base + "/oauth2/userinfo", auth: .oauth2(service))
            #expect(jobs.statusCode == 200)

            let client = OAuth2Client(tokenURL: base + "/oauth2/token", authorizationURL: base + "/oauth2/authorize",
                                      clientID: "app", clientSecret: "s3cret")
            let machine = try await client.clientCredentials(scope: "jobs")
            let user = try await client.password(username: "alice", password: "pw", scope: "read write")
            let renewed = try await client.refresh(user.refreshToken!, scope: "read")
            #expect(machine.scope == "jobs")
            #expect(renewed.scope == "read")

            let request = try client.authorizationRequest(redirectURI: "http://127.0.0.1:8000/callback", scope: "profile")
            let approved = try await Requests.post(request.url, data: ["email": "alice@example.com", "decision": "approve"],
                                                   allowRedirects: false)                    // the consent page's Approve
            let callback = try #require(approved.headers["Location"])
            let token = try await client.exchangeCode(callbackURL: callback, for: request)   // checks state, sends the verifier
            let me = try await Requests.get(base + "/oauth2/userinfo", auth: .bearer(token.accessToken))
            #expect(try me.json()["email"] == "alice@example.com")

            do {
                _ = try await client.password(username: "alice", password: "wrong")
                Issue.record("the password wrong must be refused")
            } catch let error as OAuth2Error where error.error == .invalidGrant {
                print(error.statusCode, error.errorDescription ?? "")   // 400 wrong password ...
            }
        }
        #expect(saved.count == 0, "a fresh token needs no refresh")
    }
}
