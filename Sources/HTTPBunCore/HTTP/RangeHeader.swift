import HTTPWire

/// A `Range: bytes=...` request header (RFC 9110 §14.1.2), parsed and resolved against a length.
///
/// ```swift
/// RangeHeader.parse("bytes=0-9, -5")                 // [.from(0, through: 9), .suffix(5)]
/// RangeHeader.resolve("bytes=10-", length: 100)     // .partial(10...99)
/// RangeHeader.resolve("bytes=200-", length: 100)    // .unsatisfiable
/// RangeHeader.resolve("lines=1-2", length: 100)     // .full: not a range we understand
/// ```
enum RangeHeader {
    /// One range as written.
    public enum Spec: Sendable, Hashable {
        /// `first-last`, or `first-` when `last` is nil.
        case from(Int, through: Int?)
        /// `-count`: the last `count` bytes.
        case suffix(Int)
    }

    /// What to send for a representation of a given length.
    public enum Resolution: Sendable, Hashable {
        /// No usable `Range`: send everything with 200.
        case full
        /// 206 with these bytes.
        case partial(ClosedRange<Int>)
        /// 416: well-formed, but no range overlaps the representation.
        case unsatisfiable
    }

    /// The ranges of a `bytes` range header; nil when the header is malformed or uses another unit
    /// (RFC 9110 lets a server ignore such a header, and then it answers 200 with everything).
    /// A range whose last position is before its first is malformed. Numbers too large for `Int`
    /// are kept as `Int.max`, which no representation reaches.
    public static func parse<Text: StringProtocol>(_ text: Text) -> [Spec]? {
        let bytes = Array(text.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let unit = String(decoding: bytes[..<equals], as: UTF8.self).trimmingSpaces
        guard unit.equalsASCIICaseInsensitive("bytes") else { return nil }
        var specs: [Spec] = []
        for item in bytes[(equals + 1)...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let piece = Array(String(decoding: item, as: UTF8.self).trimmingSpaces.utf8)
            // RFC 9110's list rule allows empty elements (`bytes=0-1,,2-3`); skip them.
            if piece.isEmpty { continue }
            guard let dash = piece.firstIndex(of: UInt8(ascii: "-")) else { return nil }
            let firstDigits = piece[..<dash]
            let lastDigits = piece[(dash + 1)...]
            if firstDigits.isEmpty {
                guard let count = number(lastDigits) else { return nil }
                specs.append(.suffix(count))
            } else {
                guard let first = number(firstDigits) else { return nil }
                if lastDigits.isEmpty {
                    specs.append(.from(first, through: nil))
                } else {
                    guard let last = number(lastDigits), last >= first else { return nil }
                    specs.append(.from(first, through: last))
                }
            }
        }
        return specs.isEmpty ? nil : specs
    }

    /// Resolves a `Range` header value (nil when the request has none) against `length` bytes.
    ///
    /// With several ranges, the first satisfiable one is served alone: a multipart/byteranges
    /// answer is optional (RFC 9110 §14.2 lets a server ignore ranges), clients rarely parse one,
    /// and httpbin serves a single part too.
    /// An empty representation has no byte to point at, so any range gets the full (empty) answer.
    public static func resolve(_ header: String?, length: Int) -> Resolution {
        guard let header, let specs = parse(header), length > 0 else { return .full }
        for spec in specs {
            switch spec {
            case .from(let first, let last):
                guard first < length else { continue }
                return .partial(first...min(last ?? length - 1, length - 1))
            case .suffix(let count):
                guard count > 0 else { continue }
                return .partial(max(0, length - count)...(length - 1))
            }
        }
        return .unsatisfiable
    }

    /// Decimal digits only (no sign, no spaces); saturates at `Int.max`.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return Int.max }
            value = sum
        }
        return value
    }
}
