/// Percent-decoding as browsers and httpbin do it (lenient, never failing), and the one percent-encoder.
public enum PercentCoding {
    /// Decodes `%HH` escapes; a `%` not followed by two hex digits stays as it is. With
    /// `plusAsSpace`, `+` becomes a space (form and query encoding). Bytes that do not form
    /// UTF-8 after decoding become U+FFFD.
    public static func decode<Text: StringProtocol>(_ text: Text, plusAsSpace: Bool) -> String {
        decode(bytes: text.utf8, plusAsSpace: plusAsSpace)
    }

    public static func decode<Bytes: Collection<UInt8>>(bytes: Bytes, plusAsSpace: Bool) -> String {
        // Most keys and values have nothing to decode.
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: decodeBytes(bytes, plusAsSpace: plusAsSpace), as: UTF8.self)
    }

    /// The decoded bytes, before any UTF-8 interpretation.
    public static func decodeBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                        output.append(high << 4 | low)
                        index = bytes.index(after: second)
                        continue
                    }
                }
                output.append(byte)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else {
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        return output
    }

    @inline(__always)
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes every byte `keeping` refuses, as `%XX` with upper-case hex: the one encoder
    /// for query and form values, python's `quote(text, safe)`, and a URL the client sends.
    ///
    /// ```swift
    /// PercentCoding.encode("a b&c")                                   // "a%20b%26c"
    /// PercentCoding.encode("a b", spaceAsPlus: true)                  // "a+b" (form encoding)
    /// PercentCoding.encode("/a b/%41", keeping: PercentCoding.isURLByte, keepingEscapes: true)  // "/a%20b/%41"
    /// ```
    /// - Parameters:
    ///   - spaceAsPlus: write a space as `+` (application/x-www-form-urlencoded).
    ///   - keepingEscapes: leave a `%` that starts a valid `%XX` escape alone, so text is never encoded twice.
    public static func encode<Text: StringProtocol>(
        _ text: Text, keeping allowed: (UInt8) -> Bool = isUnreserved, spaceAsPlus: Bool = false, keepingEscapes: Bool = false
    ) -> String {
        let bytes = Array(text.utf8)
        func kept(_ index: Int) -> Bool {
            let byte = bytes[index]
            if keepingEscapes && byte == UInt8(ascii: "%") {
                return index + 2 < bytes.count && hexValue(bytes[index + 1]) != nil && hexValue(bytes[index + 2]) != nil
            }
            return allowed(byte)
        }
        // Most values need nothing: hand back the same text rather than rebuilding it.
        guard let first = bytes.indices.first(where: { !kept($0) }) else { return String(text) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        output.append(contentsOf: bytes[..<first])
        for index in first..<bytes.count {
            let byte = bytes[index]
            if kept(index) {
                output.append(byte)
            } else if spaceAsPlus && byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                appendEscape(byte, to: &output)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `%XX` for `byte`, upper-case hex.
    public static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "%"))
        output.append(upperHexDigits[Int(byte >> 4)])
        output.append(upperHexDigits[Int(byte & 0xF)])
    }

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// Printable ASCII a URL may carry as it is: everything from `!` to `~` but `"<>\^`{|}`.
    public static func isURLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"), UInt8(ascii: "^"),
            UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
            false
        case 0x21...0x7E: true
        default: false
        }
    }

    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
