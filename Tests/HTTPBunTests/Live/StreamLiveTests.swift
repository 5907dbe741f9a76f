@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import Testing
import HTTPCompression

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Streams, drips and encodings over loopback")
struct StreamLiveTests {
    @Test("/stream-bytes is chunked and reassembles to /bytes with the same seed")
    func streamBytes() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let streamed = try connection.exchange("GET", "/stream-bytes/50000?seed=9&chunk_size=4096")
        #expect(streamed.status == 200)
        #expect(streamed.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        #expect(streamed.headers["Content-Length"] == nil)
        let plain = try connection.exchange("GET", "/bytes/50000?seed=9")
        #expect(plain.headers["Content-Length"] == "50000")
        #expect(streamed.body.count == 50000)
        #expect(streamed.body == plain.body)
    }

    @Test("/drip?duration=1&numbytes=5 takes its second and sends 5 bytes")
    func drip() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let start = ContinuousClock.now
        let response = try RawConnection(port: server.port).exchange("GET", "/drip?duration=1&numbytes=5&delay=0")
        let elapsed = ContinuousClock.now - start
        #expect(response.status == 200)
        #expect(response.text == "*****")
        #expect(response.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        #expect(elapsed >= .milliseconds(800), "took \(elapsed)")
        #expect(elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test("the first drip byte arrives before the last is due")
    func dripArrivesProgressively() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let start = ContinuousClock.now
        try connection.send("GET /drip?duration=2&numbytes=2&delay=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 1500) == 1, "head and first byte within 1.5 s of a 2 s drip")
        #expect(ContinuousClock.now - start < .milliseconds(1500))
        let response = try connection.readResponse()
        #expect(response.text == "**")
        #expect(ContinuousClock.now - start >= .milliseconds(1800))
    }

    @Test("20 concurrent drips on one server thread overlap: none holds the thread")
    func concurrentDrips() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(threads: 1))
        defer { server.stop() }
        let start = ContinuousClock.now
        let connections = try (0..<20).map { _ in try RawConnection(port: server.port) }
        for connection in connections {
            try connection.send("GET /drip?duration=1&numbytes=10&delay=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        for connection in connections {
            let response = try connection.readResponse(timeout: .seconds(5))
            #expect(response.status == 200)
            #expect(response.text == "**********")
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(900), "each dripped for its second (took \(elapsed))")
        #expect(elapsed < .seconds(2), "drips overlap (took \(elapsed))")
    }

    @Test("/gzip inflates to the echo object with gzipped: true")
    func gzip() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let response = try RawConnection(port: server.port).exchange("GET", "/gzip", headers: [("Accept-Encoding", "gzip")])
        #expect(response.status == 200)
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers["Content-Length"] == String(response.body.count))
        let json = try JSON.parse(try #require(Compression.decompress(response.body, format: .gzip)))
        #expect(json["gzipped"] == true)
        #expect(json["headers"]?["Accept-Encoding"] == "gzip")
    }

    @Test("/range/100 with Range: bytes=10-19 is 206 klmnopqrst")
    func range() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let response = try connection.exchange("GET", "/range/100", headers: [("Range", "bytes=10-19")])
        #expect(response.status == 206)
        #expect(response.text == "klmnopqrst")
        #expect(response.headers["Content-Range"] == "bytes 10-19/100")
        #expect(response.headers["Content-Length"] == "10")
        let unsatisfiable = try connection.exchange("GET", "/range/100", headers: [("Range", "bytes=500-")])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.headers["Content-Range"] == "bytes */100")
    }

    @Test("/sse sends its events as they come due")
    func sse() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let start = ContinuousClock.now
        // httpbun's delays are whole seconds, and it pauses after the last event too: 2 seconds.
        let response = try RawConnection(port: server.port).exchange("GET", "/sse?count=2&delay=1")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        #expect(response.text == "event: ping\nid: 1\ndata: a ping event\n\nevent: ping\nid: 2\ndata: a ping event\n\n")
        #expect(ContinuousClock.now - start >= .milliseconds(1900))
    }

    @Test("/stream/3 arrives as three chunked JSON lines")
    func lines() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let response = try RawConnection(port: server.port).exchange("GET", "/stream/3?q=1")
        #expect(response.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        #expect(response.headers["Content-Type"] == "application/x-ndjson")
        let lines = response.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty, "three newline-terminated lines")
        for (index, line) in lines.prefix(3).enumerated() {
            let json = try JSON.parse(String(line))
            #expect(json["id"] == JSON(index))
            #expect(json["args"] == ["q": "1"])
        }
    }

    @Test("HEAD on a drip answers the head at once and keeps the connection usable")
    func headOnDrip() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let start = ContinuousClock.now
        let head = try connection.exchange("HEAD", "/drip?duration=2&numbytes=4&delay=0")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Type"] == "text/octet-stream")
        #expect(ContinuousClock.now - start < .seconds(1))
        // libmicrohttpd 0.9.75 writes the chunked terminator after a HEAD answer whose body is
        // chunked; the next answer on the connection must still start clean.
        let next = try connection.exchange("GET", "/range/3")
        #expect(next.text == "abc")
    }
}
