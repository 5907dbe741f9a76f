@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Lines as they arrive, with when.
private final class LineStore: Sendable {
    let lines = Mutex<[(line: String, at: ContinuousClock.Instant)]>([])
}

/// A server whose access lines are collected in memory.
private final class LoggedServer {
    let server: HTTPBunServer
    private let store = LineStore()

    /// Every line so far, with when it arrived.
    var all: [(line: String, at: ContinuousClock.Instant)] { store.lines.withLock { $0 } }

    init(_ configuration: ServerConfiguration = ServerConfiguration(port: 0), format: LogFormat = .human, headers: Bool = false) throws {
        let store = self.store
        server = try HTTPBunServer.start(
            configuration,
            accessLog: AccessLog(
                format: format, includesHeaders: headers, output: .lines { line in store.lines.withLock { $0.append((line, .now)) } }))
    }

    deinit { server.stop() }

    var port: Int { server.port }

    /// The lines so far that contain `text`, waiting up to `timeout` for at least one.
    func lines(containing text: String, timeout: Duration = .seconds(3)) -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = all.map(\.line).filter { $0.contains(text) }
            if !found.isEmpty || ContinuousClock.now > deadline { return found }
            usleep(10_000)
        }
    }

    func line(containing text: String) throws -> String {
        let found = lines(containing: text)
        return try #require(found.count == 1 ? found.first : nil, "one line with \(text), got \(found)")
    }
}

/// The human line's fields before the quoted user agent: time, level, client, method, target,
/// status, bytes, duration.
private func fields(_ line: String) -> [Substring] {
    line.prefix { $0 != "\"" }.split(separator: " ")
}

@Suite("The access log, live", .serialized)
struct AccessLogLiveTests {
    @Test("an answered request: client, method, target, numeric status, the body bytes sent, duration, user agent")
    func answered() throws {
        let logged = try LoggedServer()
        let response = try RawConnection(port: logged.port).exchange("GET", "/get?a=1", headers: [("User-Agent", "probe/1.0")])
        let line = try logged.line(containing: "/get?a=1")
        let parts = fields(line)
        #expect(parts.count == 8, "\(line)")
        #expect(parts[1] == "INFO" && parts[2] == "127.0.0.1" && parts[3] == "GET" && parts[4] == "/get?a=1")
        #expect(parts[5] == "\(response.status)" && parts[6] == "\(response.body.count)")
        #expect(parts[7].hasSuffix("ms") && Double(parts[7].dropLast(2)) != nil)
        #expect(line.hasSuffix("\"probe/1.0\""))
        #expect(parts[0].hasSuffix("Z") && parts[0].count == 24)
    }

