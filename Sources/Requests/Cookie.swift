import HTTPWire
import Foundation

/// One stored cookie, as RFC 6265 §5.3 keeps it.
public struct Cookie: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String
    /// The host (host-only cookies) or domain (without a leading dot) the cookie belongs to.
    public var domain: String
    /// True when the cookie had no `Domain` attribute: sent only to exactly `domain`, not its subdomains.
    public var hostOnly: Bool
    /// The path prefix the cookie is sent for.
    public var path: String
    /// Sent only over https.
    public var secure: Bool
    /// Not for scripts; kept for completeness, it changes nothing for this client.
    public var httpOnly: Bool
    /// When it expires; `nil` for a session cookie.
    public var expires: Date?
    var creation: UInt64 = 0

    public init(name: String, value: String, domain: String, hostOnly: Bool = false, path: String = "/",
                secure: Bool = false, httpOnly: Bool = false, expires: Date? = nil) {
        self.name = name
        self.value = value
        self.domain = domain.lowercased().drop(while: { $0 == "." }).description
        self.hostOnly = hostOnly
        self.path = path
        self.secure = secure
        self.httpOnly = httpOnly
        self.expires = expires
    }

    public var description: String { "\(name)=\(value) (domain \(hostOnly ? "" : ".")\(domain), path \(path))" }

    func isExpired(at now: Date) -> Bool { expires.map { $0 <= now } ?? false }

    /// Parses a `Set-Cookie` value received from `url` (RFC 6265 §5.2 and §5.3). `nil` when the cookie
    /// must be ignored: malformed, or for a domain that `url`'s host may not set.
    static func parse(setCookie header: String, url: URL, now: Date) -> Cookie? {
        let segments = header.split(separator: ";", omittingEmptySubsequences: false)
        guard let first = segments.first, let equals = first.firstIndex(of: "=") else { return nil }
        let name = first[..<equals].trimmingCharacters(in: .whitespaces)
        let value = first[first.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }

        var expires: Date?
        var maxAge: Int?
        var domainAttribute: String?
        var pathAttribute: String?
        var secure = false
        var httpOnly = false
        for segment in segments.dropFirst() {
            let pair = segment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            let attributeValue = pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : ""
            switch key {
            case "expires":
                if let seconds = HTTPDate.parse(attributeValue) { expires = Date(timeIntervalSince1970: TimeInterval(seconds)) }
            case "max-age":
                let digits = attributeValue.hasPrefix("-") ? attributeValue.dropFirst() : Substring(attributeValue)
                if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                    maxAge = Int(attributeValue) ?? (attributeValue.hasPrefix("-") ? Int.min : Int.max)
                }
            case "domain":
                if !attributeValue.isEmpty {
                    domainAttribute = attributeValue.drop(while: { $0 == "." }).lowercased()
                }
            case "path":
                if attributeValue.hasPrefix("/") { pathAttribute = attributeValue }
            case "secure": secure = true
            case "httponly": httpOnly = true
            default: break
            }
        }

        var expiry: Date?
        if let maxAge {
            // Max-Age wins over Expires; zero or negative means "already expired".
            expiry = maxAge <= 0 ? Date(timeIntervalSince1970: 0) : now.addingTimeInterval(TimeInterval(min(maxAge, 400 * 86400 * 100)))
        } else {
            expiry = expires
        }

        let host = (url.host ?? "").lowercased()
        var cookie = Cookie(name: name, value: value, domain: host, hostOnly: true,
                            path: pathAttribute ?? defaultPath(url), secure: secure, httpOnly: httpOnly, expires: expiry)
        if let domainAttribute, domainAttribute != host {
            // A host may set a cookie for itself or a parent domain, never for another site or a bare TLD.
            guard domainMatches(host: host, domain: domainAttribute), domainAttribute.contains(".") else { return nil }
            cookie.domain = domainAttribute
            cookie.hostOnly = false
        } else if domainAttribute != nil {
            cookie.hostOnly = false
        }
        return cookie
    }

    /// RFC 6265 §5.1.4 default-path: the request path up to, not including, its last `/`.
    static func defaultPath(_ url: URL) -> String {
        let path = url.path
        guard path.hasPrefix("/"), let lastSlash = path.lastIndex(of: "/"), lastSlash != path.startIndex else { return "/" }
        return String(path[..<lastSlash])
    }

    /// RFC 6265 §5.1.3.
    static func domainMatches(host: String, domain: String) -> Bool {
        if host == domain { return true }
        guard host.hasSuffix("." + domain) else { return false }
        return !isIPAddress(host)
    }

    /// RFC 6265 §5.1.4.
    static func pathMatches(requestPath: String, cookiePath: String) -> Bool {
        let requestPath = requestPath.isEmpty ? "/" : requestPath
        if requestPath == cookiePath { return true }
        guard requestPath.hasPrefix(cookiePath) else { return false }
        if cookiePath.hasSuffix("/") { return true }
        return requestPath.dropFirst(cookiePath.count).first == "/"
    }

    static func isIPAddress(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    func matches(_ url: URL) -> Bool {
        let host = (url.host ?? "").lowercased()
        if hostOnly { guard host == domain else { return false } } else { guard Cookie.domainMatches(host: host, domain: domain) else { return false } }
        guard Cookie.pathMatches(requestPath: url.path, cookiePath: path) else { return false }
        if secure, url.scheme?.lowercased() != "https" { return false }
        return true
    }
}
