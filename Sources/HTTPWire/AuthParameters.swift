/// The auth-param lists of `WWW-Authenticate` and `Authorization` (RFC 9110 section 11.2): the server
/// reads a client's Digest credentials with it, the client a server's Digest challenge.
///
/// ```swift
/// AuthParameters.parse(#"realm="a, b", nonce=xyz"#)   // ["realm": "a, b", "nonce": "xyz"]
/// AuthParameters.parse(#"realm="open"#)                // nil: the quote never closes
/// ```
public enum AuthParameters {
    /// `name=value, name="quoted \" value"` (RFC 9110 section 11.2), names lower-cased, quoted
    /// values unescaped; the first of repeated names wins. Nil when the list is malformed (an
    /// unterminated quote, a parameter without `=`).
    public static func parse<Text: StringProtocol>(_ text: Text) -> [String: String]? {
        let bytes = Array(text.utf8)
        var parameters: [String: String] = [:]
        var index = 0
        func skip(_ isSkipped: (UInt8) -> Bool) {
            while index < bytes.count, isSkipped(bytes[index]) { index += 1 }
        }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        while true {
            skip { isSpace($0) || $0 == UInt8(ascii: ",") }
            guard index < bytes.count else { return parameters }
            let nameStart = index
            skip(HTTPToken.isTokenByte)
            guard index > nameStart else { return nil }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).asciiLowercased
            skip(isSpace)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
            index += 1
            skip(isSpace)
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if byte == UInt8(ascii: "\\"), index < bytes.count {
                        value.append(bytes[index])
                        index += 1
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { return nil }
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), !isSpace(bytes[index]) { index += 1 }
                value = Array(bytes[valueStart..<index])
            }
            if parameters[name] == nil { parameters[name] = String(decoding: value, as: UTF8.self) }
            skip(isSpace)
            guard index >= bytes.count || bytes[index] == UInt8(ascii: ",") else { return nil }
        }
    }
}
