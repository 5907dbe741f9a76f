// Digest answers a challenge once per hop, and a stale nonce once more (issue 21), counted in the server's journal.
import Foundation
import HTTPBun
import HTTPWire
import Testing
@testable import Requests

/// How many requests under `prefix` reached `server`, once the count has settled.
func arrivals(_ server: HTTPBunServer, _ prefix: String) async throws -> [JournalEntry] {
    let journal = try #require(server.journal)
    var last = -1
    // The journal records an exchange as it ends: wait until two looks 100 ms apart agree.
    for _ in 0..<20 {
        let count = journal.entries(JournalFilter(pathPrefix: prefix)).count
        if count == last && count > 0 { break }
        last = count
        try await Task.sleep(for: .milliseconds(100))
    }
    return journal.entries(JournalFilter(pathPrefix: prefix))
}

@Suite(.serialized) struct DigestChallengeCountTests {
    @Test("a wrong digest password costs 2 requests, as in requests and httpx") func wrongPasswordSendsTwo() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let response = try await Requests.get(server.baseURL + "/digest-auth/auth/user/passwd", auth: .digest("user", "wrong"))
        #expect(response.statusCode == 401)
        let seen = try await arrivals(server, "/digest-auth/")
        #expect(seen.count == 2)
        #expect(seen.first?.headers.first("Authorization") == nil)
        #expect(seen.last?.headers.first("Authorization")?.hasPrefix("Digest ") == true)
    }

    @Test func rightPasswordSendsTwoThenOnePreemptively() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let session = Session(auth: .digest("user", "passwd"))
        defer { Task { try await session.close() } }
        #expect(try await session.get(server.baseURL + "/digest-auth/auth/user/passwd").statusCode == 200)
        #expect(try await arrivals(server, "/digest-auth/").count == 2)
        #expect(try await session.get(server.baseURL + "/digest-auth/auth/user/passwd").statusCode == 200)
        #expect(try await arrivals(server, "/digest-auth/").count == 3)
    }

    @Test("a stale nonce is answered again (the server's stale_after)") func staleNonceAgainstTheServer() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let session = Session(auth: .digest("user", "passwd"))
        defer { Task { try await session.close() } }
        let url = server.baseURL + "/digest-auth/auth/user/passwd/MD5/1"
        #expect(try await session.get(url).statusCode == 200)
        let first = try await arrivals(server, "/digest-auth/").count
        // The nonce was good for one answer: the preemptive one is stale, and answered once more.
        let second = try await session.get(url)
        #expect(second.statusCode == 200)
        let all = try await arrivals(server, "/digest-auth/")
        #expect(first == 2)
        #expect(all.count - first == 2, "\(all.map { ($0.status, $0.headers.first("Authorization") ?? "-") })")
    }

    /// A server that challenges with a fresh nonce every time, as real ones do, and reports the first
    /// answer's nonce stale when asked.
    func freshNonceServer(seen: Recorder<Request>, password: String, staleFirst: Bool) -> MockTransport {
        let issued = Recorder<String>()
        return recordingMock(seen) { request, _ in
            func challenge(stale: Bool) -> Response {
                let nonce = "n\(issued.count)"
                issued.append(nonce)
                return Response(statusCode: 401, headers: ["WWW-Authenticate": #"Digest realm="r", nonce="\#(nonce)", qop="auth"\#(stale ? ", stale=true" : "")"#])
            }
            guard let header = request.headers["Authorization"], let fields = AuthParameters.parse(header.dropFirst(7)) else {
                return challenge(stale: false)
            }
            if staleFirst && fields["nonce"] == "n0" { return challenge(stale: true) }
            func md5(_ s: String) -> String { DigestAlgorithm.md5.hexDigest(s) }
            let expected = md5("\(md5("user:r:\(password)")):\(fields["nonce"]!):\(fields["nc"]!):\(fields["cnonce"]!):auth:\(md5("GET:\(fields["uri"]!)"))")
            return fields["response"] == expected ? Response(statusCode: 200) : challenge(stale: false)
        }
    }

    @Test func freshNoncesAreAnsweredOncePerHop() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: freshNonceServer(seen: seen, password: "pass", staleFirst: false))
        #expect(try await session.get("http://h.test/a", auth: .digest("user", "wrong")).statusCode == 401)
        #expect(seen.count == 2)
    }

    @Test func staleAnswerIsRetriedOnceMore() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: freshNonceServer(seen: seen, password: "pass", staleFirst: true))
        #expect(try await session.get("http://h.test/a", auth: .digest("user", "pass")).statusCode == 200)
        #expect(seen.count == 3)
        // Stale, and the password wrong after all: no third answer.
        let wrong = Recorder<Request>()
        let other = Session(transport: freshNonceServer(seen: wrong, password: "pass", staleFirst: true))
        #expect(try await other.get("http://h.test/a", auth: .digest("user", "wrong")).statusCode == 401)
        #expect(wrong.count == 3)
    }
}

