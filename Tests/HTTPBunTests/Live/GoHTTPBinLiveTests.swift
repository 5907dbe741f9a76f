@testable import HTTPBun
@testable import HTTPBunCore
import HTTPCompression
import JSONValue
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("go-httpbin's /upload, /trailers, /jsonl and /zstd over loopback")
struct GoHTTPBinLiveTests {
    @Test("/upload counts a body 64 times the body limit and keeps none of it (Content-Length and chunked)")
    func uploadDiscards() throws {
        // With a 1 KiB body limit, any body the server kept would be refused with 413.
        let server = try HTTPBunServer.start(ServerConfiguration(maxBodySize: 1024))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let size = 64 * 1024
        let sized = try connection.exchange(
            "POST", "/upload?a=1", headers: [("Content-Type", "application/octet-stream")], body: [UInt8](repeating: 7, count: size))
        #expect(sized.status == 200)
        let json = try JSON.parse(sized.body)
        #expect(json["bytes_received"] == .number(String(size)))
        #expect(json["method"] == "POST")
        #expect((json["receive_seconds"]?.doubleValue ?? -1) >= 0)
        // Chunked, on the same connection: 40 chunks of 4 KiB.
        let chunk = [UInt8](repeating: 1, count: 4096)
        var body = Array("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<40 { body += Array("1000\r\n".utf8) + chunk + Array("\r\n".utf8) }
        body += Array("0\r\n\r\n".utf8)
        try connection.send(body)
        let chunked = try connection.readResponse()
        #expect(chunked.status == 200)
        #expect(try JSON.parse(chunked.body)["bytes_received"] == .number(String(40 * 4096)))
        // Any other route still holds its body to --max-body-size.
        #expect(try RawConnection(port: server.port).exchange("POST", "/post", body: [UInt8](repeating: 1, count: 2048)).status == 413)
    }

    @Test("/upload past --max-upload-size is a 413 naming that flag, and the connection closes")
    func uploadLimit() throws {
        var configuration = ServerConfiguration()
        configuration.maxUploadSize = 10_000
        let server = try HTTPBunServer.start(configuration)
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let refused = try connection.exchange("POST", "/upload", body: [UInt8](repeating: 0, count: 10_001))
        #expect(refused.status == 413)
        #expect(refused.text.contains("--max-upload-size"))
        #expect(connection.waitForClose())
        let fits = try RawConnection(port: server.port).exchange("PATCH", "/upload", body: [UInt8](repeating: 0, count: 10_000))
        #expect(fits.status == 200)
    }

    @Test("/upload under a path prefix discards too")
    func uploadUnderPrefix() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(pathPrefix: "/api", maxBodySize: 16))
        defer { server.stop() }
        let response = try RawConnection(port: server.port).exchange("POST", "/api/upload", body: [UInt8](repeating: 0, count: 1000))
        #expect(response.status == 200)
        #expect(try JSON.parse(response.body)["bytes_received"] == 1000)
    }

    @Test("/trailers sends its fields in the chunked body's trailer section, announced in Trailer")
    func trailers() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let response = try connection.exchange("GET", "/trailers?x-checksum=abc&X-Count=1&X-Count=2")
        #expect(response.status == 200)
        #expect(response.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        #expect(response.headers.values(for: "Trailer") == ["X-Checksum", "X-Count"])
        #expect(response.trailers["X-Checksum"] == "abc")
        #expect(response.trailers["X-Count"] == "2")
        #expect(try JSON.parse(response.body)["method"] == "GET")
        // The connection stays usable after the trailer section.
        #expect(try connection.exchange("GET", "/get").status == 200)
    }

    @Test("/jsonl lines arrive one by one over the duration")
    func jsonlPaced() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let start = ContinuousClock.now
        let response = try RawConnection(port: server.port).exchange("GET", "/jsonl?count=3&duration=400ms")
        let elapsed = ContinuousClock.now - start
        #expect(response.status == 200)
        #expect(response.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        let lines = response.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(try lines.enumerated().allSatisfy { index, line in try JSON.parse(String(line))["id"] == .number(String(index)) })
        #expect(elapsed >= .milliseconds(380), "took \(elapsed)")
        #expect(elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test("/zstd is a zstd frame of the echo, flagged zstd")
    func zstd() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let response = try RawConnection(port: server.port).exchange("GET", "/zstd?a=1")
        guard Zstd.isAvailable else {
            #expect(response.status == 501)
            return
        }
        #expect(response.status == 200)
        #expect(response.headers["Content-Encoding"] == "zstd")
        let plain = try #require(Zstd.decompress(response.body))
        let json = try JSON.parse(plain)
        #expect(json["zstd"] == true)
        #expect(json["args"]?["a"] == "1")
    }
}

@Suite("--flavor httpbin's timed streams over loopback")
struct HTTPBinTimedStreamLiveTests {
    @Test("/drip and /range?duration= announce a Content-Length and still take their time, as httpbin's do")
    func announcedLength() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(flavor: .httpbin))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let start = ContinuousClock.now
        let drip = try connection.exchange("GET", "/drip?numbytes=4&duration=0.6")
        #expect(drip.headers["Content-Length"] == "4")
        #expect(drip.headers["Transfer-Encoding"] == nil)
        #expect(drip.text == "****")
        #expect(ContinuousClock.now - start >= .milliseconds(400), "three pauses of 0.15 s")
        let range = try connection.exchange("GET", "/range/30?duration=0.2&chunk_size=10", headers: [("Range", "bytes=5-14")])
        #expect(range.status == 206)
        #expect(range.headers["Content-Length"] == "10")
        #expect(range.text == "fghijklmno")
        #expect(try connection.exchange("GET", "/get").status == 200, "the connection is reused after them")
    }
}
