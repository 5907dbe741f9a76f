import HTTPWire
import Foundation

/// One HTTP request as it goes on the wire: what middleware, hooks and transports see.
///
/// ```swift
/// let transport = MockTransport { request in
///     #expect(request.method == .post)
///     return Response(statusCode: 201, body: request.body.inMemoryBytes ?? [])
/// }
/// ```
public struct Request: Sendable {
    /// The HTTP method.
    public var method: Method
    /// The full URL, query included, already percent-encoded.
    public var url: URL
    /// Every header to send (the transport adds `Host` and `Content-Length`).
    public var headers: Headers
    /// What to send; replayable, so redirects and retries can send it again.
    public var body: RequestBody
    /// The limits for this request.
    public var timeout: Timeout
    /// Proxies by scheme (the call's over the session's); the transport picks the one for `url` on
    /// every hop, so a redirect to another scheme or host gets its own.
    public var proxies: Proxies = [:]
    /// Which server certificates to accept, or nil for the transport's own `trust`.
    public var verify: CertificateTrust?
    /// The client certificate to present, or nil for the transport's own (usually none).
    public var cert: ClientCertificate?
    /// `HTTP_PROXY` and the rest as read for this call under `trustEnv`; nil when the environment is
    /// not trusted.
    var environmentProxies: EnvironmentProxies?
    /// `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE` or `SSL_CERT_FILE` under `trustEnv`: the authorities to
    /// trust when neither `verify` nor the transport's `trust` says.
    var environmentCABundle: String?
    /// How many times an authenticator has already answered a challenge for this hop (digest answers a
    /// fresh challenge once, and a stale nonce once more).
    var challengesAnswered = 0
    /// The session's `http2` setting: false asks the transport for HTTP/1.1 even where the server
    /// offers HTTP/2.
    var allowsHTTP2 = true

    public init(_ method: Method, url: URL, headers: Headers = [:], body: RequestBody = .empty, timeout: Timeout = .default) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A request to `url`, which must be an absolute http or https URL.
    public init(_ method: Method, url: String, headers: Headers = [:], body: RequestBody = .empty, timeout: Timeout = .default) throws {
        self.init(method, url: try URLBuilder.parse(url), headers: headers, body: body, timeout: timeout)
    }

    /// This request, to be sent over HTTP/1.1 only (a session's `http2: false`).
    func keptToHTTP1() -> Request {
        var copy = self
        copy.allowsHTTP2 = false
        return copy
    }

    /// `host[:port]` in lowercase, with the scheme: what decides where connections and credentials go.
    var origin: Origin { Origin(url) }
}

/// Credentials written into a URL (`http://user:passwd@host/`), as requests and httpx read them.
enum URLCredentials {
    /// The URL's user name and password, percent-decoded, and the URL without them; nil when it has none.
    static func split(_ url: URL) -> (url: URL, username: String, password: String)? {
        // Most URLs carry none: one scan for "@" keeps them off URLComponents.
        guard url.absoluteString.utf8.contains(UInt8(ascii: "@")),
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            components.percentEncodedUser != nil || components.percentEncodedPassword != nil
        else { return nil }
        let username = components.user ?? ""
        let password = components.password ?? ""
        components.percentEncodedUser = nil
        components.percentEncodedPassword = nil
        guard let stripped = components.url else { return nil }
        return (stripped, username, password)
    }
}

struct Origin: Hashable {
    var scheme: String
    var host: String
    var port: Int

    init(_ url: URL) {
        scheme = url.scheme?.lowercased() ?? ""
        host = url.host?.lowercased() ?? ""
        port = url.port ?? (scheme == "https" ? 443 : 80)
    }

    /// requests' `should_strip_auth`: keep credentials on the same origin, and on an http→https
    /// upgrade of the same host on default ports; strip them anywhere else.
    static func keepsCredentials(from old: Origin, to new: Origin) -> Bool {
        if old.host != new.host { return false }
        if old.scheme == "http", old.port == 80, new.scheme == "https", new.port == 443 { return true }
        return old == new
    }
}

