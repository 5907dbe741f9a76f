import HTTPWire

/// The `Authorization` header's schemes, parsed as pure functions (RFC 9110 section 11.6.2).
///
/// ```swift
/// AuthorizationHeader.basicCredentials("Basic dXNlcjpwYXNz")   // ("user", "pass")
/// AuthorizationHeader.bearerToken("Bearer abc")               // "abc"
/// ```
enum AuthorizationHeader {
    /// The scheme (as sent) and what follows it, with the separating spaces dropped.
    public static func split(_ value: String) -> (scheme: Substring, credentials: Substring) {
        let trimmed = Substring(value.trimmingSpaces)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (trimmed, "") }
        return (trimmed[..<space], Substring(trimmed[space...].trimmingSpaces))
    }

    /// User and password of `Basic <base64(user:password)>`; nil when the scheme differs, the
    /// base64 is malformed, the text is not UTF-8 or has no colon.
    public static func basicCredentials(_ value: String) -> (user: String, password: String)? {
        let (scheme, credentials) = split(value)
        guard scheme.equalsASCIICaseInsensitive("Basic"), let bytes = Base64.decode(credentials),
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let user = String(validating: bytes[..<colon], as: UTF8.self),
            let password = String(validating: bytes[(colon + 1)...], as: UTF8.self)
        else { return nil }
        return (user, password)
    }

    /// The token of `Bearer <token>`; nil for another scheme or an empty token.
    public static func bearerToken(_ value: String) -> String? {
        let (scheme, credentials) = split(value)
        guard scheme.equalsASCIICaseInsensitive("Bearer"), !credentials.isEmpty else { return nil }
        return String(credentials)
    }

    /// The auth-params of a `Digest` header (`name=token` or `name="quoted"`, comma separated),
    /// names lower-cased, quoted values unescaped. Nil when the scheme is not `Digest` or the list
    /// is malformed (an unterminated quote, a parameter without `=`).
    public static func digestParameters(_ value: String) -> [String: String]? {
        let (scheme, credentials) = split(value)
        guard scheme.equalsASCIICaseInsensitive("Digest") else { return nil }
        return AuthParameters.parse(credentials)
    }
}
