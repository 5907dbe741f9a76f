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
        let body = Array("not really brotli".utf8)
        for encoding in ["br", "identity", "gzip, br"] {
            let server = try Self.canned(encoding, body)
            #expect(try await Requests.get(server.base + "/x").content == body, "\(encoding)")
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
        let server = try Self.canned("gzip", [])
        #expect(try await Requests.get(server.base + "/empty").content == [])
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