enum URLBuilder {
    /// Parses an absolute http(s) URL, percent-encoding what must be (and nothing twice).
    ///
    /// Runs on every call, so it reads the bytes once instead of going through `NSString` (trimming,
    /// `range(of:)`): that cost more than the rest of the client's own work per request.
    static func parse(_ text: String) throws -> URL {
        var trimmed = trimmingWhitespace(text)
        // Where "://" and the fragment's "#" start, as offsets into the bytes, and whether the scheme
        // before "://" is http or https in any case (OR-ing 0x20 lowercases ASCII letters and maps
        // nothing else onto h, t, p or s).
        let (schemeEnd, isHTTP, hash) = trimmed.withUTF8 { bytes in
            let colon = URLBuilder.schemeEnd(bytes)
            let isHTTP = colon.map { end in (end == 4 || end == 5) && (0..<end).allSatisfy { bytes[$0] | 0x20 == https[$0] } }
            return (colon, isHTTP ?? false, bytes.firstIndex(of: UInt8(ascii: "#")))
        }
        let utf8 = trimmed.utf8
        guard let schemeEnd else {
            throw InvalidURL(url: text, reason: "it has no scheme; write it as http://host/path")
        }
        guard isHTTP else {
            let named = String(trimmed[..<utf8.index(utf8.startIndex, offsetBy: schemeEnd)]).lowercased()
            throw InvalidURL(url: text, reason: "the scheme '\(named)' is not supported; use http:// or https://")
        }
        // Split off the fragment, then requote the rest.
        let main = hash.map { String(trimmed[..<utf8.index(utf8.startIndex, offsetBy: $0)]) } ?? String(trimmed)
        guard let url = URL(string: FormEncoding.requote(main)), let host = url.host, !host.isEmpty else {
            throw InvalidURL(url: text, reason: "no host could be read from it")
        }
        return url
    }

    private static let https: [UInt8] = Array("https".utf8)

    /// Where the `://` after a leading scheme starts, or nil when the text does not begin with one.
    /// A scheme is RFC 3986's `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`: a `://` further on (in
    /// `/redirect-to?url=http://x`, say) is not one.
    static func schemeEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }
        guard let first = bytes.first, isLetter(first) else { return nil }
        var end = 1
        while end < bytes.count, isLetter(bytes[end]) || (bytes[end] >= UInt8(ascii: "0") && bytes[end] <= UInt8(ascii: "9"))
            || bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: ".")
        {
            end += 1
        }
        guard end + 2 < bytes.count, bytes[end] == UInt8(ascii: ":"), bytes[end + 1] == UInt8(ascii: "/"),
            bytes[end + 2] == UInt8(ascii: "/")
        else { return nil }
        return end
    }

    /// Whether `text` begins with a scheme and `://`.
    static func hasScheme(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { schemeEnd($0) != nil }
    }

    /// `text` without leading and trailing `CharacterSet.whitespaces` (Unicode `Zs` and tab), as
    /// `trimmingCharacters(in: .whitespaces)` would, without bridging to `NSString`.
    static func trimmingWhitespace(_ text: String) -> Substring {
        let utf8 = text.utf8
        // The usual case: an ASCII, non-blank byte at each end, so there is nothing to trim.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return text[...]
        }
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isWhitespace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isWhitespace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return Substring(scalars[start..<end])
    }

    /// `url` with `params` appended to its own query (which is kept as written).
    static func adding(_ params: Params, to url: URL) -> URL {
        guard !params.isEmpty else { return url }
        let text = url.absoluteString
        let encoded = params.encoded()
        let joined: String
        if let question = text.firstIndex(of: "?") {
            let existing = text[text.index(after: question)...]
            joined = existing.isEmpty ? text + encoded : text + "&" + encoded
        } else {
            joined = text + "?" + encoded
        }
        return URL(string: joined) ?? url
    }

    /// Joins `path` onto a base URL the way httpx does: relative paths are appended to the base path.
    static func join(base: String, _ path: String) -> String {
        if hasScheme(path) { return path }
        if path.isEmpty { return base }
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path.drop(while: { $0 == "/" })
    }

    /// The request target to put in a digest `uri`: path and query.
    static func pathAndQuery(_ url: URL) -> String {
        let text = url.absoluteString
        guard let schemeEnd = text.range(of: "://") else { return "/" }
        let afterScheme = text[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let target = String(afterScheme[slash...])
        return target.hasPrefix("?") ? "/" + target : target
    }
}
