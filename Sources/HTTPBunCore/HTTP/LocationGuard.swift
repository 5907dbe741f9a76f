import HTTPWire

/// httpbun's guard on every `Location` it sends (`isAllowedLocationHeader`): a path on this server
/// passes; an absolute URL passes only when it is http(s) to an allowed host; anything else (another
/// scheme, `//host`, `/\host`, a value Go's `url.Parse` refuses) is refused, so no link to the server
/// can be made into an open redirect.
///
/// ```swift
/// LocationGuard.allows("../anything", ownHost: "127.0.0.1", allowedHosts: ["example.com"])          // true
/// LocationGuard.allows("https://example.com/x", ownHost: "127.0.0.1", allowedHosts: ["example.com"]) // true
/// LocationGuard.allows("//evil.example", ownHost: "127.0.0.1", allowedHosts: ["example.com"])       // false
/// ```
///
/// Besides httpbun's list (`allowedHosts`, `*.example.com` for subdomains, `*` for anything at
/// all), this server's own host and loopback names pass: a test fixture redirects to itself.
enum LocationGuard {
    static func allows(_ location: String, ownHost: String, allowedHosts: [String]) -> Bool {
        let bytes = Array(location.utf8)
        // Go's url.Parse refuses ASCII control characters anywhere.
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
        // `*` lets every target through, as python httpbin redirects anywhere (even `http://:1`):
        // the setting for a suite that expects that. Control bytes stay refused (they would split the head).
        if allowedHosts.contains("*") { return true }
        var rest = bytes[...]
        var scheme: ArraySlice<UInt8> = []
        if let colon = RedirectTarget.schemeEnd(bytes) {
            scheme = bytes[..<colon]
            rest = bytes[(colon + 1)...]
        } else if bytes.first == UInt8(ascii: ":") {
            return false  // "missing protocol scheme"
        }
        let beforeQuery = rest.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        let startsWithTwoSlashes = rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")])
        if startsWithTwoSlashes && (!scheme.isEmpty || !rest.starts(with: Array("///".utf8))) {
            let authority = beforeQuery.dropFirst(2).prefix { $0 != UInt8(ascii: "/") }
            // Go checks the escapes of the path and the fragment (not the query), and the port's digits.
            let fragment = rest.drop { $0 != UInt8(ascii: "#") }
            guard GoUnescape.firstBadEscape(beforeQuery) == nil, GoUnescape.firstBadEscape(fragment) == nil,
                hasValidPort(authority)
            else { return false }
            // Go's `URL.Hostname()`, lower-cased and without a trailing dot as httpbun compares it.
            let host = RedirectTarget.host(inAuthorityFrom: authority)
            if !host.isEmpty {
                let lowered = String(decoding: scheme, as: UTF8.self).asciiLowercased
                guard lowered == "http" || lowered == "https" else { return false }
                return host == ownHost || RedirectTarget.isLoopback(host) || RedirectTarget.host(host, matchesAnyOf: allowedHosts)
            }
        }
        // No host: a scheme without one (`javascript:...`, `http:evil.com`) is refused.
        guard scheme.isEmpty else { return false }
        // Go refuses a relative reference whose first segment has a colon (it would read as a scheme).
        if beforeQuery.prefix(while: { $0 != UInt8(ascii: "/") }).contains(UInt8(ascii: ":")) { return false }
        // httpbun unescapes the whole value (failing on a bad escape) and refuses `//` and `/\`,
        // which a browser reads as another host. So do `\\` and `\/`, and either after leading
        // spaces (browsers read all four alike and drop the spaces), which httpbun lets through.
        guard GoUnescape.firstBadEscape(bytes[...]) == nil else { return false }
        let decoded = PercentCoding.decodeBytes(bytes, plusAsSpace: false).drop { $0 == UInt8(ascii: " ") }
        let isSlash: (UInt8) -> Bool = { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
        return !(decoded.count >= 2 && isSlash(decoded[decoded.startIndex]) && isSlash(decoded[decoded.startIndex + 1]))
    }

    /// Go's `validOptionalPort`: after the host (and an IPv6 literal's `]`), nothing, or `:` and digits.
    private static func hasValidPort(_ authority: ArraySlice<UInt8>) -> Bool {
        let hostPort = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[($0 + 1)...] } ?? authority
        let afterHost = hostPort.first == UInt8(ascii: "[")
            ? hostPort.drop { $0 != UInt8(ascii: "]") }.dropFirst()
            : hostPort.drop { $0 != UInt8(ascii: ":") }
        guard let colon = afterHost.first else { return true }
        return colon == UInt8(ascii: ":") && afterHost.dropFirst().allSatisfy { (0x30...0x39).contains($0) }
    }
}
