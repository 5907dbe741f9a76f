@testable import HTTPBunCore
import JSONValue
import Testing

private func line(_ record: AccessRecord, _ format: LogFormat = .human) -> String {
    var output: [UInt8] = []
    var timestamps = LogTimestamps()
    format.append(record, to: &output, timestamps: &timestamps)
    return String(decoding: output, as: UTF8.self)
}

/// 2025-12-07T09:33:20.123Z
private let time = WallTime(seconds: 1_765_100_000, milliseconds: 123)

private func record(
    target: String = "/get?a=1", status: Int? = 200, bytes: Int = 312, nanoseconds: Int64 = 412_345, userAgent: String? = "curl/8.5.0",
    outcome: AccessRecord.Outcome = .answered, headers: HTTPHeaders? = nil
) -> AccessRecord {
    AccessRecord(
        time: time, client: "127.0.0.1", method: "GET", target: target, status: status, bytes: bytes, durationNanoseconds: nanoseconds,
        userAgent: userAgent, outcome: outcome, headers: headers)
}

@Suite("Access log lines")
struct LogFormatTests {
    @Test("human: time, level, client, method, target, status, bytes, duration and user agent, in that order")
    func human() {
        #expect(line(record()) == "2025-12-07T09:33:20.123Z INFO 127.0.0.1 GET /get?a=1 200 312 0.412ms \"curl/8.5.0\"\n")
    }

    @Test("human: no status, no user agent, no client each write a dash; the outcome and reason follow")
    func humanUnanswered() {
        var unanswered = record(status: nil, bytes: 0, userAgent: nil, outcome: .unanswered(reason: "client closed before the request was complete"))
        unanswered.client = ""
        #expect(line(unanswered) == "2025-12-07T09:33:20.123Z INFO - GET /get?a=1 - 0 0.412ms \"-\" unanswered: \"client closed before the request was complete\"\n")
        let cut = record(nanoseconds: 2_001_050_999, outcome: .cut(reason: "the route sends less than it announces"))
        #expect(line(cut).hasSuffix(" 200 312 2001.050ms \"curl/8.5.0\" cut: \"the route sends less than it announces\"\n"))
    }

    @Test("human: a space, control byte or backslash in a field, or a quote in a quoted one, is escaped as \\xNN: one line, same fields")
    func humanEscapes() {
        let hostile = line(record(target: "/a b\u{1B}[31m\\", userAgent: "x\"y\u{7F}\n\tz é"))
        #expect(hostile == "2025-12-07T09:33:20.123Z INFO 127.0.0.1 GET /a\\x20b\\x1b[31m\\x5c 200 312 0.412ms \"x\\x22y\\x7f\\x0a\\x09z é\"\n")
        #expect(hostile.split(separator: "\n").count == 1)
        // Before the quoted user agent (whose spaces are its own), always the same eight fields.
        #expect(hostile.prefix { $0 != "\"" }.split(separator: " ").count == 8)
    }

    @Test("human: at debug, the request's fields follow, indented, in arrival order")
    func humanHeaders() {
        var headers = HTTPHeaders()
        headers.add("Host", "example.com")
        headers.add("X-Evil", "a\"b")
        #expect(line(record(headers: headers)).split(separator: "\n", omittingEmptySubsequences: false).dropFirst() == [
            "    Host: \"example.com\"", "    X-Evil: \"a\\x22b\"", "",
        ])
    }

    @Test("json: one object per line with numbers as numbers, every field named")
    func json() throws {
        let text = line(record(), .json)
        #expect(text.hasSuffix("}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        let object = try JSON.parse(Array(text.utf8))
        #expect(object["time"]?.stringValue == "2025-12-07T09:33:20.123Z")
        #expect(object["level"]?.stringValue == "info")
        #expect(object["message"]?.stringValue == "access")
        #expect(object["client"]?.stringValue == "127.0.0.1")
        #expect(object["method"]?.stringValue == "GET")
        #expect(object["target"]?.stringValue == "/get?a=1")
        #expect(object["status"] == .number("200"))
        #expect(object["bytes"] == .number("312"))
        #expect(object["duration_ms"] == .number("0.412"))
        #expect(object["user_agent"]?.stringValue == "curl/8.5.0")
        #expect(object["outcome"]?.stringValue == "answered")
        #expect(object["reason"] == nil)
        #expect(object["headers"] == nil)
    }

    @Test("json: no answer is status null with its reason; headers are [name, value] pairs in order; text is escaped")
    func jsonUnanswered() throws {
        var headers = HTTPHeaders()
        headers.add("X-A", "1\"\n")
        headers.add("x-a", "2")
        let object = try JSON.parse(
            Array(line(record(status: nil, userAgent: "q\"\u{1}", outcome: .unanswered(reason: "timed out"), headers: headers), .json).utf8))
        #expect(object["status"] == .null)
        #expect(object["user_agent"]?.stringValue == "q\"\u{1}")
        #expect(object["outcome"]?.stringValue == "unanswered")
        #expect(object["reason"]?.stringValue == "timed out")
        #expect(object["headers"] == .array([.array([.string("X-A"), .string("1\"\n")]), .array([.string("x-a"), .string("2")])]))
        #expect(try JSON.parse(Array(line(record(userAgent: nil), .json).utf8))["user_agent"] == .null)
    }

    @Test("timestamps: RFC 3339 UTC with milliseconds, right across days, leap days and the epoch")
    func timestamps() {
        #expect(LogTimestamps.text(WallTime(seconds: 0, milliseconds: 5)) == "1970-01-01T00:00:00.005Z")
        #expect(LogTimestamps.text(WallTime(seconds: 951_782_399, milliseconds: 999)) == "2000-02-28T23:59:59.999Z")
        #expect(LogTimestamps.text(WallTime(seconds: 951_782_400, milliseconds: 0)) == "2000-02-29T00:00:00.000Z")
        #expect(LogTimestamps.text(WallTime(seconds: 4_102_444_800, milliseconds: 42)) == "2100-01-01T00:00:00.042Z")
        // One cache across seconds: each line has its own second.
        var timestamps = LogTimestamps()
        var output: [UInt8] = []
        for (seconds, milliseconds) in [(86_399, 1), (86_399, 999), (86_400, 0), (86_399, 2)] {
            var line = [UInt8](repeating: 0, count: 32)
            line.withUnsafeMutableBufferPointer { buffer in
                var writer = LineWriter(buffer.baseAddress!)
                timestamps.write(WallTime(seconds: Int64(seconds), milliseconds: milliseconds), to: &writer)
                output += buffer[..<writer.count(from: buffer.baseAddress!)] + [UInt8(ascii: " ")]
            }
        }
        #expect(String(decoding: output, as: UTF8.self)
            == "1970-01-01T23:59:59.001Z 1970-01-01T23:59:59.999Z 1970-01-02T00:00:00.000Z 1970-01-01T23:59:59.002Z ")
    }

    @Test("durations: microseconds as milliseconds with three decimals")
    func durations() {
        for (nanoseconds, text) in [(0, "0.000"), (999, "0.000"), (1_000, "0.001"), (412_345, "0.412"), (60_000_000_000, "60000.000"), (-5, "0.000")] {
            #expect(line(record(nanoseconds: Int64(nanoseconds))).contains(" \(text)ms "), "\(nanoseconds) ns")
        }
    }
}
