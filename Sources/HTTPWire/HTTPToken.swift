/// RFC 9110's `token` (section 5.6.2): header names, cookie names and auth-scheme names share it.
///
/// ```swift
/// HTTPToken.isValid("X-Custom")   // true
/// HTTPToken.isValid("a b")        // false
/// ```
public enum HTTPToken {
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// `tchar`: letters, digits and `!#$%&'*+-.^_`|~`.
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
