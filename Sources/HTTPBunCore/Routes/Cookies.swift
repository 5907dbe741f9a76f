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
    /// `response` with one `Set-Cookie: name=value; Path=/` per pair, or a 400 naming the first
    /// pair no cookie can carry.
    static func adding(_ pairs: [(name: String, value: String)], to response: Response) -> Response {
        var response = response
        for pair in pairs {
            guard HTTPToken.isValid(pair.name) else {
                return .error(400, "invalid cookie name \"\(pair.name)\": use letters, digits and !#$%&'*+-.^_`|~")
            }
            guard let value = encodeValue(pair.value) else {
                return .error(400, "invalid cookie value for \"\(pair.name)\": control characters, ';', '\"' and '\\' are not allowed")
            }
            response.headers.add("Set-Cookie", "\(pair.name)=\(value); Path=/")
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

    /// The value as it goes on the wire: as it is, or double-quoted when it holds a space or comma
    /// (as Go does). Nil when it holds a byte no cookie value may carry.
    /// The value as Go's `http.Cookie` writes it: the bytes no cookie may carry dropped (Go logs
    /// and drops them), then quoted as `encodeValue` quotes.
    static func goSanitizedValue(_ value: String) -> String {
        let kept = value.utf8.filter { (0x20..<0x7F).contains($0) && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return encodeValue(String(decoding: kept, as: UTF8.self)) ?? ""
    }

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
