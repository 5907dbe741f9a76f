import HTTPWire

// How Go (net/url, strconv) and httpbun's router read and write text, in one place for every
// handler that copies them.

/// A refusal worded as httpbun's Go words it (`invalid URL escape "%zz"`).
struct GoRefusal: Error, Equatable {
    let message: String
}

/// Go's `url.PathUnescape` and `url.QueryUnescape`: `%XX` decoded, `+` a space in a query, and a
/// bad escape an error worded as Go words it.
enum GoUnescape {
    static func unescape(_ text: Substring, plusAsSpace: Bool) -> Result<String, GoRefusal> {
        let bytes = Array(text.utf8)
        if let bad = firstBadEscape(bytes[...]) {
            return .failure(GoRefusal(message: "invalid URL escape \"\(String(decoding: bytes[bad], as: UTF8.self))\""))
        }
        return .success(PercentCoding.decode(bytes: bytes, plusAsSpace: plusAsSpace))
    }

    /// The first `%` not followed by two hex digits, with what follows it (up to two bytes).
    static func firstBadEscape(_ bytes: ArraySlice<UInt8>) -> Range<Int>? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, PercentCoding.hexValue(bytes[index + 1]) != nil,
                    PercentCoding.hexValue(bytes[index + 2]) != nil
                else { return index..<min(index + 3, bytes.endIndex) }
                index += 3
            } else {
                index += 1
            }
        }
        return nil
    }
}

/// Go's `%q` (`strconv.Quote`) of a string: in double quotes, with `"` and `\\` escaped and control
/// bytes written as escapes, as httpbun's pages and messages show values.
enum GoQuote {
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": output += "\\" + String(scalar)
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                output += "\\x" + Hex.encode([UInt8(scalar.value)])
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

/// httpbun's route fields: its patterns match the escaped path, and each field is then
/// `url.QueryUnescape`d (`+` is a space, `%2F` a slash), or kept as it came when an escape is bad.
enum HTTPBunField {
    /// `raw` unescaped as httpbun unescapes a field: bytes, since an escape may make any byte.
    static func bytes(_ raw: Substring) -> [UInt8] {
        let utf8 = Array(raw.utf8)
        guard GoUnescape.firstBadEscape(utf8[...]) == nil else { return utf8 }
        return PercentCoding.decodeBytes(utf8, plusAsSpace: true)
    }

    /// `raw` unescaped as httpbun unescapes a field, as text (bytes that are not UTF-8 as U+FFFD).
    static func string(_ raw: Substring) -> String {
        String(decoding: bytes(raw), as: UTF8.self)
    }

    /// The raw path after its first segment and the slash that ends it: `/svg/a/b` gives `a/b`,
    /// `/base64` gives an empty rest.
    static func afterFirstSegment(_ routePath: Substring) -> Substring {
        let utf8 = routePath.utf8
        let slash = UInt8(ascii: "/")
        var index = utf8.firstIndex { $0 != slash } ?? utf8.endIndex
        index = utf8[index...].firstIndex(of: slash) ?? utf8.endIndex
        if index < utf8.endIndex { index = utf8.index(after: index) }
        return Substring(utf8[index...])
    }

