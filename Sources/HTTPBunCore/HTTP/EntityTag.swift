import HTTPWire

/// Entity tags and the `If-Match` / `If-None-Match` lists that carry them (RFC 9110 section 8.8.3
/// and 13.1).
///
/// ```swift
/// let condition = EntityTagCondition.parse(["W/\"a\", \"b\""])
/// condition.matches("a", weakly: true)    // true
/// condition.matches("a", weakly: false)   // false: a weak tag never matches strongly
/// ```
enum EntityTagCondition: Sendable, Equatable {
    /// `*`: any current representation.
    case any
    case tags([Tag])

    public struct Tag: Sendable, Equatable {
        /// The tag without quotes and without `W/`.
        public var opaque: String
        public var isWeak: Bool

        public init(opaque: String, isWeak: Bool = false) {
            self.opaque = opaque
            self.isWeak = isWeak
        }
    }

    /// Every header value joined as one list. Unquoted items are taken as bare tags, since some
    /// clients send them so and httpbun has always matched them.
    public static func parse(_ values: [String]) -> EntityTagCondition {
        var tags: [Tag] = []
        for value in values {
            let bytes = Array(value.utf8)
            var index = 0
            while index < bytes.count {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == UInt8(ascii: ",") {
                    index += 1
                }
                guard index < bytes.count else { break }
                var isWeak = false
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "W"), bytes[index + 1] == UInt8(ascii: "/") {
                    isWeak = true
                    index += 2
                }
                let opaque: ArraySlice<UInt8>
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    // A quoted tag may hold commas, so scan to the closing quote.
                    let start = index + 1
                    var end = start
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                    opaque = bytes[start..<end]
                    index = end + 1
                } else {
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
                    let item = String(decoding: bytes[start..<index], as: UTF8.self).trimmingSpaces
                    if item == "*" && !isWeak { return .any }
                    opaque = ArraySlice(item.utf8)
                }
                tags.append(Tag(opaque: String(decoding: opaque, as: UTF8.self), isWeak: isWeak))
            }
        }
        return .tags(tags)
    }

    /// Whether a strong tag `opaque` matches. Weak comparison ignores `W/` (for `If-None-Match`);
    /// strong comparison (for `If-Match`) never matches a weak tag.
    public func matches(_ opaque: String, weakly: Bool) -> Bool {
        switch self {
        case .any: return true
        case .tags(let tags): return tags.contains { $0.opaque == opaque && (weakly || !$0.isWeak) }
        }
    }

    /// Whether `opaque` can be sent as a strong tag: `etagc` bytes only (no `"`, space or control).
    public static func isValidOpaque(_ opaque: String) -> Bool {
        !opaque.isEmpty && opaque.utf8.allSatisfy { $0 == 0x21 || (0x23...0x7E).contains($0) || $0 >= 0x80 }
    }
}
