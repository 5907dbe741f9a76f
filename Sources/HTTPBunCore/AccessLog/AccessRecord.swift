import JSONValue

/// What the access log writes for one request: who asked what, what we answered, and how it ended.
///
/// The server makes one when libmicrohttpd says a request is over, answered or not, so a request
/// closed without an answer (`/fault/close`, a client gone mid-body, a timeout, a stop) has a line
/// too. docs/logging.md lists the fields.
///
/// ```swift
/// let record = AccessRecord(
///     time: WallTime(seconds: 1_765_100_000, milliseconds: 123), client: "127.0.0.1", method: "GET",
///     target: "/get?a=1", status: 200, bytes: 312, durationNanoseconds: 412_000, userAgent: "curl/8.5.0")
/// var line: [UInt8] = []
/// var timestamps = LogTimestamps()
/// LogFormat.human.append(record, to: &line, timestamps: &timestamps)
/// // 2025-12-07T09:33:20.123Z INFO 127.0.0.1 GET /get?a=1 200 312 0.412ms "curl/8.5.0"
/// ```
public struct AccessRecord: Sendable, Equatable {
    /// How the request ended.
    public enum Outcome: Sendable, Equatable {
        /// The whole answer was handed to the client.
        case answered
        /// An answer was started and not finished: the client saw a status, then the connection end.
        case cut(reason: String)
        /// Nothing was answered: the connection closed first.
        case unanswered(reason: String)
        /// libmicrohttpd answered it itself (a 4xx or 5xx for a malformed or oversized request)
        /// before any route saw it; its own warning line, just before, names the status.
        case refused(reason: String)

        /// The word the JSON line's `outcome` field holds.
        public var name: String {
            switch self {
            case .answered: "answered"
            case .cut: "cut"
            case .unanswered: "unanswered"
            case .refused: "refused"
            }
        }

        public var reason: String? {
            switch self {
            case .answered: nil
            case .cut(let reason), .unanswered(let reason), .refused(let reason): reason
            }
        }
    }

    public var time: WallTime
    /// The client's IP address ("" when libmicrohttpd had none).
    public var client: String
    public var method: String
    /// The request target as sent (path and query).
    public var target: String
    /// The status we answered; nil when nothing was answered.
    public var status: Int?
    /// Body bytes of our answer (0 for HEAD and for no answer).
    public var bytes: Int
    /// From the request line's arrival to the end of the request, in nanoseconds (kept as an
    /// integer: a `Duration`'s 128-bit arithmetic costs more than the rest of the line).
    public var durationNanoseconds: Int64
    /// From the request line's arrival to the end of the request.
    public var duration: Duration { .nanoseconds(durationNanoseconds) }
    public var userAgent: String?
    public var outcome: Outcome
    /// The request's header fields in arrival order, written only at `--log-level debug`.
    public var headers: HTTPHeaders?

    /// Inlinable: the server makes one per request, and a call across modules copied every field.
    @inlinable
    public init(
        time: WallTime, client: String, method: String, target: String, status: Int?, bytes: Int, durationNanoseconds: Int64,
        userAgent: String?, outcome: Outcome = .answered, headers: HTTPHeaders? = nil
    ) {
        self.time = time
        self.client = client
        self.method = method
        self.target = target
        self.status = status
        self.bytes = bytes
        self.durationNanoseconds = durationNanoseconds
        self.userAgent = userAgent
        self.outcome = outcome
        self.headers = headers
    }
}

/// A moment in UTC, to the millisecond, as the log writes it.
public struct WallTime: Sendable, Equatable {
    public var seconds: Int64
    /// 0...999.
    public var milliseconds: Int

    @inlinable
    public init(seconds: Int64, milliseconds: Int) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }
}

/// RFC 3339 timestamps with milliseconds, the text of each second made once: a busy server logs
/// thousands of lines in the same second, and only their last four characters differ.
public struct LogTimestamps: Sendable {
    private var second: Int64 = .min
    /// `YYYY-MM-DDTHH:MM:SS.` of `second`.
    private var prefix: [UInt8] = []

    public init() {}

    /// Writes `2026-12-07T22:05:47.123Z`.
    mutating func write(_ time: WallTime, to line: inout LineWriter) {
        if time.seconds != second {
            second = time.seconds
            prefix = Self.secondText(time.seconds)
        }
        prefix.withUnsafeBufferPointer { line.bytes($0) }
        line.padded(min(max(time.milliseconds, 0), 999), digits: 3)
        line.byte(UInt8(ascii: "Z"))
    }

    /// The text of `time` on its own.
    ///
    /// ```swift
    /// LogTimestamps.text(WallTime(seconds: 0, milliseconds: 5))   // "1970-01-01T00:00:00.005Z"
    /// ```
    public static func text(_ time: WallTime) -> String {
        var timestamps = LogTimestamps()
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var line = LineWriter(buffer.baseAddress!)
            timestamps.write(time, to: &line)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: line.count(from: buffer.baseAddress!)), as: UTF8.self)
        }
    }

    private static func secondText(_ seconds: Int64) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = Int(seconds - days * 86_400)
        let date = HTTPDate.civilDate(daysSinceEpoch: days)
        var text: [UInt8] = []
        text.reserveCapacity(20)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(date.year, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int64(date.month), 2)
        text.append(UInt8(ascii: "-"))
        digits(Int64(date.day), 2)
        text.append(UInt8(ascii: "T"))
        digits(Int64(inDay / 3600), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int64(inDay / 60 % 60), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int64(inDay % 60), 2)
        text.append(UInt8(ascii: "."))
        return text
    }
}
