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
