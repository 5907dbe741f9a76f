import Foundation
import HTTPBun
import JSONValue
import Testing
@testable import Requests

/// hypercorn (PyPI, a server we did not write) serving conformance/h2/echo_server.py over TLS, with a
/// certificate from our own `--tls-self-signed` machinery whose authority the client trusts.
final class HypercornEcho {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Made by `make h2-venv`, which `make test` runs first.
    static let python = root.appendingPathComponent("conformance/h2/venv/bin/python")
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    let process = Process()
    /// Closing it stops the server (it also stops if this process dies).
    let input = Pipe()
    let output = Pipe()
    let directory: URL
    let authorityPEM: String
    let base: String

    init() throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        authorityPEM = authority
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("h2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem"), key = directory.appendingPathComponent("key.pem")
        try identity.certificateChainPEM.write(to: certificate, atomically: true, encoding: .utf8)
        try identity.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        process.executableURL = Self.python
        process.arguments = [Self.root.appendingPathComponent("conformance/h2/echo_server.py").path, certificate.path, key.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // The port, on the first line; end of file (the server failed to start) ends the wait too.
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
            line.append(contentsOf: byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            process.waitUntilExit()
            throw TransportFailure(url: nil, underlying: "hypercorn did not start (printed \(String(decoding: line, as: UTF8.self).debugDescription))")
        }
        base = "https://127.0.0.1:\(port)"
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite(.enabled(if: HypercornEcho.isInstalled, "needs conformance/h2/venv: make h2-venv (make test makes it)"))
struct HTTP2Tests {
    @Test func http2IsNegotiatedByDefaultAndTheEchoWorksOverIt() async throws {
        let server = try HypercornEcho()
        defer { server.stop() }
        let session = Session(trust: .authorities(pem: server.authorityPEM))
        let get = try await session.get(server.base + "/get", params: ["q": "h2"])
        #expect(get.httpVersion == .http2)
        #expect(get.httpVersion.description == "HTTP/2")
        let echo = try get.json()
        #expect(echo["http_version"]?.stringValue == "2", "the server saw HTTP/2 too")
        #expect(echo["method"]?.stringValue == "GET")
        #expect(echo["query"]?.stringValue == "q=h2")

        let post = try await session.post(server.base + "/post", headers: ["X-Test": "over h2"], data: "hello, h2")
        #expect(post.httpVersion == .http2)
        let posted = try post.json()
        #expect(posted["method"]?.stringValue == "POST")
        #expect(posted["body"]?.stringValue == "hello, h2")
        // HTTP/2 sends header names in lowercase.
        let headers = posted["headers"]?.arrayValue?.compactMap { pair in pair.arrayValue.map { $0.compactMap(\.stringValue) } } ?? []
        #expect(headers.contains(["x-test", "over h2"]), "\(headers)")
        #expect(headers.contains(["user-agent", "swift-requests/1.0"]))

        // Streamed over one h2 stream, read chunk by chunk.
        let streamed = try await session.get(server.base + "/stream", stream: true)
        #expect(streamed.httpVersion == .http2)
        var joined: [UInt8] = []
        for try await chunk in streamed.body { joined += chunk }
        #expect(try JSON.parse(joined)["path"]?.stringValue == "/stream")
        try await session.close()
    }

    @Test func http2FalseKeepsToHTTP1AndTheClientsStayBounded() async throws {
        let server = try HypercornEcho()
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport(trust: .authorities(pem: server.authorityPEM))
        let session = Session(transport: transport, http2: false)
        let r = try await session.post(server.base + "/post", data: "hello, 1.1")
        #expect(r.httpVersion == .http1_1)
        #expect(r.httpVersion.description == "HTTP/1.1")
        #expect(try r.json()["http_version"]?.stringValue == "1.1")
        #expect(try r.json()["body"]?.stringValue == "hello, 1.1")

        session.http2 = true
        #expect(try await session.get(server.base + "/get").httpVersion == .http2)
        #expect(transport.keptClientCount == 2, "one client per HTTP version choice")
        // Each choice with many timeouts: the clients kept stay within the bound.
        for (index, http2) in [true, false, true, false, true, false].enumerated() {
            session.http2 = http2
            let r = try await session.get(server.base + "/get", timeout: Timeout(connect: 5, read: Double(10 + index)))
            #expect(r.httpVersion == (http2 ? .http2 : .http1_1))
        }
        #expect(transport.keptClientCount <= AsyncHTTPClientTransport.maxClients)
        let version = try await Session.with(transport: transport, http2: false) { s in try await s.get(server.base + "/get").httpVersion }
        #expect(version == .http1_1)
    }

    @Test func plainHTTPIsHTTP1() async throws {
        #expect(try await Requests.get(E2E.base + "/get").httpVersion == .http1_1)
        #expect(Response(statusCode: 200).httpVersion == .http1_1)
    }
}
