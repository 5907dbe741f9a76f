import Foundation
import JSONValue
import Testing
import HTTPCompression
@testable import Requests

/// `Content-Encoding` decoding, which this library does itself (AsyncHTTPClient's decompressor is off).
@Suite struct ContentDecodingTests {
    /// Text with structure, so that deflate has something to do, and lines to split.
    static let text: [UInt8] = Array((0..<400).map { "line \($0): the quick brown fox\n" }.joined().utf8)

    static func canned(_ encoding: String, _ body: [UInt8]) throws -> CannedServer {
        try CannedServer { _ in
            .reply(CannedServer.response("200 OK", headers: ["Content-Encoding: \(encoding)", "Content-Type: text/plain"], body: body))
        }
    }

    /// The body in chunks of `size` bytes, as a stream.
    static func chunked(_ bytes: [UInt8], size: Int) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            var index = 0
            while index < bytes.count {
                continuation.yield(Array(bytes[index..<min(index + size, bytes.count)]))
                index += size
            }
            continuation.finish()
        }
    }

    @Test func gzipFromTheServerIsDecodedAndItsHeadersStayAsSent() async throws {
        let session = Session()
        let response = try await session.get(E2E.base + "/gzip")
        #expect(try response.json()["gzipped"] == true)
        // As requests shows them: the headers describe what was on the wire, not the decoded body.
        #expect(response.headers["Content-Encoding"] == "gzip")
        let raw = try await Session(transport: AsyncHTTPClientTransport(decompress: false)).get(E2E.base + "/gzip")
        #expect(response.headers["Content-Length"] == String(raw.content.count))
        #expect(raw.content.count != response.content.count)
        try await session.close()
    }

    @Test func deflateFromTheServerIsDecoded() async throws {
        let response = try await Requests.get(E2E.base + "/deflate")
        #expect(try response.json()["deflated"] == true)
        #expect(response.headers["Content-Encoding"] == "deflate")
    }

    @Test(arguments: [("gzip", Compression.Format.gzip), ("x-gzip", .gzip), ("deflate", .zlib), ("deflate", .raw), ("DEFLATE", .raw)])
    func eachCodingIsDecoded(encoding: String, format: Compression.Format) async throws {
        let server = try Self.canned(encoding, Compression.compress(Self.text, format: format))
        let response = try await Requests.get(server.base + "/x")
        #expect(response.content == Self.text)
        #expect(response.headers["Content-Encoding"] == encoding)
    }

    @Test func decompressFalseKeepsTheBytesAsSent() async throws {
        let packed = Compression.compress(Self.text, format: .gzip)
        let server = try Self.canned("gzip", packed)
        let session = Session(transport: AsyncHTTPClientTransport(decompress: false))
        #expect(try await session.get(server.base + "/x").content == packed)
        let streamed = try await session.get(server.base + "/x", stream: true)
        var joined: [UInt8] = []
        for try await chunk in streamed.body { joined += chunk }
        #expect(joined == packed)
        try await session.close()
    }

    @Test func encodingsNotDecodedHereArriveAsSent() async throws {
        let body = Array("not really compressed".utf8)
        for encoding in ["compress", "identity", "gzip, x-unknown", "exi"] {
            let server = try Self.canned(encoding, body)
            #expect(try await Requests.get(server.base + "/x").content == body, "\(encoding)")
        }
    }

    /// `text` packed by `coding`'s steps in order, as a server stacking them would send it.
    static func packed(_ text: [UInt8], _ coding: ContentCoding) throws -> [UInt8] {
        try coding.steps.reduce(text) { bytes, step in
            switch step {
            case .gzip: Compression.compress(bytes, format: .gzip)
            case .deflate: Compression.compress(bytes, format: .zlib)
            case .br: try #require(Brotli.compress(bytes))
            case .zstd: try #require(Zstd.compress(bytes))
            }
        }
    }

    /// brotli and zstd are decoded on this machine: the tests below would pass vacuously otherwise.
    @Test func brotliAndZstdAreAvailableAndOffered() async throws {
        #expect(Brotli.canDecompress && Zstd.canDecompress, "libbrotlidec and libzstd should be installed here")
        let echo = try await Requests.get(E2E.base + "/headers").json()
        // What urllib3 (requests) and httpx send with brotli and zstandard installed.
        #expect(echo["headers"]?["Accept-Encoding"]?.stringValue == "gzip, deflate, br, zstd")
    }

    @Test func withoutTheirLibrariesBrAndZstdAreNeitherOfferedNorDecoded() {
        let onlyZlib: (ContentCoding.Step) -> Bool = { $0 == .gzip || $0 == .deflate }
        #expect(ContentCoding.acceptEncoding(decodable: onlyZlib) == "gzip, deflate")
        #expect(ContentCoding.acceptEncoding(decodable: { $0 != .zstd }) == "gzip, deflate, br")
        // As requests without brotli: the body is handed over as sent, not a decoding error.
        for header in ["br", "zstd", "gzip, br", "ZSTD"] {
            #expect(ContentCoding(header: header, decodable: onlyZlib) == nil, "\(header)")
            #expect(ContentCoding(header: header) != nil, "\(header)")
        }
        #expect(ContentCoding(header: "gzip", decodable: onlyZlib) == .gzip)
        #expect(ContentCoding(header: " Br ,identity, gzip")?.steps == [.br, .gzip])
    }

    @Test func brotliAndZstdFromTheServerAreDecodedBufferedAndStreamed() async throws {
        for (path, flag) in [("/brotli", "brotli"), ("/zstd", "zstd")] {
            let response = try await Requests.get(E2E.base + path)
            #expect(try response.json()[flag] == true, "\(path)")
            #expect(response.headers["Content-Encoding"] == (flag == "brotli" ? "br" : "zstd"))
            let streamed = try await Requests.get(E2E.base + path, stream: true)
            var joined: [UInt8] = []
            for try await chunk in streamed.body { joined += chunk }
            #expect(try JSON.parse(joined)[flag] == true, "\(path) streamed")
            #expect(Array(joined) == response.content)
        }
    }

    @Test(arguments: ["gzip, br", "br, gzip", "deflate, zstd", "zstd, br", "gzip, deflate, br, zstd"])
    func stackedCodingsAreUndoneLastFirst(header: String) async throws {
        let coding = try #require(ContentCoding(header: header))
        let packed = try Self.packed(Self.text, coding)
        let server = try Self.canned(header, packed)
        let response = try await Requests.get(server.base + "/x")
        #expect(response.content == Self.text)
        #expect(response.headers["Content-Encoding"] == header)
        for size in [1, 7, 64, packed.count] {
            let body = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: size)), coding, url: nil)))
            var joined: [UInt8] = []
            for try await chunk in body { joined += chunk }
            #expect(joined == Self.text, "\(header) in chunks of \(size)")
        }
    }

    @Test func twoContentEncodingFieldsAreOneList() async throws {
        let packed = try Self.packed(Self.text, ContentCoding(steps: [.gzip, .br]))
        let server = try CannedServer { _ in
            .reply(CannedServer.response("200 OK", headers: ["Content-Encoding: gzip", "Content-Encoding: br"], body: packed))
        }
        #expect(try await Requests.get(server.base + "/x").content == Self.text)
    }

    @Test func brotliAndZstdDecodeAcrossEveryChunkBoundary() async throws {
        for coding in [ContentCoding.br, .zstd] {
            let packed = try Self.packed(Self.text, coding)
            for size in [1, 2, 3, 7, 64, packed.count - 1, packed.count] {
                let body = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: size)), coding, url: nil)))
                var joined: [UInt8] = []
                for try await chunk in body { joined += chunk }
                #expect(joined == Self.text, "\(coding.name) in chunks of \(size)")
            }
            let collected = try await ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: 5)), coding, url: nil))).collect()
            #expect(collected == Self.text)
        }
        // Two zstd frames one after the other are one body, as two gzip members are.
        let one = try #require(Zstd.compress(Array("one ".utf8))), two = try #require(Zstd.compress(Array("two".utf8)))
        let frames = one + two
        let server = try Self.canned("zstd", frames)
        #expect(try await Requests.get(server.base + "/frames").text == "one two")
    }

    @Test func brotliAndZstdBombsComeOutInBoundedPieces() async throws {
        for coding in [ContentCoding.br, .zstd] {
            let packed = try Self.packed([UInt8](repeating: 0, count: 8 << 20), coding)
            #expect(packed.count < 16 * 1024)
            let body = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: packed.count)), coding, url: nil)))
            var (total, largest) = (0, 0)
            for try await chunk in body {
                total += chunk.count
                largest = max(largest, chunk.count)
            }
            #expect(total == 8 << 20, "\(coding.name)")
            #expect(largest <= ResponseBody.BodyDecoder.piece)
        }
    }

    /// (Not a flipped byte: neither brotli nor zstd at its default level carries a checksum, so some
    /// damage decodes to other bytes without an error, in requests as here.)
    @Test func truncatedOrUncompressedBrotliAndZstdAreContentDecodingErrors() async throws {
        for coding in [ContentCoding.br, .zstd, ContentCoding(steps: [.gzip, .br])] {
            let packed = try Self.packed(Self.text, coding)
            for (body, what) in [(Array(packed.dropLast(packed.count / 3)), "truncated"), (Array("plain text".utf8), "not compressed")] {
                let server = try Self.canned(coding.name, body)
                let error = await #expect(throws: ContentDecodingError.self, "\(coding.name) \(what)") {
                    try await Requests.get(server.base + "/bad")
                }
                #expect(error?.encoding == coding.name)
                let streamed = try await Requests.get(server.base + "/bad", stream: true)
                await #expect(throws: ContentDecodingError.self, "\(coding.name) \(what), streamed") { for try await _ in streamed.body {} }
            }
        }
    }

    @Test func streamedBodiesDecodeAcrossEveryChunkBoundary() async throws {
        for format in [Compression.Format.gzip, .zlib, .raw] {
            let packed = Compression.compress(Self.text, format: format)
            let coding: ContentCoding = format == .gzip ? .gzip : .deflate
            // 1 byte splits the gzip header, the zlib header (before the raw/zlib choice) and the trailer.
            for size in [1, 2, 3, 7, 10, 11, 64, packed.count - 1, packed.count] {
                let body = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: size)), coding, url: nil)))
                var joined: [UInt8] = []
                for try await chunk in body { joined += chunk }
                #expect(joined == Self.text, "\(format) in chunks of \(size)")
            }
            let lines = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: 5)), coding, url: nil))).lines
            var count = 0
            for try await line in lines {
                #expect(line == "line \(count): the quick brown fox")
                count += 1
            }
            #expect(count == 400)
            let collected = try await ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: 3)), coding, url: nil))).collect()
            #expect(collected == Self.text)
        }
    }

    @Test func streamedOverTheNetworkInTwoParts() async throws {
        let packed = Compression.compress(Self.text, format: .gzip)
        let head = Array("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(packed.count)\r\n\r\n".utf8)
        // The first part ends one byte into the gzip header.
        let server = try CannedServer { _ in .replyInParts(head + packed.prefix(1), pause: 0.1, Array(packed.dropFirst())) }
        let response = try await Requests.get(server.base + "/x", stream: true)
        var lines = 0
        for try await _ in response.body.lines { lines += 1 }
        #expect(lines == 400)
    }

    @Test func aStreamedBombComesOutInBoundedPieces() async throws {
        let packed = Compression.compress([UInt8](repeating: 0, count: 8 << 20), format: .gzip)
        #expect(packed.count < 16 * 1024)
        let body = ResponseBody(.decoded(.init(.stream(Self.chunked(packed, size: packed.count)), .gzip, url: nil)))
        var total = 0
        var largest = 0
        for try await chunk in body {
            total += chunk.count
            largest = max(largest, chunk.count)
        }
        #expect(total == 8 << 20)
        #expect(largest <= ResponseBody.BodyDecoder.piece)
    }

    @Test func aCorruptBodyIsAContentDecodingError() async throws {
        var damaged = Compression.compress(Self.text, format: .gzip)
        damaged[20] ^= 0xff
        for body in [damaged, Array("plain text, not gzip".utf8)] {
            let server = try Self.canned("gzip", body)
            let error = await #expect(throws: ContentDecodingError.self) { try await Requests.get(server.base + "/bad") }
            #expect(error?.encoding == "gzip")
            #expect(error?.url?.hasSuffix("/bad") == true)
            #expect(error?.description.contains("decompress: false") == true)
            // Streamed, the error comes from reading.
            let streamed = try await Requests.get(server.base + "/bad", stream: true)
            await #expect(throws: ContentDecodingError.self) { for try await _ in streamed.body {} }
        }
        // Caught broadly, with InvalidJSON.
        let server = try Self.canned("deflate", Array("\u{1}\u{2}\u{3}".utf8))
        do {
            _ = try await Requests.get(server.base + "/bad")
            Issue.record("expected an error")
        } catch let error as ResponseDecodingError {
            #expect(error is ContentDecodingError)
        }
    }

    @Test func aTruncatedStreamIsAContentDecodingError() async throws {
        let packed = Compression.compress(Self.text, format: .gzip)
        let server = try Self.canned("gzip", Array(packed.dropLast(12)))
        await #expect(throws: ContentDecodingError.self) { try await Requests.get(server.base + "/cut") }
        let body = ResponseBody(.decoded(.init(.stream(Self.chunked(Array(packed.prefix(1)), size: 1)), .deflate, url: nil)))
        await #expect(throws: ContentDecodingError.self) { _ = try await body.collect() }
    }

    @Test func anEmptyBodyNamingAnEncodingIsEmpty() async throws {
        for encoding in ["gzip", "br", "zstd", "gzip, br"] {
            let server = try Self.canned(encoding, [])
            #expect(try await Requests.get(server.base + "/empty").content == [], "\(encoding)")
        }
        #expect(try await Requests.head(E2E.base + "/brotli").content == [])
        let head = try await Requests.head(E2E.base + "/gzip")
        #expect(head.content == [])
    }

    @Test func gzipMembersJoinAndTrailingGarbageIsIgnored() async throws {
        let first = Compression.compress(Array("one ".utf8), format: .gzip)
        let second = Compression.compress(Array("two".utf8), format: .gzip)
        let server = try Self.canned("gzip", first + second + Array("\u{1f}garbage".utf8))
        #expect(try await Requests.get(server.base + "/members").text == "one two")
        let zlibServer = try Self.canned("deflate", Compression.compress(Array("once".utf8), format: .zlib) + [1, 2, 3])
        #expect(try await Requests.get(zlibServer.base + "/trailing").text == "once")
    }

    @Test func inflaterGivesAtMostWhatIsAsked() throws {
        let inflater = Inflater(format: .zlib)
        inflater.feed(Compression.compress(Self.text, format: .zlib))
        var out: [UInt8] = []
        while case let piece = try inflater.inflate(upTo: 100), !piece.isEmpty {
            #expect(piece.count <= 100)
            out += piece
        }
        try inflater.finish()
        #expect(out == Self.text)
        #expect(Compression.decompress(Compression.compress(Self.text, format: .raw), format: .zlibOrRaw) == Self.text)
        #expect(Compression.decompress(Compression.compress(Self.text, format: .zlib), format: .zlibOrRaw) == Self.text)
    }

    /// A transport that answers from a closure and asks for its bodies as sent.
    struct RawMock: Transport {
        let inner: MockTransport
        var decodesContent: Bool { false }
        func send(_ request: Request) async throws -> Response { try await inner.send(request) }
    }

    @Test("decoding is the session's step: a mock's gzip answer decodes as a server's does, buffered or streamed")
    func everyTransportGetsDecoding() async throws {
        let packed = Compression.compress(Self.text, format: .gzip)
        let mock = MockTransport { _ in Response(statusCode: 200, headers: ["Content-Encoding": "gzip"], body: packed) }
        let session = Session(transport: mock)
        let buffered = try await session.get("http://mock.test/x")
        #expect(buffered.content == Self.text)
        #expect(buffered.headers["Content-Encoding"] == "gzip")
        let streamed = try await session.get("http://mock.test/x", stream: true)
        #expect(try await streamed.body.collect() == Self.text)
        var lines = 0
        for try await _ in try await session.get("http://mock.test/x", stream: true).body.lines { lines += 1 }
        #expect(lines == 400)
        // A transport that wants the bytes as sent gets them, whichever transport it is.
        let raw = try await Session(transport: RawMock(inner: mock)).get("http://mock.test/x")
        #expect(raw.content == packed)
        // A corrupt body is the same error from a mock as from the network.
        let broken = MockTransport { _ in Response(statusCode: 200, headers: ["Content-Encoding": "gzip"], body: Array("nope".utf8)) }
        await #expect(throws: ContentDecodingError.self) { try await Session(transport: broken).get("http://mock.test/x") }
    }
}