    @Test("HEAD sends no body: 0 bytes; an error status is logged as it was sent")
    func headAndStatus() throws {
        let logged = try LoggedServer()
        let connection = try RawConnection(port: logged.port)
        try connection.send("HEAD /get HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try connection.readResponse(bodyless: true)
        _ = try connection.exchange("GET", "/status/418")
        #expect(fields(try logged.line(containing: "HEAD /get"))[5...6] == ["200", "0"])
        #expect(fields(try logged.line(containing: "/status/418"))[5] == "418")
    }

    @Test("/fault/close is logged as unanswered, not as the 200 it never sent")
    func faultClose() throws {
        let logged = try LoggedServer()
        let connection = try RawConnection(port: logged.port)
        try connection.send("GET /fault/close HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.waitForClose())
        let line = try logged.line(containing: "/fault/close")
        #expect(fields(line)[5...6] == ["-", "0"])
        #expect(line.hasSuffix("unanswered: \"closed without an answer, as the route asks\""))
    }

    @Test("/fault/truncate: the status and the bytes sent, marked cut")
    func truncated() throws {
        let logged = try LoggedServer()
        let connection = try RawConnection(port: logged.port)
        try connection.send("GET /fault/truncate/100 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.waitForClose())
        let line = try logged.line(containing: "/fault/truncate/100")
        #expect(fields(line)[5...6] == ["200", "50"])
        #expect(line.hasSuffix("cut: \"the route sends less than it announces\""))
    }

    @Test("a client gone mid-body is logged as unanswered")
    func clientGoneMidBody() throws {
        let logged = try LoggedServer()
        do {
            let connection = try RawConnection(port: logged.port)
            try connection.send("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            usleep(100_000)
        }
        let line = try logged.line(containing: "POST /post")
        #expect(fields(line)[5...6] == ["-", "0"])
        #expect(line.contains("unanswered: \"client closed before"), "\(line)")
    }

    @Test("a request whose head never completes is logged when its connection times out")
    func timedOut() throws {
        let logged = try LoggedServer(ServerConfiguration(port: 0, idleTimeout: 1))
        let connection = try RawConnection(port: logged.port)
        try connection.send("GET /get?slow HTTP/1.1\r\nHost: x\r\n")
        #expect(connection.waitForClose(timeout: .seconds(5)))
        let line = try logged.line(containing: "/get?slow")
        #expect(line.contains("unanswered: \"timed out before the request was complete\""), "\(line)")
    }

    @Test("a request refused by our header checks is logged with the 400 we sent")
    func refused() throws {
        let logged = try LoggedServer()
        let connection = try RawConnection(port: logged.port)
        try connection.send("GET /get?folded HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n")
        #expect(try connection.readResponse().status == 400)
        #expect(fields(try logged.line(containing: "/get?folded"))[5] == "400")
    }

    @Test("a line reaches the output within a second, unflushed; stop() writes what waits")
    func delivery() throws {
        let logged = try LoggedServer()
        _ = try RawConnection(port: logged.port).exchange("GET", "/get?timed")
        let answered = ContinuousClock.now
        #expect(!logged.lines(containing: "/get?timed", timeout: .seconds(1)).isEmpty)
        let arrived = try #require(logged.all.first { $0.line.contains("/get?timed") }?.at)
        #expect(arrived - answered < .seconds(1))
        _ = try RawConnection(port: logged.port).exchange("GET", "/get?last")
        logged.server.stop()
        #expect(logged.all.contains { $0.line.contains("/get?last") }, "stop() must flush the last lines")
    }

    @Test("with headers (--log-level debug): the request's fields follow the line, in arrival order")
    func headers() throws {
        let logged = try LoggedServer(headers: true)
        _ = try RawConnection(port: logged.port).exchange("GET", "/get?h", headers: [("X-Trace", "abc"), ("x-trace", "second")])
        _ = logged.lines(containing: "/get?h")
        usleep(50_000)
        let lines = logged.all.map(\.line)
        let start = try #require(lines.firstIndex { $0.contains("/get?h") })
        let following = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
        #expect(following.contains("    X-Trace: \"abc\""))
        #expect(following.contains("    x-trace: \"second\""))
        #expect(following.firstIndex(of: "    X-Trace: \"abc\"")! < following.firstIndex(of: "    x-trace: \"second\"")!)
    }

    @Test("JSON lines agree with the journal: one record built for both")
    func jsonAgreesWithJournal() throws {
        let logged = try LoggedServer(format: .json)
        let response = try RawConnection(port: logged.port).exchange("POST", "/post?j=1", headers: [("User-Agent", "j/1")], body: Array("hi".utf8))
        let object = try JSON.parse(Array(try logged.line(containing: "/post?j=1").utf8))
        let entry = try #require(logged.server.journal?.entries(JournalFilter(pathPrefix: "/post")).last)
        #expect(object["status"] == .number("\(response.status)"))
        #expect(object["status"] == .number("\(entry.status)"))
        #expect(object["bytes"] == .number("\(entry.responseBytes)"))
        #expect(object["bytes"] == .number("\(response.body.count)"))
        #expect(object["user_agent"]?.stringValue == "j/1")
        #expect(object["outcome"]?.stringValue == "answered")
    }

    @Test("a request libmicrohttpd answers itself (a head too large, a malformed chunk) is logged as refused")
    func refusedByLibrary() throws {
        let logged = try LoggedServer()
        for (request, target) in [
            ("GET /big HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 40_000) + "\r\n\r\n", "/big"),
            ("POST /post?chunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "/post?chunk"),
        ] {
            let connection = try RawConnection(port: logged.port)
            try connection.send(request)
            #expect(try connection.readResponse().status >= 400)
            let line = try logged.line(containing: " \(target) ")
            #expect(line.contains("refused: \"libmicrohttpd answered it itself"), "\(line)")
        }
    }

    @Test("huge fields, every byte escaped, in both formats: the whole line is written, one line, and serving goes on",
          arguments: [HTTPBunCore.LogFormat.human, HTTPBunCore.LogFormat.json])
    func hugeHostileFields(format: HTTPBunCore.LogFormat) throws {
        let logged = try LoggedServer(ServerConfiguration(port: 0, connectionMemoryLimit: 256 * 1024), format: format)
        let target = "/anything/" + String(repeating: "a%20", count: 4_000)
        // Control bytes in a field value: refused by our header checks (400), and logged as such.
        let agent = String(repeating: "\u{1}\"\\", count: 5_000)
        let response = try RawConnection(port: logged.port).exchange("GET", target, headers: [("User-Agent", agent)])
        #expect(response.status == 400)
        let line = try logged.line(containing: "a%20a%20")
        switch format {
        case .human:
            // Booleans first: a failing #expect on a 60 KB line would print it whole.
            let agentEscaped = line.hasSuffix("\"" + String(repeating: "\\x01\\x22\\x5c", count: 5_000) + "\"")
            let targetWhole = line.contains(" " + target + " 400 ")
            #expect(agentEscaped && targetWhole)
            #expect(!line.contains("\n"))
        case .json:
            let object = try JSON.parse(Array(line.utf8))
            let same = object["user_agent"]?.stringValue == agent && object["target"]?.stringValue == target
            #expect(same && object["status"] == .number("400"))
        }
        _ = try RawConnection(port: logged.port).exchange("GET", "/get?after-huge")
        #expect(!logged.lines(containing: "/get?after-huge").isEmpty)
    }

    @Test("the server keeps serving and logging after hostile requests")
    func keepsServing() throws {
        let logged = try LoggedServer()
        for bytes in ["GET /\u{1B}[2J HTTP/1.1\r\nHost: x\r\n\r\n", "GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n"] {
            let connection = try RawConnection(port: logged.port)
            try connection.send(bytes)
            _ = connection.waitForClose(timeout: .seconds(2))
        }
        _ = try RawConnection(port: logged.port).exchange("GET", "/get?after")
        #expect(!logged.lines(containing: "/get?after").isEmpty)
        // A control byte in a target never reaches the output raw.
        #expect(logged.all.allSatisfy { !$0.line.contains("\u{1B}") })
    }
}
