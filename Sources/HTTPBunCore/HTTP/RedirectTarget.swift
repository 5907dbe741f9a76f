import HTTPWire

/// Where a client-chosen redirect would send a browser, judged the way browsers read URLs (WHATWG
/// URL): so `/redirect-to` can refuse to be an open redirector without refusing local targets.
///
/// ```swift
/// RedirectTarget.classify("/get")                    // .relative
/// RedirectTarget.classify("//evil.com/x")            // .absolute(host: "evil.com")
/// RedirectTarget.classify("http://127.0.0.1:9/get")  // .absolute(host: "127.0.0.1")
/// ```
enum RedirectTarget: Sendable, Equatable {
    /// Stays on whatever host the client is talking to.
    case relative
    /// Leaves for `host` (lower-cased, without port, brackets or trailing dot).
    case absolute(host: String)
    /// A scheme other than http and https (`javascript:`, `data:`, `ftp:`).
    case otherScheme(String)

    public static func classify(_ url: String) -> RedirectTarget {
        let bytes = Array(url.utf8)
        let isSlash: (UInt8) -> Bool = { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
        // Browsers read `\` as `/`, and two or more leading slashes as "another host" (`//evil.com`).
        if bytes.count >= 2, isSlash(bytes[0]), isSlash(bytes[1]) {
            return .absolute(host: host(inAuthorityFrom: bytes.drop(while: isSlash)))
        }
        if let colon = schemeEnd(bytes) {
            let scheme = String(decoding: bytes[..<colon], as: UTF8.self).asciiLowercased
            guard scheme == "http" || scheme == "https" else { return .otherScheme(scheme) }
            // `http:evil.com` also reaches evil.com when the page is https: count it absolute.
            return .absolute(host: host(inAuthorityFrom: bytes[(colon + 1)...].drop(while: isSlash)))
        }
        return .relative
    }

    /// The index of the `:` ending a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`), if any.
    static func schemeEnd(_ bytes: [UInt8]) -> Int? {
        guard let first = bytes.first, first.isASCIILetter else { return nil }
        for (index, byte) in bytes.enumerated().dropFirst() {
            if byte == UInt8(ascii: ":") { return index }
            guard byte.isASCIILetter || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
            else { return nil }
        }
        return nil
    }

    static func host(inAuthorityFrom bytes: ArraySlice<UInt8>) -> String {
        let authority = bytes.prefix { !"/\\?#".utf8.contains($0) }
        let hostPort = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[($0 + 1)...] } ?? authority
        var host: ArraySlice<UInt8>
        if hostPort.first == UInt8(ascii: "[") {
            host = hostPort.dropFirst().prefix { $0 != UInt8(ascii: "]") }
        } else {
            host = hostPort.prefix { $0 != UInt8(ascii: ":") }
        }
        // One trailing dot names the same host (the root of DNS); httpbun drops one, and so do we.
        if host.last == UInt8(ascii: ".") { host = host.dropLast() }
        return String(decoding: host, as: UTF8.self).asciiLowercased
    }

    /// The host part of a `Host` header value (`example.com:8080`, `[::1]:80`), normalized as
    /// `classify` normalizes hosts.
    public static func host(ofHostHeader value: String) -> String {
        host(inAuthorityFrom: ArraySlice(value.trimmingSpaces.utf8))
    }

    /// True for `localhost`, `127.0.0.0/8` in dotted-decimal form, and `::1` however written.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 3 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } && Int($0)! <= 255 }),
            octets[0] == "127"
        {
            return true
        }
        return isIPv6Loopback(host)
    }

    private static func isIPv6Loopback(_ host: String) -> Bool {
        guard host.contains(":"), host.utf8.allSatisfy({ $0 == UInt8(ascii: ":") || (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return false }
        let halves = host.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.split(separator: ":", omittingEmptySubsequences: false)
        }
        var groups: [Substring]
        if halves.count == 2 {
            let head = halves[0] == [""] ? [] : halves[0]
            let tail = halves[1] == [""] ? [] : halves[1]
            guard head.count + tail.count < 8 else { return false }
            groups = head + Array(repeating: "0", count: 8 - head.count - tail.count) + tail
        } else {
            groups = halves[0]
        }
        guard groups.count == 8, groups.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 4 }) else { return false }
        let values = groups.map { UInt16($0, radix: 16) ?? 0xFFFF }
        return values.dropLast().allSatisfy { $0 == 0 } && values.last == 1
    }

    /// Whether `host` matches one of `patterns`: an exact host, or `*.example.com` for any subdomain
    /// of example.com (not example.com itself).
    public static func host(_ host: String, matchesAnyOf patterns: [String]) -> Bool {
        patterns.contains { pattern in
            var pattern = pattern.trimmingSpaces.asciiLowercased
            while pattern.hasSuffix(".") { pattern.removeLast() }
            if pattern.hasPrefix("*.") {
                let suffix = pattern.dropFirst()
                return host.count > suffix.count && host.hasSuffix(suffix)
            }
            return !pattern.isEmpty && host == pattern
        }
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    /// A byte of Go's regexp `\w` (`[0-9A-Za-z_]`): what httpbun's route patterns (`\b`, `[\w,]+`) test.
    var isRegexpWordByte: Bool { isASCIILetter || (0x30...0x39).contains(self) || self == UInt8(ascii: "_") }
}
