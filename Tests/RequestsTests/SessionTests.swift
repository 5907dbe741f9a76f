import Foundation
import JSONValue
import HTTPWire
import Testing
@testable import Requests

@Suite struct SessionTests {
    func echoing(_ seen: Recorder<Request>) -> MockTransport {
        recordingMock(seen) { request, body in
            Response(statusCode: 200, headers: ["Content-Type": "application/json"],
                     json: ["method": .string(request.method.rawValue), "body": .string(String(decoding: body, as: UTF8.self))])
        }
    }

    @Test func jsonBodiesFromValuesAndEncodables() async throws {
        struct User: Codable, Sendable { var id: Int; var name: String }
        let seen = Recorder<Request>()
        let session = Session(transport: echoing(seen))
        _ = try await session.post("http://h.test/", json: ["id": 1, "name": "lee"])
        _ = try await session.put("http://h.test/", json: User(id: 2, name: "kim"))
        _ = try await session.patch("http://h.test/", json: ["stock": 5] as JSON)
        #expect(seen.all[0].bodyText == #"{"id":1,"name":"lee"}"#)
        let decoded = try JSONDecoder().decode(User.self, from: Data(seen.all[1].bodyText.utf8))
        #expect(decoded.id == 2 && decoded.name == "kim")
        #expect(seen.all[2].bodyText == #"{"stock":5}"#)
        #expect(seen.all.allSatisfy { $0.headers["Content-Type"] == "application/json" })
        #expect(seen.all.map(\.method) == [.post, .put, .patch])
    }

