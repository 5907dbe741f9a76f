import Foundation
import JSONValue
import Testing
@testable import Requests

/// Hooks see every response on the wire (httpx's event hooks); `history` holds the redirects and the
/// auth challenges that led to a response. Python requests 2.34 against our server, for comparison:
/// digest → history [401]; wrong password → 401 with history [401]; /redirect/2 → [302, 302].
@Suite struct HooksAndHistoryTests {
    /// A session whose hooks record each request's URL path and each response's status.
    static func recording(auth: Auth?) -> (Session, requests: Recorder<String>, responses: Recorder<Int>) {
        let requests = Recorder<String>(), responses = Recorder<Int>()
        let session = Session(auth: auth)
        session.hooks.request.append { request in
            requests.append(request.url.path)
            request.headers["X-Hooked"] = "yes"
        }
        session.hooks.response.append { response in responses.append(response.statusCode) }
        return (session, requests, responses)
    }

    @Test func theDigestChallengeIsInHistoryAndHooksSeeIt() async throws {
        let (session, requests, responses) = Self.recording(auth: .digest("user", "passwd"))
        let r = try await session.get(E2E.base + "/digest-auth/auth/user/passwd")
        #expect(r.statusCode == 200)
        #expect(r.history.map(\.statusCode) == [401])
        let challenge = try #require(r.history.first)
        #expect(challenge.headers["WWW-Authenticate"]?.hasPrefix("Digest ") == true)
        #expect(challenge.isBodyRead)
        #expect(challenge.request?.headers["Authorization"] == nil, "the challenge answered the request without credentials")
        #expect(r.request?.headers["Authorization"]?.hasPrefix("Digest ") == true)
        #expect(responses.all == [401, 200])
        #expect(requests.all == ["/digest-auth/auth/user/passwd", "/digest-auth/auth/user/passwd"])
        // The request hook's header went out on both tries.
        #expect(r.request?.headers["X-Hooked"] == "yes" && challenge.request?.headers["X-Hooked"] == "yes")
        try await session.close()
    }

    @Test func aWrongPasswordReturnsTheSecond401WithTheFirstInHistory() async throws {
        let (session, _, responses) = Self.recording(auth: .digest("user", "wrong"))
        let r = try await session.get(E2E.base + "/digest-auth/auth/user/passwd")
        #expect(r.statusCode == 401)
        #expect(r.history.map(\.statusCode) == [401])
        #expect(responses.all == [401, 401])
        try await session.close()
    }

    @Test func redirectsAndChallengesAreInHistoryInTheOrderTheyCame() async throws {
        let (session, _, responses) = Self.recording(auth: .digest("user", "passwd"))
        let r = try await session.get(E2E.base + "/redirect-to", params: ["url": "/digest-auth/auth/user/passwd"])
        #expect(r.statusCode == 200)
        #expect(r.history.map(\.statusCode) == [302, 401])
        #expect(r.history.allSatisfy { $0.history.isEmpty }, "one flat list, as requests keeps it")
        #expect(responses.all == [302, 401, 200])

        let hops = try await session.get(E2E.base + "/redirect/2")
        #expect(hops.history.map(\.statusCode) == [302, 302])
        try await session.close()
    }

    @Test func noChallengeNoHistory() async throws {
        let (session, _, responses) = Self.recording(auth: .basic("user", "passwd"))
        let r = try await session.get(E2E.base + "/basic-auth/user/passwd")
        #expect(r.statusCode == 200 && r.history.isEmpty)
        #expect(responses.all == [200])
        try await session.close()
    }
    // A transport's own history is dropped: RedirectTests.aTransportsOwnHistoryIsReplaced.
}
