import Foundation
@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import Testing

/// The binary's access log as shipped: on by default, on standard error, batched.
@Suite("The httpbun command's access log")
struct AccessLogCommandLineTests {
    private func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-stderr-\(UUID().uuidString)").path
    }

    private func text(of path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test("standard error to a file: each request's line is on disk within a second, while the server runs")
    func onDiskWithinASecond() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try RunningCommand(["--port", "0"], errorFile: path)
        let port = try #require(portNumber(in: command.firstLine()))
        for index in 0..<50 { _ = try RawConnection(port: port).exchange("GET", "/get?n=\(index)", headers: [("User-Agent", "disk/1")]) }
        let answered = ContinuousClock.now
        var found = 0
        while ContinuousClock.now - answered < .seconds(1) {
            found = text(of: path).split(separator: "\n").filter { $0.contains(" GET /get?n=") }.count
            if found == 50 { break }
            usleep(20_000)
        }
        #expect(found == 50, "lines on disk within 1 s of the last answer: \(found) of 50")
        let line = try #require(text(of: path).split(separator: "\n").first { $0.contains("/get?n=7 ") })
        #expect(line.contains(" INFO 127.0.0.1 GET /get?n=7 200 "))
        #expect(line.hasSuffix("ms \"disk/1\""))
        #expect(command.stop(SIGTERM) == 0)
        // The order things happened in: start, the requests, then the stop lines.
        let lines = text(of: path).split(separator: "\n")
        #expect(lines.first?.contains("listening on") == true)
        #expect(lines.last?.hasSuffix("INFO stopped") == true)
    }

    @Test("--access-log off: the other lines, no access lines")
    func off() throws {
        for (arguments, environment) in [(["--access-log", "off"], [:]), ([], ["HTTPBUN_ACCESS_LOG": "off"])] as [([String], [String: String])] {
            let command = try RunningCommand(["--port", "0"] + arguments, environment: environment)
            let port = try #require(portNumber(in: command.firstLine()))
            #expect(try RawConnection(port: port).exchange("GET", "/get?quiet").status == 200)
            #expect(command.stop(SIGTERM) == 0)
            let log = command.errorText
            #expect(log.contains("listening on"))
            #expect(!log.contains("/get?quiet"), "\(arguments) \(environment): \(log)")
        }
    }

    @Test("--log-format json: every line one object; access lines with numbers as numbers")
    func json() throws {
        let command = try RunningCommand(["--port", "0", "--log-format", "json"])
        let port = try #require(portNumber(in: command.firstLine()))
        _ = try RawConnection(port: port).exchange("GET", "/status/201", headers: [("User-Agent", "j")])
        #expect(command.stop(SIGTERM) == 0)
        // Read once: the pipe is empty afterwards.
        let log = command.errorText
        let objects = try log.split(separator: "\n").map { try JSON.parse(Array($0.utf8)) }
        #expect(objects.count >= 4)
        #expect(objects.allSatisfy { $0["time"]?.stringValue?.hasSuffix("Z") == true && $0["level"] != nil && $0["message"] != nil })
        let access = try #require(objects.first { $0["target"]?.stringValue == "/status/201" })
        #expect(access["status"] == .number("201"))
        #expect(access["method"]?.stringValue == "GET")
        #expect(access["client"]?.stringValue == "127.0.0.1")
        #expect(access["user_agent"]?.stringValue == "j")
        #expect(access["outcome"]?.stringValue == "answered")
        // Judged from outside too: Python's json reads every line as one object, numbers as numbers.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        check.arguments = ["-c", """
            import json, sys
            objects = [json.loads(line) for line in sys.stdin.read().splitlines()]
            access = [o for o in objects if o.get("target") == "/status/201"]
            assert len(access) == 1 and access[0]["status"] == 201 and isinstance(access[0]["duration_ms"], float), access
            assert all(isinstance(o, dict) and {"time", "level", "message"} <= o.keys() for o in objects), objects
            """]
        let input = Pipe()
        check.standardInput = input
        try check.run()
        input.fileHandleForWriting.write(Data(log.utf8))
        try input.fileHandleForWriting.close()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "python's json refused the log lines")
    }

    @Test("--log-level debug: each line is followed by the request's header fields")
    func debugShowsHeaders() throws {
        let command = try RunningCommand(["--port", "0", "--log-level", "debug"])
        let port = try #require(portNumber(in: command.firstLine()))
        _ = try RawConnection(port: port).exchange("GET", "/get?debug", headers: [("X-Probe", "seen")])
        #expect(command.stop(SIGTERM) == 0)
        let lines = command.errorText.split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.contains("GET /get?debug 200") })
        #expect(lines[(start + 1)...].prefix { $0.hasPrefix("    ") }.contains("    X-Probe: \"seen\""))
    }
}
