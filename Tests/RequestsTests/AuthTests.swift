import Foundation
import HTTPWire
import Testing
@testable import Requests

@Suite struct AuthTests {
    // RFC 7616 §3.9.1.
    let challengeHeader = #"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%@, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#

    func rfcAuthorization(algorithm: String) async throws -> [String: String] {
        let auth = DigestAuth(username: "Mufasa", password: "Circle of Life", cnonce: { "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ" })
        let challenge = try #require(DigestAuth.parseChallenge(challengeHeader.replacingOccurrences(of: "%@", with: algorithm)))
        let request = try Request(.get, url: "http://www.example.org/dir/index.html")
        let header = try await auth.authorization(for: request, challenge: challenge, nonceCount: 1)
        #expect(header.hasPrefix("Digest "))
        return (AuthParameters.parse(header.dropFirst(7)) ?? [:])
    }

    @Test func digestMD5MatchesRFC7616() async throws {
        let fields = try await rfcAuthorization(algorithm: "MD5")
        #expect(fields["response"] == "8ca523f5e9506fed4657c9700eebdbec")
        #expect(fields["nc"] == "00000001")
        #expect(fields["qop"] == "auth")
        #expect(fields["uri"] == "/dir/index.html")
        #expect(fields["opaque"] == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
    }

    @Test func digestSHA256MatchesRFC7616() async throws {
        let fields = try await rfcAuthorization(algorithm: "SHA-256")
        #expect(fields["response"] == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        #expect(fields["algorithm"] == "SHA-256")
    }

    @Test func digestSHA512AndAuthInt() async throws {
        let auth = DigestAuth(username: "u", password: "p", cnonce: { "c" })
        let challenge = try #require(DigestAuth.parseChallenge(#"Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-512"#))
        let request = try Request(.post, url: "http://h.test/x?y=1", body: .text("body"))
        let fields = (AuthParameters.parse(try await auth.authorization(for: request, challenge: challenge, nonceCount: 2).dropFirst(7)) ?? [:])
        func h(_ s: String) -> String { DigestAlgorithm.sha512.hexDigest(s) }
        let ha1 = h("u:r:p")
        let ha2 = h("POST:/x?y=1:" + h("body"))
        #expect(fields["response"] == h("\(ha1):n:00000002:c:auth-int:\(ha2)"))
        #expect(fields["qop"] == "auth-int")
        #expect(fields["uri"] == "/x?y=1")
    }

    /// A digest server in a closure: challenges, checks the answer, and reports the nonce stale once
    /// when `staleOnce` is set.
    func digestServer(seen: Recorder<Request>, staleOnce: Bool = false) -> MockTransport {
        let nonces = Recorder<String>()
        return recordingMock(seen) { request, _ in
            let challenge = { (stale: Bool) -> Response in
                let nonce = "nonce\(nonces.count)"
                nonces.append(nonce)
                return Response(statusCode: 401, headers: ["WWW-Authenticate": #"Digest realm="r", nonce="\#(nonce)", qop="auth", algorithm=MD5\#(stale ? ", stale=true" : "")"#])
            }
            guard let header = request.headers["Authorization"], header.hasPrefix("Digest ") else { return challenge(false) }
            let fields = (AuthParameters.parse(header.dropFirst(7)) ?? [:])
            if staleOnce, nonces.count == 1 { return challenge(true) }
            guard fields["nonce"] == nonces.all.last else { return challenge(false) }
            func md5(_ s: String) -> String { DigestAlgorithm.md5.hexDigest(s) }
            let expected = md5("\(md5("user:r:pass")):\(fields["nonce"]!):\(fields["nc"]!):\(fields["cnonce"]!):auth:\(md5("\(request.method):\(fields["uri"]!)"))")
            return fields["response"] == expected ? Response(statusCode: 200, text: "ok " + fields["nc"]!) : Response(statusCode: 403)
        }
    }

    @Test func digestAnswersChallengeThenCountsNonces() async throws {
        let seen = Recorder<Request>()
        let session = Session(auth: .digest("user", "pass"), transport: digestServer(seen: seen))
        #expect(try await session.get("http://h.test/a").text == "ok 00000001")
        #expect(try await session.get("http://h.test/b").text == "ok 00000002")   // preemptive, counted
        #expect(seen.count == 3)
    }

    @Test func digestRetriesAStaleNonce() async throws {
        let seen = Recorder<Request>()
        let response = try await Session(transport: digestServer(seen: seen, staleOnce: true)).get("http://h.test/a", auth: .digest("user", "pass"))
        #expect(response.statusCode == 200)
        #expect(seen.count == 3)
    }

    @Test func digestWrongPasswordGivesUp() async throws {
        let seen = Recorder<Request>()
        let response = try await Session(transport: digestServer(seen: seen)).get("http://h.test/a", auth: .digest("user", "wrong"))
        #expect(response.statusCode == 403)
        #expect(seen.count == 2)
    }

    @Test func basicAndBearerHeaders() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.get("http://h.test/", auth: .basic("user", "pass"))
        _ = try await session.get("http://h.test/", auth: .bearer("tok"))
        #expect(seen.all.map { $0.headers["Authorization"] } == ["Basic dXNlcjpwYXNz", "Bearer tok"])
    }

    struct APIKey: Authenticator {
        var key: String
        func apply(to request: inout Request) async throws { request.headers["X-API-Key"] = key }
    }

    @Test func customAuthenticator() async throws {
        let seen = Recorder<Request>()
        let session = Session(auth: Auth(APIKey(key: "k1")), transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.get("http://h.test/")
        #expect(seen.all.first?.headers["X-API-Key"] == "k1")
    }
}
