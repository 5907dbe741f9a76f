import HTTPWire

/// The request `Cookie` header (RFC 6265 section 5.4, read leniently as browsers send it).
enum CookieHeader {
    /// Every `name=value` pair of every `Cookie` header value, in order. Whitespace around names
    /// and values is trimmed, a value wrapped in double quotes is unquoted, a segment without `=`
    /// or with an empty name is skipped. Nothing is percent-decoded. Never fails.
    ///
    /// ```swift
    /// CookieHeader.parse(["a=1; b=\"2\"", "c=3"])   // [("a","1"), ("b","2"), ("c","3")]
    /// ```
    public static func parse(_ headerValues: [String]) -> [(name: String, value: String)] {
        var cookies: [(name: String, value: String)] = []
        for headerValue in headerValues {
            // Bytes, not Characters: a `;` or `=` followed by a combining mark is still a separator.
            let bytes = Array(headerValue.utf8)
            var segmentStart = 0
            while segmentStart <= bytes.count {
                var segmentEnd = segmentStart
                while segmentEnd < bytes.count, bytes[segmentEnd] != UInt8(ascii: ";") { segmentEnd += 1 }
                let segment = bytes[segmentStart..<segmentEnd]
                if let equals = segment.firstIndex(of: UInt8(ascii: "=")) {
                    let name = trimmed(segment[..<equals])
                    var value = trimmed(segment[(equals + 1)...])
                    if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                        value = value.dropFirst().dropLast()
                    }
                    if !name.isEmpty {
                        cookies.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                    }
                }
                segmentStart = segmentEnd + 1
            }
        }
        return cookies
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }
}
