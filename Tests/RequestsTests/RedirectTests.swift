import Foundation
import Testing
@testable import Requests

@Suite struct RedirectTests {
    /// A server that redirects `/start` with `status` to `/end` (or `location`), and echoes the rest.
    func redirecting(_ status: Int, location: String = "/end", seen: Recorder<Request>) -> Session {
        Session(transport: recordingMock(seen) { request, body in
            if request.url.path == "/start" { return Response(statusCode: status, headers: ["Location": location]) }
            return Response(statusCode: 200, text: "\(request.method) \(body.count)")
        })
    }

    @Test(arguments: [
        (303, Method.post, Method.get), (303, .put, .get), (303, .head, .head),
        (302, .post, .get), (302, .delete, .get), (302, .head, .head),
        (301, .post, .get), (301, .put, .put),
        (307, .post, .post), (308, .post, .post), (307, .put, .put),
    ])
    func methodRewriting(status: Int, from method: Method, to expected: Method) async throws {
        let seen = Recorder<Request>()
        let session = redirecting(status, seen: seen)
        _ = try await session.request(method, "http://h.test/start", data: "payload", allowRedirects: true)
        let hop = try #require(seen.all.last)
        #expect(hop.url.path == "/end")
        #expect(hop.method == expected)
    }

    @Test(arguments: [307, 308])
    func temporaryAndPermanentKeepBody(status: Int) async throws {
        let seen = Recorder<Request>()
        let response = try await redirecting(status, seen: seen).post("http://h.test/start", data: ["a": "1"])
        #expect(response.text == "POST 3")
        #expect(seen.all.last?.headers["Content-Type"] == "application/x-www-form-urlencoded")
    }

    @Test func rewrittenToGetDropsBodyAndItsHeaders() async throws {
        let seen = Recorder<Request>()
        let response = try await redirecting(302, seen: seen).post("http://h.test/start", data: ["a": "1"])
        #expect(response.text == "GET 0")
        #expect(seen.all.last?.headers["Content-Type"] == nil)
    }

    @Test func authorizationDroppedWhenHostChanges() async throws {
        let seen = Recorder<Request>()
        let session = redirecting(302, location: "http://other.test/end", seen: seen)
        _ = try await session.get("http://h.test/start", headers: ["Authorization": "Bearer secret"], auth: nil)
        #expect(seen.all[0].headers["Authorization"] == "Bearer secret")
        #expect(seen.all[1].url.host == "other.test")
        #expect(seen.all[1].headers["Authorization"] == nil)
    }

    @Test func authorizationKeptOnSameHostAndOnHTTPSUpgrade() async throws {
        for location in ["/end", "https://h.test/end"] {
            let seen = Recorder<Request>()
            _ = try await redirecting(302, location: location, seen: seen).get("http://h.test/start", auth: .basic("u", "p"))
            #expect(seen.all[1].headers["Authorization"] == BasicAuth(username: "u", password: "p").headerValue)
        }
    }

    @Test func sessionAuthNotSentToAnotherHost() async throws {
        let seen = Recorder<Request>()
        let session = redirecting(302, location: "http://other.test/end", seen: seen)
        session.auth = .bearer("t")
        _ = try await session.get("http://h.test/start")
        #expect(seen.all[0].headers["Authorization"] == "Bearer t")
        #expect(seen.all[1].headers["Authorization"] == nil)
    }

    @Test func relativeLocationsAreResolved() async throws {
        let chain = Recorder<Request>()
        let session = Session(transport: recordingMock(chain) { request, _ in
            switch request.url.path {
            case "/a/b/start": Response(statusCode: 302, headers: ["Location": "../end?x=1"])
            case "/a/end": Response(statusCode: 302, headers: ["Location": "//other.test/final"])
            default: Response(statusCode: 200)
            }
        })
        let response = try await session.get("http://h.test/a/b/start")
        #expect(chain.all.map(\.url.absoluteString) == ["http://h.test/a/b/start", "http://h.test/a/end?x=1", "http://other.test/final"])
        #expect(response.url.absoluteString == "http://other.test/final")
        #expect(response.history.map(\.url.absoluteString) == ["http://h.test/a/b/start", "http://h.test/a/end?x=1"])
    }

    @Test func tooManyRedirects() async throws {
        let seen = Recorder<Request>()
        let session = Session(maxRedirects: 5, transport: recordingMock(seen) { _, _ in
            Response(statusCode: 302, headers: ["Location": "/again"])
        })
        let error = await #expect(throws: TooManyRedirects.self) { try await session.get("http://h.test/loop") }
        #expect(error?.history.count == 6)
        #expect(seen.count == 6)   // the first request and five followed redirects
        #expect(error?.description.contains("http://h.test/loop") == true)
    }

    @Test func defaultMaximumIsThirty() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { request, _ in
            let n = Int(request.url.lastPathComponent) ?? 0
            return n < 30 ? Response(statusCode: 302, headers: ["Location": "/\(n + 1)"]) : Response(statusCode: 200)
        })
        let response = try await session.get("http://h.test/0")
        #expect(response.history.count == 30)
        await #expect(throws: TooManyRedirects.self) { try await session.get("http://h.test/-1") }
    }

    @Test func redirectsNotFollowedWhenDisallowedOrHead() async throws {
        let seen = Recorder<Request>()
        let session = redirecting(302, seen: seen)
        let response = try await session.get("http://h.test/start", allowRedirects: false)
        #expect(response.statusCode == 302)
        #expect(response.isRedirect)
        let head = try await session.head("http://h.test/start")
        #expect(head.statusCode == 302)
        #expect(seen.count == 2)
    }

    @Test func aTransportsOwnHistoryIsReplaced() async throws {
        let session = Session(transport: MockTransport { _ in
            var response = Response(statusCode: 200)
            response.history = [Response(statusCode: 302)]
            return response
        })
        #expect(try await session.get("http://h.test/").history.isEmpty)
        #expect(try await session.get("http://h.test/", allowRedirects: false).history.isEmpty)
    }
}
