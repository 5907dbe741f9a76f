@testable import HTTPBunCore
import JSONValue
import Testing

/// The chunks of a streamed body; fails the test when the body is not a stream.
func streamChunks(_ response: Response) -> [TimedStream.Chunk] {
    guard case .stream(let stream) = response.body else {
        Issue.record("expected a streamed body, got \(response.body)")
        return []
    }
    return stream.chunks
}

/// Whether the body is sent with a Content-Length (plain bytes).
func isPlainBody(_ response: Response) -> Bool {
    if case .bytes = response.body { return true }
    return false
}

@Suite("/bytes and /stream-bytes")
struct ByteTests {
    @Test("n seeded bytes, reproducible, as octet-stream")
    func seeded() throws {
        let response = respond("GET", "/bytes/16?seed=1")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        #expect(isPlainBody(response))
        var generator = SeededRandom(seed: 1)
        #expect(response.bodyBytes == generator.bytes(16))
        #expect(respond("GET", "/bytes/16?seed=1").bodyBytes == response.bodyBytes)
        #expect(respond("GET", "/bytes/16?seed=2").bodyBytes != response.bodyBytes)
        #expect(respond("GET", "/bytes/16?seed=-1").bodyBytes == { var g = SeededRandom(seed: UInt64.max); return g.bytes(16) }())
        #expect(respond("GET", "/bytes/0").bodyBytes.isEmpty)
        #expect(respond("GET", "/bytes/0").status == 200)
        #expect(respond("GET", "/bytes/1000").bodyBytes.count == 1000)
    }

    @Test("without a seed, different bytes each time")
    func unseeded() {
        #expect(respond("GET", "/bytes/32").bodyBytes != respond("GET", "/bytes/32").bodyBytes)
    }

    @Test("absurd sizes and seeds are 400: httpbun's text on /bytes, a JSON hint on /stream-bytes")
    func invalid() throws {
        let configuration = ServerConfiguration(maxBodySize: 1000)
        for path in ["/bytes/-1", "/bytes/1e308", "/bytes/99999999999999999999", "/bytes/abc", "/bytes/1.5", "/bytes/+5",
                     "/bytes/%20", "/bytes/1001", "/bytes/4?seed=abc", "/bytes/4?seed=", "/bytes"] {
            let response = respond("GET", path, configuration: configuration)
            #expect(response.status == 400, "\(path)")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(path)")
            #expect(!response.bodyText.isEmpty, "\(path)")
        }
        for path in ["/stream-bytes/-1", "/stream-bytes/1001", "/stream-bytes/10?chunk_size=0", "/stream-bytes/10?chunk_size=-3",
                     "/stream-bytes/10?chunk_size=x", "/stream-bytes/10?seed=1.5"] {
            let response = respond("GET", path, configuration: configuration)
            #expect(response.status == 400, "\(path)")
            #expect(response.headers["Content-Type"] == "application/json", "\(path)")
            #expect(try response.json["error"]?.stringValue?.isEmpty == false, "\(path)")
        }
        #expect(respond("GET", "/bytes/1001", configuration: configuration).bodyText == "Size can't be greater than 1000")
        #expect(respond("GET", "/bytes/abc").bodyText == "Invalid size: abc")
        #expect(respond("GET", "/bytes/4?seed=abc").bodyText == "invalid seed \"abc\": use a whole number such as 42")
        #expect(try respond("GET", "/stream-bytes/4?chunk_size=0").json
            == ["error": "chunk_size 0 is out of range: use a whole number from 1"])
        #expect(respond("GET", "/bytes/1000", configuration: configuration).status == 200)
        #expect(respond("POST", "/bytes/10").status == 200, "httpbun's routes take any method")
    }

    @Test("/stream-bytes: the /bytes bytes, in chunk_size pieces")
    func stream() {
        let response = respond("GET", "/stream-bytes/25?seed=7&chunk_size=10")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        let chunks = streamChunks(response)
        #expect(chunks.map(\.bytes.count) == [10, 10, 5])
        #expect(chunks.allSatisfy { $0.pause == .zero })
        #expect(response.bodyBytes == respond("GET", "/bytes/25?seed=7").bodyBytes)
        #expect(streamChunks(respond("GET", "/stream-bytes/30000?seed=1")).map(\.bytes.count) == [10240, 10240, 9520], "default chunk size")
        #expect(streamChunks(respond("GET", "/stream-bytes/0")).isEmpty)
    }

    @Test("/stream-bytes never makes more than 10,000 chunks")
    func chunkCap() {
        let chunks = streamChunks(respond("GET", "/stream-bytes/100000?seed=1&chunk_size=1"))
        #expect(chunks.count == 10_000)
        #expect(chunks.allSatisfy { $0.bytes.count == 10 })
        let uneven = ByteRoutes.split(Array(repeating: 0, count: 100_001), chunkSize: 1)
        #expect(uneven.count == 9_091, "chunks of 11")
        #expect(uneven.reduce(0) { $0 + $1.count } == 100_001)
    }
}

