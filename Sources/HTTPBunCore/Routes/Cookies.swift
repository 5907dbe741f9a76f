import HTTPWire
import JSONValue

/// `/cookies`, `/cookies/set`, `/cookies/set/{name}/{value}`, `/cookies/delete`, and httpbun's
/// singular spellings (`/cookie`, `/cookie/set`, ...).
enum CookieRoutes {
    static func cookies(_ request: Request) -> Response {
        var object = JSONObject()
        for pair in CookieHeader.parse(request.headers.values(for: "Cookie")) {
            object[pair.name] = .string(pair.value)
        }
        return .json(["cookies": .object(object)])
    }

    /// httpbun's `/cookies/set`: one `Set-Cookie: name=value; Path=/` per name (its first value,
    /// with the bytes no cookie may carry dropped, as Go drops them), on a redirect page to `/cookies`.
    static func set(_ context: RouteContext, _ pairs: [(name: String, value: String)]) -> Response {
        var seen = Set<String>()
        let firsts = pairs.filter { seen.insert($0.name).inserted }
        for pair in firsts where !HTTPToken.isValid(pair.name) {
            return .error(400, "invalid cookie name \"\(pair.name)\": use letters, digits and !#$%&'*+-.^_`|~")
        }
        var response = redirectToCookies(context)
        for pair in firsts { response.headers.add("Set-Cookie", pair.name + "=" + SetCookie.goSanitizedValue(pair.value) + "; Path=/") }
        return response
    }

    /// httpbun's `/cookies/delete`: each named cookie expired, attributes in Go's order.
    static func delete(_ context: RouteContext) -> Response {
        var response = redirectToCookies(context)
        var seen = Set<String>()
        for name in context.request.query.map(\.name) where HTTPToken.isValid(name) && seen.insert(name).inserted {
            response.headers.add("Set-Cookie", name + "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
        }
        return response
    }

    /// httpbun's redirect page to `/cookies` (under the path prefix).
    static func redirectToCookies(_ context: RouteContext) -> Response {
        RedirectRoutes.redirectPage(to: context.configuration.normalizedPathPrefix + "/cookies")
    }
}

/// Rules for the `Set-Cookie` header (RFC 6265 section 4.1.1).
enum SetCookie {
    /// python httpbin's `set_cookie`: one `Set-Cookie: name=value; Path=/` per pair, the value
    /// quoted as werkzeug quotes it (any value can be carried), `; Secure` over HTTPS; a 400 for a
    /// name that is not a token (werkzeug would write it into the header as it is).
    static func adding(_ pairs: [(name: String, value: String)], to response: Response, secure: Bool) -> Response {
        var response = response
        for pair in pairs {
            guard HTTPToken.isValid(pair.name) else {
                return .error(400, "invalid cookie name \"\(pair.name)\": use letters, digits and !#$%&'*+-.^_`|~")
            }
            response.headers.add("Set-Cookie", "\(pair.name)=\(werkzeugValue(pair.value))" + (secure ? "; Secure" : "") + "; Path=/")
        }
        return response
    }

    /// `response` with a `Set-Cookie` that expires each valid name.
    static func expiring(_ names: [String], on response: Response) -> Response {
        var response = response
        for name in names where HTTPToken.isValid(name) {
            response.headers.add("Set-Cookie", "\(name)=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
        }
        return response
    }

    /// The value as Go's `http.Cookie` writes it: the bytes no cookie may carry dropped (Go logs
    /// and drops them), then quoted as `encodeValue` quotes.
    static func goSanitizedValue(_ value: String) -> String {
        let kept = value.utf8.filter { (0x20..<0x7F).contains($0) && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return encodeValue(String(decoding: kept, as: UTF8.self)) ?? ""
    }

    /// The value as werkzeug 3.1's `dump_cookie` writes it (python httpbin's `set_cookie`): as it is
    /// when every byte is a word character or one of ``!#$%&'()*+-./:<=>?@[]^`{|}~``, else in
    /// double quotes with `"` and `\` backslashed and control bytes, `,`, `;` and bytes past ASCII
    /// as `\ooo` octal. (werkzeug's pattern leaves 0x1A-0x1F raw, which no field value may hold:
    /// they are escaped here too.)
    ///
    /// ```swift
    /// SetCookie.werkzeugValue("\"bar:baz\"")   // "\"\\\"bar:baz\\\"\""
    /// ```
    static func werkzeugValue(_ value: String) -> String {
        func isPlain(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: Array("_!#$%&'()*+-./:<=>?@[]^`{|}~".utf8).contains(byte)
            }
        }
        guard !value.utf8.allSatisfy(isPlain) else { return value }
        var output = "\""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output += "\\" + String(UnicodeScalar(byte))
            case 0..<0x20, UInt8(ascii: ","), UInt8(ascii: ";"), 0x7F...0xFF:
                let octal = String(byte, radix: 8)
                output += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            default: output.unicodeScalars.append(UnicodeScalar(byte))
            }
        }
        return output + "\""
    }

    /// The value as it goes on the wire: as it is, or double-quoted when it holds a space or comma
    /// (as Go does). Nil when it holds a byte no cookie value may carry.
    static func encodeValue(_ value: String) -> String? {
        var needsQuotes = false
        for byte in value.utf8 {
            switch byte {
            case 0..<0x20, 0x7F, UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "\\"): return nil
            case UInt8(ascii: " "), UInt8(ascii: ","): needsQuotes = true
            default: break
            }
        }
        return needsQuotes ? "\"" + value + "\"" : value
    }
}