    @Test func repeatedAndAlternatingURLsGoWhereTheySay() async throws {
        // The same text again is answered from the session's last parse; other texts, params and a
        // bad URL in between must still be parsed (and refused) on their own.
        let seen = Recorder<Request>()
        let session = Session(transport: echoing(seen))
        let a = "http://h.test/a b"
        _ = try await session.get(a)
        _ = try await session.get(a, params: ["page": 2])
        _ = try await session.get("http://h.test/b")
        await #expect(throws: InvalidURL.self) { try await session.get("ftp://h.test/a b") }
        _ = try await session.get(a)
        _ = try await session.get(" http://h.test/b#top")
        #expect(seen.all.map(\.url.absoluteString) == [
            "http://h.test/a%20b", "http://h.test/a%20b?page=2", "http://h.test/b", "http://h.test/a%20b", "http://h.test/b",
        ])
        #expect(try session.parsed(a) == URLBuilder.parse(a))
        // Canonically equivalent texts are still two URLs: precomposed and decomposed é.
        _ = try await session.get("http://h.test/caf\u{E9}")
        _ = try await session.get("http://h.test/cafe\u{301}")
        #expect(seen.all.suffix(2).map(\.url.absoluteString) == ["http://h.test/caf%C3%A9", "http://h.test/cafe%CC%81"])
    }

    @Test("data wins over json, as in requests; json goes when data is empty; files refuse raw data")
    func dataJSONAndFilesTogether() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: echoing(seen))
        _ = try await session.post("http://h.test/", data: ["a": "1"], json: ["b": 2])
        #expect(seen.all[0].bodyText == "a=1")
        #expect(seen.all[0].headers["Content-Type"] == "application/x-www-form-urlencoded")
        _ = try await session.post("http://h.test/", data: "", json: ["b": 2])
        #expect(seen.all[1].bodyText == #"{"b":2}"#)
        #expect(seen.all[1].headers["Content-Type"] == "application/json")
        await #expect(throws: InvalidBody.self) {
            try await session.post("http://h.test/", data: "raw", files: ["f": .text("x", filename: "f.txt")])
        }
    }

    @Test func formTextAndBytes() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: echoing(seen))
        _ = try await session.post("http://h.test/", data: ["username": "test", "password": "1 2"])
        _ = try await session.post("http://h.test/", data: "raw text")
        _ = try await session.post("http://h.test/", headers: ["Content-Type": "application/octet-stream"], data: .bytes([1, 2, 3]))
        #expect(seen.all[0].bodyText == "username=test&password=1+2")
        #expect(seen.all[0].headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(seen.all[1].bodyText == "raw text")
        #expect(seen.all[2].body.inMemoryBytes == [1, 2, 3])
        #expect(seen.all[2].headers["Content-Type"] == "application/octet-stream")
    }

    @Test func everyVerbAndAnyMethod() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: echoing(seen))
        _ = try await session.get("http://h.test/")
        _ = try await session.post("http://h.test/")
        _ = try await session.put("http://h.test/")
        _ = try await session.patch("http://h.test/")
        _ = try await session.delete("http://h.test/")
        _ = try await session.head("http://h.test/")
        _ = try await session.options("http://h.test/")
        _ = try await session.request("purge", "http://h.test/")
        #expect(seen.all.map(\.method.rawValue) == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PURGE"])
    }

    @Test func sessionStatePersistsAndCallOverrides() async throws {
        let seen = Recorder<Request>()
        let session = Session(baseURL: "http://h.test/api", transport: echoing(seen))
        session.headers["Authorization"] = "Bearer TOKEN"
        session.headers.update(["Accept": "application/json"])
        _ = try await session.get("/users")
        _ = try await session.get("products", headers: ["Accept": "text/plain"])
        #expect(seen.all.map(\.url.absoluteString) == ["http://h.test/api/users", "http://h.test/api/products"])
        #expect(seen.all.allSatisfy { $0.headers["Authorization"] == "Bearer TOKEN" })
        #expect(seen.all.map { $0.headers["Accept"] } == ["application/json", "text/plain"])
        #expect(seen.all[0].headers["User-Agent"] == "swift-requests/1.0")
        #expect(seen.all[0].headers["Accept-Encoding"] == ContentCoding.acceptEncoding())
    }

    @Test func responseHelpers() async throws {
        let session = Session(transport: MockTransport { request in
            switch request.url.path {
            case "/json": Response(statusCode: 200, json: ["n": 1, "s": "x"])
            case "/latin1": Response(statusCode: 200, headers: ["Content-Type": "text/plain; charset=ISO-8859-1"], body: [0x63, 0x61, 0x66, 0xE9])
            case "/bad": Response(statusCode: 200, text: "<html>")
            default: Response(statusCode: 404, headers: ["Content-Type": "application/json"], text: "{}")
            }
        })
        let json = try await session.get("http://h.test/json")
        #expect(try json.json()["n"]?.intValue == 1)
        struct Value: Decodable { var n: Int; var s: String }
        #expect(try json.decode(Value.self).s == "x")
        #expect(json.ok && json.reason == "OK")
        #expect(try await session.get("http://h.test/latin1").text == "café")
        let bad = try await session.get("http://h.test/bad")
        let invalid = #expect(throws: InvalidJSON.self) { try bad.json() }
        #expect(invalid?.description.contains("http://h.test/bad") == true)
        #expect(throws: InvalidJSON.self) { try bad.decode(Value.self) }
        let missing = try await session.get("http://h.test/nope")
        #expect(!missing.ok)
        let error = #expect(throws: HTTPStatusError.self) { try missing.raiseForStatus() }
        #expect(error?.response.statusCode == 404)
        #expect(error?.description == "404 Client Error: Not Found for url: http://h.test/nope")
    }

    @Test func timeoutsReachTheTransport() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.get("http://h.test/")
        _ = try await session.get("http://h.test/", timeout: 2)
        _ = try await session.get("http://h.test/", timeout: Timeout(connect: 5, read: 30))
        session.timeout = Timeout(connect: .seconds(1), read: .seconds(2), total: .seconds(3))
        _ = try await session.get("http://h.test/")
        #expect(seen.all.map(\.timeout) == [
            Timeout(connect: .seconds(10), read: .seconds(30)),
            Timeout(connect: .seconds(2), read: .seconds(2)),
            Timeout(connect: .seconds(5), read: .seconds(30)),
            Timeout(connect: .seconds(1), read: .seconds(2), total: .seconds(3)),
        ])
        #expect(Timeout.default.total == nil && Timeout.default.read < .seconds(3600))
    }

    @Test func hooksSeeEveryHop() async throws {
        let session = Session(transport: MockTransport { request in
            request.url.path == "/a" ? Response(statusCode: 302, headers: ["Location": "/b"])
                : Response(statusCode: 200, text: request.headers["X-Trace"] ?? "")
        })
        let statuses = Recorder<Int>()
        session.hooks.request.append { request in request.headers["X-Trace"] = "t1" }
        session.hooks.response.append { response in statuses.append(response.statusCode) }
        let response = try await session.get("http://h.test/a")
        #expect(response.text == "t1")
        #expect(statuses.all == [302, 200])
    }

    @Test func streamingBodyAndLines() async throws {
        let session = Session(transport: MockTransport { _ in
            Response(statusCode: 200, stream: AsyncThrowingStream { continuation in
                continuation.yield(Array("first\r\nsec".utf8))
                continuation.yield(Array("ond\nthird".utf8))
                continuation.finish()
            })
        })
        let streamed = try await session.get("http://h.test/stream", stream: true)
        #expect(streamed.content.isEmpty)
        var lines: [String] = []
        for try await line in streamed.body.lines { lines.append(line) }
        #expect(lines == ["first", "second", "third"])
        let buffered = try await session.get("http://h.test/stream")
        #expect(buffered.text == "first\r\nsecond\nthird")
    }

    @Test func totalTimeoutCoversTheWholeCall() async throws {
        let session = Session(transport: MockTransport { _ in
            try await Task.sleep(for: .seconds(30))
            return Response(statusCode: 200)
        })
        let error = await #expect(throws: TotalTimeout.self) {
            try await session.get("http://h.test/slow", timeout: Timeout(total: .milliseconds(200)))
        }
        #expect(error?.kind == .total)
        do {
            _ = try await session.get("http://h.test/slow", timeout: Timeout(total: .milliseconds(100)))
        } catch is TimeoutError {
            // caught broadly as a timeout
        }
    }

    @Test func errorKindsCatchBroadlyAndNarrowly() {
        let connectTimeout: any Error = ConnectTimeout(url: "http://h.test/", timeout: .seconds(1))
        #expect(connectTimeout is any ConnectionError)
        #expect(connectTimeout is any TimeoutError)
        #expect(connectTimeout is any RequestError)
        let read: any Error = ReadTimeout(url: "http://h.test/", timeout: .seconds(1))
        #expect(!(read is any ConnectionError))
        #expect(read is any TimeoutError)
        let closed: any Error = ConnectionClosed(url: "http://h.test/")
        #expect(closed is any ConnectionError)
        #expect(String(describing: connectTimeout).contains("http://h.test/"))
    }

    @Test func gatherKeepsOrderAndErrors() async throws {
        let session = Session(transport: MockTransport { request in
            let id = Int(request.url.lastPathComponent)!
            try await Task.sleep(for: .milliseconds(5 * (10 - id)))
            if id == 3 { throw ConnectFailed(url: request.url.absoluteString, underlying: "refused") }
            return Response(statusCode: 200, text: "user \(id)")
        })
        let results = await session.gather((1...9).map { "http://h.test/users/\($0)" }, maxConcurrency: 4)
        #expect(results.count == 9)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let response): #expect(response.text == "user \(index + 1)")
            case .failure(let error): #expect(index == 2 && error is ConnectFailed)
            }
        }
    }

    @Test func preparedRequestsGoThroughThePipeline() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { request, _ in
            request.url.path == "/a" ? Response(statusCode: 302, headers: ["Location": "/b", "Set-Cookie": "c=1"]) : Response(statusCode: 200, text: request.url.path)
        })
        session.headers["X-Session"] = "not added to prepared requests"
        let request = try Request(.get, url: "http://h.test/a", headers: ["X-Mine": "1"])
        let response = try await session.send(request)
        #expect(response.text == "/b")
        #expect(seen.all.last?.headers["Cookie"] == "c=1")
        #expect(seen.all.allSatisfy { $0.headers["X-Mine"] == "1" && $0.headers["X-Session"] == nil })
        let results = await session.gather(try ["/x", "/y"].map { try Request(.get, url: "http://h.test" + $0) })
        #expect(try results.map { try $0.get().text } == ["/x", "/y"])
    }

    @Test func bodyByteByByte() async throws {
        let session = Session(transport: MockTransport { _ in
            Response(statusCode: 200, stream: AsyncThrowingStream { continuation in
                continuation.yield([1, 2])
                continuation.yield([])
                continuation.yield([3])
                continuation.finish()
            })
        })
        var bytes: [UInt8] = []
        for try await byte in try await session.get("http://h.test/", stream: true).body.bytes { bytes.append(byte) }
        #expect(bytes == [1, 2, 3])
    }

    @Test func sharedBetweenManyTasks() async throws {
        let session = Session(transport: MockTransport { request in
            Response(statusCode: 200, headers: ["Set-Cookie": "last=\(request.url.lastPathComponent)"], text: request.url.lastPathComponent)
        })
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<200 { group.addTask { try await session.get("http://h.test/\(i)").text } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(texts.count == 200)
        #expect(session.cookies.count == 1)
    }

    @Test func closedSessionRefusesAndScopedSessionCloses() async throws {
        let session = Session(transport: MockTransport { _ in Response(statusCode: 200) })
        try await session.close()
        await #expect(throws: SessionClosed.self) { try await session.get("http://h.test/") }
        let status = try await Session.with(transport: MockTransport { _ in Response(statusCode: 204) }) { s in
            try await s.get("http://h.test/").statusCode
        }
        #expect(status == 204)
    }

    @Test func sessionWithoutCloseDoesNotCrash() async throws {
        // AsyncHTTPClient asserts when an HTTPClient is released without shutdown; our transport shuts down
        // in deinit. Make it create a client (the connection is refused, no server on port 1).
        do {
            let session = Session(timeout: Timeout(connect: .seconds(1), read: .seconds(1)))
            _ = try? await session.get("http://127.0.0.1:1/")
        }
        try await Task.sleep(for: .milliseconds(50))
    }

    @Test func invalidURLsThrowBeforeSending() async throws {
        let session = Session(transport: MockTransport { _ in Response(statusCode: 200) })
        let error = await #expect(throws: InvalidURL.self) { try await session.get("localhost:8080/get") }
        #expect(error?.description.contains("http://") == true)
    }
}
