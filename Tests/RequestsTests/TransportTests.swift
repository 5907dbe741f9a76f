#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import JSONValue
import Testing
@testable import Requests

/// A loopback server answering canned bytes, for what httpbun is not meant to do (or does not do yet):
/// it checks how AsyncHTTPClient's quirks surface through `AsyncHTTPClientTransport`.
final class CannedServer: Sendable {
    /// What to do with a connection, given the request head.
    enum Action: Sendable {
        /// Write these bytes, then close.
        case reply([UInt8])
        /// Write these bytes, wait, write more, close.
        case replyInParts([UInt8], pause: Double, [UInt8])
        /// Close without answering.
        case close
    }

    let port: Int
    private let listener: Int32

    init(_ answer: @escaping @Sendable (String) -> Action) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                Thread.detachNewThread { CannedServer.serve(connection, answer) }
            }
        }
    }

    var base: String { "http://127.0.0.1:\(port)" }

    private static func serve(_ connection: Int32, _ answer: @Sendable (String) -> Action) {
        defer { close(connection) }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            let count = read(connection, &buffer, 1)
            if count <= 0 { return }
            head.append(buffer[0])
        }
        func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { _ = send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        switch answer(String(decoding: head, as: UTF8.self)) {
        case .reply(let bytes): write(bytes)
        case .replyInParts(let first, let pause, let second):
            write(first)
            usleep(UInt32(pause * 1_000_000))
            write(second)
        case .close: break
        }
        usleep(50_000)
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    static func response(_ status: String, headers: [String] = [], body: [UInt8] = []) -> [UInt8] {
        var head = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for header in headers { head += header + "\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}

@Suite struct TransportTests {
    static let gzipBody: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 74, 175, 202, 44, 40, 72, 77, 81, 178, 82, 40, 41, 42, 77, 173, 5, 0, 1, 198, 234, 21, 17, 0, 0, 0]
    static let deflateBody: [UInt8] = [120, 156, 171, 86, 74, 73, 77, 203, 73, 44, 73, 77, 81, 178, 82, 40, 41, 42, 77, 173, 5, 0, 61, 75, 6, 144]

    @Test func gzipAndDeflateBodiesAreDecoded() async throws {
        let server = try CannedServer { head in
            head.hasPrefix("GET /gzip")
                ? .reply(CannedServer.response("200 OK", headers: ["Content-Encoding: gzip", "Content-Type: application/json"], body: Self.gzipBody))
                : .reply(CannedServer.response("200 OK", headers: ["Content-Encoding: deflate", "Content-Type: application/json"], body: Self.deflateBody))
        }
        #expect(try await Requests.get(server.base + "/gzip").json() == ["gzipped": true])
        #expect(try await Requests.get(server.base + "/deflate").json() == ["deflated": true])
    }

    @Test func closedWithoutAnswerIsAConnectionError() async throws {
        let server = try CannedServer { _ in .close }
        do {
            _ = try await Requests.get(server.base + "/fault", timeout: 5)
            Issue.record("expected an error")
        } catch let error as ConnectionError {
            #expect(error is ConnectionClosed, "\(error)")
        }
    }

    @Test func silenceMidBodyIsAReadTimeout() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345".utf8)
        let server = try CannedServer { _ in .replyInParts(head, pause: 3, Array("67890".utf8)) }
        let error = await #expect(throws: ReadTimeout.self) {
            try await Requests.get(server.base + "/slow-body", timeout: Timeout(connect: .seconds(5), read: .milliseconds(500)))
        }
        #expect(error?.kind == .read)
        // Streamed: the head arrives, then reading the body times out.
        let streamed = try await Requests.get(server.base + "/slow-body", timeout: Timeout(connect: .seconds(5), read: .milliseconds(500)), stream: true)
        await #expect(throws: ReadTimeout.self) { _ = try await streamed.body.collect() }
        // Chunk by chunk (the iterator, not collect's read in one go): the same error.
        let iterated = try await Requests.get(server.base + "/slow-body", timeout: Timeout(connect: .seconds(5), read: .milliseconds(500)), stream: true)
        await #expect(throws: ReadTimeout.self) { for try await _ in iterated.body {} }
    }

    @Test func truncatedBodyIsAConnectionError() async throws {
        let server = try CannedServer { _ in .reply(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this".utf8)) }
        do {
            _ = try await Requests.get(server.base + "/truncated", timeout: 5)
            Issue.record("expected an error")
        } catch let error as ConnectionError {
            #expect(error.description.contains("/truncated"))
        }
    }

    @Test func retryAfterFromARealServer() async throws {
        let hits = Recorder<Int>()
        let server = try CannedServer { _ in
            hits.append(1)
            return hits.count == 1
                ? .reply(CannedServer.response("503 Service Unavailable", headers: ["Retry-After: 3"]))
                : .reply(CannedServer.response("200 OK", body: Array("ok".utf8)))
        }
        let waits = Recorder<Duration>()
        let session = Session()
        session.mount("http://", Adapter(retry: Retry(total: 2, clock: recordingClock(waits))))
        let response = try await session.get(server.base + "/limited")
        #expect(response.text == "ok")
        #expect(waits.all == [.seconds(3)])
        try await session.close()
    }

    @Test func eachPairOfTimeoutsHasItsOwnClient() async throws {
        let transport = AsyncHTTPClientTransport()
        let short = Timeout(connect: .seconds(5), read: .seconds(1))
        let first = try transport.client(for: short, url: "http://h.test/")
        let other = try transport.client(for: .default, url: "http://h.test/")
        #expect(first !== other)
        // Alternating: the last client used must not answer for another pair.
        #expect(try transport.client(for: short, url: "http://h.test/") === first)
        #expect(try transport.client(for: .default, url: "http://h.test/") === other)
        #expect(try transport.client(for: .default, url: "http://h.test/") === other)
        #expect(try transport.client(for: Timeout(connect: .seconds(5), read: .seconds(1), total: .seconds(3)), url: "http://h.test/") === first)
        try await transport.close()
        #expect(throws: SessionClosed.self) { try transport.client(for: short, url: "http://h.test/") }
    }

    /// (HTTP2Tests shows the versions on the wire, against hypercorn.)
    @Test func http2FalseReachesTheTransportWhichKeepsAClientPerChoice() async throws {
        let seen = Recorder<Bool>()
        let mock = MockTransport { request in
            seen.append(request.allowsHTTP2)
            return Response(statusCode: 200)
        }
        let session = Session(transport: mock, http2: false)
        _ = try await session.get("http://h.test/")
        _ = try await session.send(try Request(.get, url: "http://h.test/"))
        session.http2 = true
        _ = try await session.get("http://h.test/")
        #expect(seen.all == [false, false, true])

        let transport = AsyncHTTPClientTransport()
        let automatic = try transport.client(for: .default, url: "http://h.test/")
        let http1 = try transport.client(for: .default, url: "http://h.test/", http1Only: true)
        #expect(automatic !== http1)
        #expect(try transport.client(for: .default, url: "http://h.test/", http1Only: true) === http1)
        try await transport.close()
    }

    @Test func headersGoOutInOrderAndABadNameThrows() async throws {
        let heads = Recorder<String>()
        let server = try CannedServer { head in
            heads.append(head)
            return .reply(CannedServer.response("204 No Content"))
        }
        _ = try await Requests.get(server.base + "/h", headers: Headers([("X-Multi", "a"), ("X-Other", "c"), ("X-Multi", "b")]))
        let head = try #require(heads.all.first)
        #expect(head.contains("X-Multi: a\r\nX-Other: c\r\nX-Multi: b\r\n"), "\(head)")
        #expect(head.contains("User-Agent: swift-requests/1.0\r\n"), "\(head)")
        // A name that is no HTTP token (here not even ASCII) is an error before anything is sent, not a trap.
        await #expect(throws: TransportFailure.self) { try await Requests.get(server.base + "/h", headers: ["X-Nämé": "x"]) }
        await #expect(throws: TransportFailure.self) { try await Requests.get(server.base + "/h", headers: ["Bad Name": "x"]) }
        #expect(heads.count == 1)
    }

    @Test func reasonPhraseAndRepeatedHeaders() async throws {
        let server = try CannedServer { _ in
            .reply(CannedServer.response("418 I'm a teapot", headers: ["X-Multi: a", "X-Multi: b", "Set-Cookie: a=1", "Set-Cookie: b=2; Path=/"]))
        }
        let response = try await Requests.get(server.base + "/teapot")
        #expect(response.statusCode == 418)
        #expect(response.headers.values(for: "x-multi") == ["a", "b"])
        #expect(response.cookies == ["a": "1", "b": "2"])
        #expect(throws: HTTPStatusError.self) { try response.raiseForStatus() }
    }
}
