@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import HTTPWire
import Testing
import Synchronization
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Request journal over loopback", .serialized)
struct JournalLiveTests {
    @Test("a POST's body and headers appear, in order, in process and at /_journal; /_journal itself is not recorded")
    func postRecorded() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let posted = try connection.exchange(
            "POST", "/anything/hook?n=1",
            headers: [("Authorization", "Bearer secret"), ("X-Trace", "1"), ("x-trace", "2"), ("Content-Type", "text/plain")],
            body: Array("hello journal".utf8))
        #expect(posted.status == 200)
        let entry = try #require(server.journal?.entries().last)
        #expect(entry.method == "POST" && entry.target == "/anything/hook?n=1" && entry.client == "127.0.0.1")
        #expect(entry.body == Array("hello journal".utf8) && entry.bodySize == 13 && !entry.bodyTruncated)
        #expect(entry.headers.fields.map(\.name).filter { $0.lowercased() == "x-trace" } == ["X-Trace", "x-trace"])
        #expect(entry.headers.first("Authorization") == "Bearer secret")
        #expect(entry.status == 200 && entry.responseBytes == posted.body.count)

        let listed = try connection.exchange("GET", "/_journal?method=POST")
        #expect(listed.status == 200)
        let page = try JSON.parse(listed.body)
        #expect(page["entries"]?[0]?["body"] == "hello journal")
        #expect(page["entries"]?[0]?["headers"]?[0] == ["Authorization", "Bearer secret"] || page["entries"]?[0]?["headers"]?[1] == ["Authorization", "Bearer secret"])
        #expect(try connection.exchange("GET", "/_journal/1").status == 200)
        #expect(server.journal?.entries().allSatisfy { !$0.target.hasPrefix("/_journal") } == true)
        #expect(try connection.exchange("DELETE", "/_journal").status == 200)
        #expect(server.journal?.count == 0)
    }

    @Test("the bounds evict oldest first: 3 entries kept of 20, the rest counted as dropped")
    func bounds() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(journalSize: 3))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        for index in 1...20 { _ = try connection.exchange("GET", "/get?i=\(index)") }
        let journal = try #require(server.journal)
        #expect(journal.entries().map(\.target) == ["/get?i=18", "/get?i=19", "/get?i=20"])
        #expect(journal.dropped == 17)
        let page = try JSON.parse(try connection.exchange("GET", "/_journal").body)
        #expect(page["dropped"] == 17 && page["next"] == 20 && page["entries"]?.arrayValue?.count == 3)
    }

    @Test("a byte bound holds: a large upload is kept as its first 64 KiB, and older entries go")
    func byteBound() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(journalBytes: 100 * 1024))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        for _ in 1...3 {
            #expect(try connection.exchange("POST", "/post", headers: [("Content-Type", "application/octet-stream")],
                                            body: Array(repeating: 0x41, count: 200_000)).status == 200)
        }
        let journal = try #require(server.journal)
        let entries = journal.entries()
        #expect(entries.count == 1 && entries[0].id == 3 && entries[0].bodyTruncated && entries[0].bodySize == 200_000)
        #expect(entries[0].body.count == JournalRing.bodyLimit)
    }

    @Test("a long-poll returns as soon as a matching request arrives, and at its timeout otherwise")
    func longPoll() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let poller = try RawConnection(port: server.port)
        let start = ContinuousClock.now
        try poller.send("GET /_journal?wait=10&path=/anything/hook HTTP/1.1\r\nHost: x\r\n\r\n")
        let sender = try RawConnection(port: server.port)
        let parked = ContinuousClock.now + .seconds(5)
        while server.suspendedRequests < 1 && ContinuousClock.now < parked { usleep(1_000) }
        #expect(server.suspendedRequests == 1, "parked, holding no thread")
        _ = try sender.exchange("GET", "/get")
        _ = try sender.exchange("POST", "/anything/hook", body: Array("{}".utf8))
        let answer = try poller.readResponse(timeout: .seconds(5))
        let elapsed = ContinuousClock.now - start
        #expect(answer.status == 200)
        #expect(elapsed < .seconds(3), "answered on arrival, not at the timeout: \(elapsed)")
        #expect(try JSON.parse(answer.body)["entries"]?.arrayValue?.map { $0["target"] } == ["/anything/hook"])

        let quiet = ContinuousClock.now
        let timedOut = try poller.exchange("GET", "/_journal?wait=0.5&path=/never")
        #expect(ContinuousClock.now - quiet >= .milliseconds(450))
        #expect(try JSON.parse(timedOut.body)["entries"] == [])
        #expect(server.suspendedRequests == 0)
    }

    @Test("stopping closes a parked long-poll without an answer, at once")
    func stopWhileWaiting() throws {
        let server = try HTTPBunServer.start()
        let poller = try RawConnection(port: server.port)
        try poller.send("GET /_journal?wait=30 HTTP/1.1\r\nHost: x\r\n\r\n")
        let parked = ContinuousClock.now + .seconds(5)
        while server.suspendedRequests < 1 && ContinuousClock.now < parked { usleep(1_000) }
        let start = ContinuousClock.now
        server.stop()
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(poller.waitForClose(timeout: .seconds(2)))
        #expect(server.liveRequests == 0)
    }

    @Test("newEntries yields the requests as they are answered, and ends when the server stops")
    func asyncSequence() async throws {
        let server = try HTTPBunServer.start()
        let journal = try #require(server.journal)
        let stream = journal.newEntries(matching: JournalFilter(method: "POST"))
        let port = server.port
        DispatchQueue.global().async {
            guard let connection = try? RawConnection(port: port) else { return }
            for index in 1...3 {
                _ = try? connection.exchange("GET", "/get")
                _ = try? connection.exchange("POST", "/post", body: Array("\(index)".utf8))
            }
        }
        var bodies: [String] = []
        for await entry in stream {
            bodies.append(String(decoding: entry.body, as: UTF8.self))
            if bodies.count == 3 { break }
        }
        #expect(bodies == ["1", "2", "3"])
        let ending = journal.newEntries()
        server.stop()
        for await _ in ending { Issue.record("no entry after the stop") }
    }

    @Test("--journal-size 0 turns it off: no journal, and /_journal says how to turn it on")
    func off() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(journalSize: 0))
        defer { server.stop() }
        #expect(server.journal == nil)
        let answer = try RawConnection(port: server.port).exchange("GET", "/_journal")
        #expect(answer.status == 404)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("--journal-size"))
    }
}