    /// The raw second segment of the path: `/bearer/tok/` gives `tok`.
    static func secondSegment(_ routePath: Substring) -> Substring {
        let rest = afterFirstSegment(routePath)
        return Substring(rest.utf8.prefix { $0 != UInt8(ascii: "/") })
    }
}

/// Go's `time.Duration` as go-httpbin reads and prints it: `time.ParseDuration` (`100ms`, `1h2m`),
/// or failing that a number of seconds (`strconv.ParseFloat`, converted as go-httpbin converts
/// it), and `Duration.String()` (`1m0s`, `1.5µs`) for its messages.
package enum GoDuration {
    /// go-httpbin's `parseDuration`: nanoseconds, or `strconv.ParseFloat`'s error text.
    static func parse(_ text: String) -> Result<Int64, GoRefusal> {
        if let nanoseconds = parseGoSyntax(text) { return .success(nanoseconds) }
        switch GoFloatParse.parse(text) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let seconds):
            // `time.Duration(n*1000) * time.Millisecond`: a float out of int64's range converts to
            // int64's minimum on amd64, and the product wraps.
            let milliseconds = seconds * 1000
            let whole = milliseconds.isFinite && abs(milliseconds) < 9.2e18 ? Int64(milliseconds) : Int64.min
            return .success(whole &* 1_000_000)
        }
    }

    /// `time.ParseDuration`; nil where it returns an error.
    package static func parseGoSyntax(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        if bytes[index...].elementsEqual("0".utf8) { return 0 }
        guard index < bytes.count else { return nil }
        let limit: UInt64 = 1 << 63
        var total: UInt64 = 0
        while index < bytes.count {
            // The number: digits and an optional fraction, with at least one digit.
            var whole: UInt64 = 0
            let wholeStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                guard whole <= limit / 10 else { return nil }
                whole = whole * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
                guard whole <= limit else { return nil }
                index += 1
            }
            var hadDigits = index > wholeStart
            var fraction: UInt64 = 0
            var scale: Double = 1
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, isDigit(bytes[index]) {
                    // Digits past what 63 bits hold cannot change the result; Go drops them too.
                    if fraction <= limit / 10 {
                        fraction = fraction * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
                        scale *= 10
                    }
                    index += 1
                }
                hadDigits = hadDigits || index > fractionStart
            }
            guard hadDigits else { return nil }
            // The unit: everything up to the next digit or dot.
            let unitStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "."), !isDigit(bytes[index]) { index += 1 }
            guard let perUnit = units[String(decoding: bytes[unitStart..<index], as: UTF8.self)] else { return nil }
            let (scaled, overflow) = whole.multipliedReportingOverflow(by: perUnit)
            guard !overflow, scaled <= limit else { return nil }
            var value = scaled
            if fraction > 0 {
                value += UInt64(Double(fraction) * (Double(perUnit) / scale))
                guard value <= limit else { return nil }
            }
            total += value
            guard total <= limit else { return nil }
        }
        if !negative && total > UInt64(Int64.max) { return nil }
        return negative ? Int64(truncatingIfNeeded: 0 &- total) : Int64(total)
    }

    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// `time.Duration.String()`.
    static func string(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        var magnitude = nanoseconds.magnitude
        var text: String
        if magnitude < 1_000_000_000 {
            // Under a second: one unit, with a fraction.
            let (unit, digits): (String, Int) =
                magnitude < 1_000 ? ("ns", 0) : magnitude < 1_000_000 ? ("µs", 3) : ("ms", 6)
            text = fixed(magnitude, fractionDigits: digits) + unit
        } else {
            text = fixed(magnitude % 60_000_000_000, fractionDigits: 9) + "s"
            magnitude /= 60_000_000_000
            if magnitude > 0 {
                text = String(magnitude % 60) + "m" + text
                magnitude /= 60
                if magnitude > 0 { text = String(magnitude) + "h" + text }
            }
        }
        return negative ? "-" + text : text
    }

    /// `value` divided by 10^`fractionDigits`, without trailing zeros in the fraction.
    private static func fixed(_ value: UInt64, fractionDigits: Int) -> String {
        var divisor: UInt64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        var fraction = String(value % divisor)
        fraction = String(repeating: "0", count: max(0, fractionDigits - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return String(value / divisor) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// `strconv.ParseFloat(text, 64)` and `strconv.Atoi`, with the errors Go words.
enum GoFloatParse {
    static func parse(_ text: String) -> Result<Double, GoRefusal> {
        let lowered = text.lowercased()
        let spelledInfinity = ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(lowered)
        // Swift reads a few spellings Go does not (a trailing `p` exponent without hex, spaces are
        // refused by both); Go's `_` separators (only after a base prefix) are not taken here.
        // Swift's reading stops at a NUL (it goes through C's strtod): `1\0s` would be 1.
        guard !text.isEmpty, !text.utf8.contains(0), let value = Double(text), !text.contains(" ") else {
            return .failure(GoRefusal(message: "strconv.ParseFloat: parsing \(GoQuote.quote(text)): invalid syntax"))
        }
        if value.isInfinite && !spelledInfinity {
            return .failure(GoRefusal(message: "strconv.ParseFloat: parsing \(GoQuote.quote(text)): value out of range"))
        }
        return .success(value)
    }

    static func atoi(_ text: String) -> Result<Int, GoRefusal> {
        if let value = Int(text) { return .success(value) }
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        let reason = !digits.isEmpty && DecimalNumber.isDigits(digits) ? "value out of range" : "invalid syntax"
        return .failure(GoRefusal(message: "strconv.Atoi: parsing \(GoQuote.quote(text)): \(reason)"))
    }
}
