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

    /// The pairs werkzeug 3.1's `parse_cookie` reads (python httpbin's `request.cookies`): a name
    /// of any bytes but space, tab, `=`, `"` and `;`; an optional `=` and a value that is a token
    /// (no space, tab, `"` or `;`) or a quoted string whose `\ooo` octal and `\x` escapes are
    /// undone; a name without `=` has the empty value; a segment that fits none of this is skipped
    /// up to the next `;`.
    ///
    /// ```swift
    /// CookieHeader.parseAsWerkzeug([#"a="x\073y"; b; c=d"e; f=1"#])   // [("a","x;y"), ("b",""), ("f","1")]
    /// ```
    static func parseAsWerkzeug(_ headerValues: [String]) -> [(name: String, value: String)] {
        var cookies: [(name: String, value: String)] = []
        for headerValue in headerValues {
            let bytes = Array(headerValue.utf8)
            var position = 0
            while position < bytes.count {
                if let (pair, end) = werkzeugPair(bytes, from: position) {
                    cookies.append(pair)
                    position = end
                } else if let semicolon = bytes[position...].firstIndex(of: UInt8(ascii: ";")) {
                    position = semicolon + 1
                } else {
                    break
                }
            }
        }
        return cookies
    }

    /// One match of werkzeug's `_cookie_re` at `start`, and where the match ends (past its `;`).
    private static func werkzeugPair(_ bytes: [UInt8], from start: Int) -> (pair: (name: String, value: String), end: Int)? {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func skipBlanks(_ index: inout Int) { while index < bytes.count, isBlank(bytes[index]) { index += 1 } }
        var index = start
        skipBlanks(&index)
        let nameStart = index
        while index < bytes.count, !isBlank(bytes[index]), ![UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: ";")].contains(bytes[index]) {
            index += 1
        }
        guard index > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        var value: [UInt8] = []
        skipBlanks(&index)
        if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
            index += 1
            skipBlanks(&index)
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                // A quoted string with backslash escapes; unterminated, nothing here matches.
                var scan = index + 1
                while scan < bytes.count, bytes[scan] != UInt8(ascii: "\"") {
                    scan += bytes[scan] == UInt8(ascii: "\\") && scan + 1 < bytes.count ? 2 : 1
                }
                guard scan < bytes.count else { return nil }
                value = unslashed(bytes[(index + 1)..<scan])
                index = scan + 1
            } else {
                let valueStart = index
                while index < bytes.count, !isBlank(bytes[index]), bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: ";") { index += 1 }
                value = Array(bytes[valueStart..<index])
            }
            skipBlanks(&index)
        }
        // The pair must end here: at a `;` or at the end.
        guard index == bytes.count || bytes[index] == UInt8(ascii: ";") else { return nil }
        return ((name, String(decoding: value, as: UTF8.self)), min(index + 1, bytes.count))
    }

    /// werkzeug's `_cookie_unslash_re`: `\ooo` (first digit 0-3) is that byte, `\x` is `x`.
    private static func unslashed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        func digit(_ index: Int, upTo top: UInt8) -> UInt8? {
            index < bytes.endIndex && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= top ? bytes[index] - UInt8(ascii: "0") : nil
        }
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.endIndex else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if let high = digit(index + 1, upTo: UInt8(ascii: "3")), let middle = digit(index + 2, upTo: UInt8(ascii: "7")),
                let low = digit(index + 3, upTo: UInt8(ascii: "7"))
            {
                output.append(high << 6 | middle << 3 | low)
                index += 4
            } else {
                output.append(bytes[index + 1])
                index += 2
            }
        }
        return output
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }
}
