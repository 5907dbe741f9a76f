@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A fast subset of the bad-input battery (hardening/battery.py has 300+ cases): hostile bytes over
/// a raw socket, each answered with a JSON 4xx, or refused by libmicrohttpd (its own 4xx/5xx page
/// or a close), and the server still answers /get after every one.
@Suite("Bad input over raw sockets")
struct BadInputLiveTests {
    enum Expectation: Sendable, CustomStringConvertible {
        /// Our handler answers this status with `{"error": ...}`.
        case json(Int)
        /// httpbun's own plain-text answer, where httpbun defines the case (its 405 is empty).
        case text(Int, String)
        /// The transport refuses it: MHD's own error page, or the connection closes.
        case refused
        /// Any well-formed answer (the spec's lenient cases).
        case answered

        var description: String {
            switch self {
            case .json(let status): "JSON \(status)"
            case .text(let status, let body): "text \(status) \(body)"
            case .refused: "refused"
            case .answered: "answered"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expectation: Expectation
        var testDescription: String { name }
    }

    static func request(_ target: String) -> [UInt8] { request("GET", target) }

    static func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    static func raw(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let maxBodySize = 1024 * 1024

    static let cases: [Case] = {
        let part = raw("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n")
        let manyParts = Array(repeating: part, count: 12_000).flatMap { $0 } + raw("--B--\r\n")
        let nested = Array(repeating: UInt8(ascii: "["), count: 30_000) + Array(repeating: UInt8(ascii: "]"), count: 30_000)
        let bigChunk = raw("ffff\r\n") + Array(repeating: 0x61, count: 0xffff) + raw("\r\n")
        let overLimitChunks = Array(repeating: bigChunk, count: maxBodySize / 0xffff + 2).flatMap { $0 } + raw("0\r\n\r\n")
        return [
            Case(name: "status weights overflowing to infinity", bytes: request("/status/200:1e308,500:1e308"), expectation: .text(400, "status weights add up")),
            Case(name: "/delay/1e308", bytes: request("/delay/1e308"), expectation: .text(400, "Invalid delay")),
            Case(name: "/delay/0x10", bytes: request("/delay/0x10"), expectation: .text(400, "Invalid delay")),
            Case(name: "/bytes/-1", bytes: request("/bytes/-1"), expectation: .text(400, "Size can't be less than 0")),
            Case(name: "/status/99999999999999999999", bytes: request("/status/99999999999999999999"), expectation: .text(400, "Invalid status code: 99999999999999999999")),
            Case(name: "/drip?duration=1e308", bytes: request("/drip?duration=1e308"), expectation: .text(400, "duration must be an integer")),
            Case(name: "target that is not a path", bytes: raw("GET get HTTP/1.1\r\nHost: x\r\n\r\n"), expectation: .json(400)),
            Case(name: "control bytes in the target", bytes: raw("GET /anything/\u{1b}[31m HTTP/1.1\r\nHost: x\r\n\r\n"), expectation: .json(400)),
            Case(name: "unknown method", bytes: request("FROB", "/get"), expectation: .text(405, "")),
            Case(name: "open redirect", bytes: request("/redirect-to?url=//evil.example/"), expectation: .text(403, HTTPBunShapeText.forbidden)),
            Case(name: "tab-hidden open redirect", bytes: request("/redirect-to?url=/%09/evil.example"), expectation: .text(403, HTTPBunShapeText.forbidden)),
            Case(name: "header injection", bytes: request("/response-headers?X-A=a%0d%0aSet-Cookie:%20x=y"), expectation: .json(400)),
            Case(name: "multipart without its final boundary", bytes: request("POST", "/post", headers: [("Content-Type", "multipart/form-data; boundary=B"), ("Content-Length", "\(part.count)")], body: part), expectation: .json(400)),
            Case(name: "multipart with 12,000 parts", bytes: request("POST", "/post", headers: [("Content-Type", "multipart/form-data; boundary=B"), ("Content-Length", "\(manyParts.count)")], body: manyParts), expectation: .json(400)),
            Case(name: "Content-Length over the limit", bytes: request("POST", "/post", headers: [("Content-Length", "\(maxBodySize + 1)")]), expectation: .json(413)),
            Case(name: "chunked body over the limit", bytes: request("POST", "/post", headers: [("Transfer-Encoding", "chunked")], body: overLimitChunks), expectation: .json(413)),
            Case(name: "JSON nested 30,000 deep", bytes: request("POST", "/post", headers: [("Content-Type", "application/json"), ("Content-Length", "\(nested.count)")], body: nested), expectation: .answered),
            Case(name: "empty request line", bytes: raw("\r\n\r\n"), expectation: .refused),
            Case(name: "binary garbage", bytes: (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 37) }, expectation: .refused),
            Case(name: "TLS ClientHello", bytes: [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03] + Array(repeating: 7, count: 64), expectation: .refused),
            Case(name: "HTTP/9.9", bytes: raw("GET /get HTTP/9.9\r\nHost: x\r\n\r\n"), expectation: .refused),
            Case(name: "NUL in the target", bytes: raw("GET /g\u{0}et HTTP/1.1\r\nHost: x\r\n\r\n"), expectation: .refused),
            Case(name: "40 KB URL", bytes: request("/get?a=" + String(repeating: "x", count: 40_000)), expectation: .refused),
            Case(name: "40 KB header", bytes: request("GET", "/get", headers: [("X-Big", String(repeating: "z", count: 40_000))]), expectation: .refused),
            Case(name: "10,000 headers", bytes: request("GET", "/get", headers: Array(repeating: ("X", "1"), count: 10_000)), expectation: .refused),
            Case(name: "conflicting Content-Length", bytes: request("POST", "/post", headers: [("Content-Length", "5"), ("Content-Length", "6")], body: raw("hello!")), expectation: .json(400)),
            Case(name: "Content-Length 0 then 5", bytes: request("POST", "/post", headers: [("Content-Length", "0"), ("Content-Length", "5")], body: raw("hello")), expectation: .json(400)),
            Case(name: "Content-Length and chunked", bytes: request("POST", "/post", headers: [("Content-Length", "3"), ("Transfer-Encoding", "chunked")], body: raw("5\r\nhello\r\n0\r\n\r\n")), expectation: .json(400)),
            Case(name: "negative Content-Length", bytes: request("POST", "/post", headers: [("Content-Length", "-1")], body: raw("hello")), expectation: .refused),
            Case(name: "chunk size not hex", bytes: request("POST", "/post", headers: [("Transfer-Encoding", "chunked")], body: raw("zz\r\nhello\r\n0\r\n\r\n")), expectation: .refused),
            Case(name: "chunk size 2^64-1", bytes: request("POST", "/post", headers: [("Transfer-Encoding", "chunked")], body: raw("ffffffffffffffff\r\nhello\r\n0\r\n\r\n")), expectation: .refused),
            Case(name: "body shorter than announced, then EOF", bytes: request("POST", "/post", headers: [("Content-Length", "100")], body: raw("short")), expectation: .refused),
            Case(name: "headers that never end, then EOF", bytes: raw("GET /get HTTP/1.1\r\nHost: x\r\nX-A: b\r\n"), expectation: .refused),
            Case(name: "request line with bare LF only", bytes: raw("GET /get HTTP/1.1\nHost: x\n\n"), expectation: .answered),
        ]
    }()

    @Test("hostile input gets a 4xx or a close, and /get still works", arguments: cases)
    func hostile(_ badCase: Case) throws {
        let server = try HTTPBunServer.start(ServerConfiguration(maxBodySize: Self.maxBodySize))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let reply = exchangeRaw(connection, badCase.bytes)
        let head = String(decoding: reply.prefix(200), as: UTF8.self)
        switch badCase.expectation {
        case .json(let status):
            #expect(head.hasPrefix("HTTP/1.1 \(status) "), "\(badCase.name): \(head)")
            #expect(head.contains("Content-Type: application/json"), "\(badCase.name): \(head)")
            #expect(String(decoding: reply, as: UTF8.self).contains("\"error\": "), "\(badCase.name)")
        case .text(let status, let body):
            #expect(head.hasPrefix("HTTP/1.1 \(status) "), "\(badCase.name): \(head)")
            #expect(!head.contains("application/json"), "\(badCase.name): \(head)")
            let text = String(decoding: reply, as: UTF8.self)
            #expect(body.isEmpty ? text.hasSuffix("\r\n\r\n") : text.contains("\r\n\r\n" + body), "\(badCase.name): \(text)")
        case .refused:
            // MHD's own answers (4xx, 505, or 500 when a chunk line overflows its memory) or a close.
            let refusedByMHD = reply.isEmpty || head.hasPrefix("HTTP/1.1 4") || head.hasPrefix("HTTP/1.1 50")
            #expect(refusedByMHD, "\(badCase.name): \(head)")
            #expect(!head.contains("application/json") || head.hasPrefix("HTTP/1.1 4"), "\(badCase.name): \(head)")
        case .answered:
            #expect(head.hasPrefix("HTTP/1.1 200 ") || head.hasPrefix("HTTP/1.1 400 "), "\(badCase.name): \(head)")
        }
        let check = try RawConnection(port: server.port)
        let answer = try check.exchange("GET", "/get?alive=1")
        #expect(answer.status == 200)
        #expect(answer.text.contains("\"alive\": \"1\""))
    }

    /// Sends `bytes`; reads what comes back until the server closes, a full response has arrived,
    /// or 5 s pass. If nothing arrives for 300 ms, closes our sending side (the client is done).
    private func exchangeRaw(_ connection: RawConnection, _ bytes: [UInt8]) -> [UInt8] {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { break }  // the server hung up mid-request: read what it said
            offset += sent
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var halfClosed = false
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let end = responseEnd(received), end <= received.count { return received }
            var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 300) == 0 {
                if !halfClosed {
                    shutdown(connection.fd, Int32(SHUT_WR))
                    halfClosed = true
                }
                continue
            }
            let count = recv(connection.fd, &chunk, chunk.count, 0)
            if count <= 0 { return received }
            received += chunk[0..<count]
        }
        return received
    }

    /// Where the first response ends, when its headers are complete and it has a Content-Length.
    private func responseEnd(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headerEnd.lowerBound]
        guard let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingSpaces)
        else { return nil }
        return text.utf8.distance(from: text.startIndex, to: headerEnd.upperBound) + length
    }
}

/// httpbun's refusal of a Location its allowlist does not pass.
enum HTTPBunShapeText {
    static let forbidden = "Forbidden redirect URL. Please be careful with this link."
}
