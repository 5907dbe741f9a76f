import HTTPWire

// The parsers of path and query arguments that several endpoints share. Each throws the 400 its
// endpoint answers, with a message that says what to send instead.

/// A byte count given in a path (`/bytes/{n}`), checked against a maximum.
enum ByteCountParameter {
    static func parse(_ text: String, maximum: Int, limitName: String = "the server's maximum (--max-body-size)") throws(HTTPError) -> Int {
        guard DecimalNumber.isDigits(text) else {
            throw .badRequest("invalid size \"\(text)\": use a whole number of bytes from 0 to \(maximum)")
        }
        guard let value = Int(text), value <= maximum else {
            throw .badRequest("size \(text) is larger than \(limitName) of \(maximum) bytes")
        }
        return value
    }
}

/// A whole number given as a query argument, with a default when absent.
enum WholeNumberParameter {
    static func parse(_ text: String?, name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let text else { return defaultValue }
        let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
        let hint = "use a whole number from \(range.lowerBound)\(upper)"
        guard let value = DecimalNumber.whole(text) else {
            throw .badRequest("invalid \(name) \"\(text)\": \(hint)")
        }
        guard range.contains(value) else {
            throw .badRequest("\(name) \(value) is out of range: \(hint)")
        }
        return value
    }
}

/// Seconds given in a path or query (`1`, `0.25`), checked against the server's maximum.
enum DurationParameter {
    static func parse(_ text: String, name: String, maximum: Duration) throws(HTTPError) -> Duration {
        let maximumSeconds = maximum.secondsValue
        guard let seconds = DecimalNumber.decimal(text), seconds.isFinite else {
            throw .badRequest("invalid \(name) \"\(text)\": use a number of seconds such as 1 or 0.25")
        }
        guard seconds >= 0 else {
            throw .badRequest("invalid \(name) \(text): seconds cannot be negative")
        }
        guard seconds <= maximumSeconds else {
            throw .badRequest("\(name) \(text) is longer than the server's maximum of \(formatSeconds(maximumSeconds)) seconds (--max-duration)")
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension Duration {
    /// The duration in seconds, for messages and arithmetic in seconds.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