@Suite("/range")
struct RangeRouteTests {
    @Test("whole body: the alphabet repeated, Accept-Ranges and ETag")
    func full() {
        let response = respond("GET", "/range/30")
        #expect(response.status == 200)
        #expect(response.bodyText == "abcdefghijklmnopqrstuvwxyzabcd")
        #expect(response.headers["Accept-Ranges"] == "bytes")
        #expect(response.headers["ETag"] == "\"range30\"")
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        #expect(response.headers["Content-Range"] == nil)
        #expect(isPlainBody(response))
        #expect(respond("GET", "/range/0").bodyBytes.isEmpty)
        #expect(respond("GET", "/range/0").status == 200)
    }

    @Test("single, open and suffix ranges give 206 with Content-Range")
    func partial() {
        let cases: [(String, String, String)] = [
            ("bytes=10-19", "klmnopqrst", "bytes 10-19/100"),
            ("bytes=95-", "rstuv", "bytes 95-99/100"),
            ("bytes=-5", "rstuv", "bytes 95-99/100"),
            ("bytes=0-0", "a", "bytes 0-0/100"),
            ("bytes=98-1000", "uv", "bytes 98-99/100"),
            ("bytes=200-300,26-27", "ab", "bytes 26-27/100"),
        ]
        for (range, body, contentRange) in cases {
            let response = respond("GET", "/range/100", headers: ["Host": "x", "Range": range])
            #expect(response.status == 206, "\(range)")
            #expect(response.bodyText == body, "\(range)")
            #expect(response.headers["Content-Range"] == contentRange, "\(range)")
            #expect(response.headers["Accept-Ranges"] == "bytes")
            #expect(response.headers["ETag"] == "\"range100\"")
        }
    }

    @Test("unsatisfiable is 416 with bytes */n; malformed is ignored")
    func unsatisfiable() throws {
        let response = respond("GET", "/range/100", headers: ["Host": "x", "Range": "bytes=100-"])
        #expect(response.status == 416)
        #expect(response.headers["Content-Range"] == "bytes */100")
        #expect(response.headers["Accept-Ranges"] == "bytes")
        #expect(try response.json == ["error": "range bytes=100- is not satisfiable: /range/100 has 100 bytes, numbered 0 to 99"])
        for malformed in ["bytes=5-2", "bytes=abc", "pages=1-2", "bytes="] {
            let ignored = respond("GET", "/range/10", headers: ["Host": "x", "Range": malformed])
            #expect(ignored.status == 200, "\(malformed)")
            #expect(ignored.bodyText == "abcdefghij", "\(malformed)")
        }
    }

    @Test("sizes past 100 KiB or --max-body-size, and bad parameters, are 400")
    func invalid() throws {
        for path in ["/range/102401", "/range/-1", "/range/abc", "/range/1e3", "/range/99999999999999999999",
                     "/range/10?duration=-1", "/range/10?duration=61", "/range/10?chunk_size=0"] {
            let response = respond("GET", path)
            #expect(response.status == 400, "\(path)")
            #expect(try response.json["error"] != nil)
        }
        #expect(try respond("GET", "/range/102401").json == ["error": "size 102401 is larger than the /range limit (httpbin's) of 102400 bytes"])
        #expect(try respond("GET", "/range/50", configuration: ServerConfiguration(maxBodySize: 40)).json
            == ["error": "size 50 is larger than the server's maximum (--max-body-size) of 40 bytes"])
        #expect(respond("GET", "/range/102400").bodyBytes.count == 102_400)
        #expect(respond("GET", "/range/50", configuration: ServerConfiguration(maxBodySize: 40)).status == 400)
    }

    @Test("chunk_size and duration stream the selected bytes over the duration")
    func streamed() {
        let response = respond("GET", "/range/100?chunk_size=30&duration=1", headers: ["Host": "x", "Range": "bytes=10-69"])
        #expect(response.status == 206)
        let chunks = streamChunks(response)
        #expect(chunks.map(\.bytes.count) == [30, 30, 0])
        #expect(chunks.map(\.pause) == [.zero, .milliseconds(500), .milliseconds(500)])
        #expect(response.bodyText == String(decoding: Array("abcdefghijklmnopqrstuvwxyz".utf8) + Array("abcdefghijklmnopqrstuvwxyz".utf8) + Array("abcdefghijklmnopqrstuvwxyz".utf8), as: UTF8.self).dropFirst(10).prefix(60).description)
        let unpaced = streamChunks(respond("GET", "/range/25?chunk_size=10"))
        #expect(unpaced.map(\.bytes.count) == [10, 10, 5, 0])
        #expect(unpaced.allSatisfy { $0.pause == .zero })
    }
}
