import Foundation

/// Which proxy each URL goes through, as requests' `proxies=` mapping: keys are a scheme (`"http"`,
/// `"https"`), `"all"`, or a scheme or `all` with a host (`"http://example.com"`, `"all://example.com"`);
/// the most specific key that matches wins. Values are proxy URLs: `http://[user:pass@]host:port` (an
/// HTTP proxy, tunnelled with CONNECT) or `socks5://host:port` (`socks5h://` too: the proxy resolves the
/// name either way).
///
/// ```swift
/// let session = Session(proxies: ["http": "http://127.0.0.1:3128", "https": "http://127.0.0.1:3128"])
/// let r = try await session.get("http://example.com/", proxies: ["all": "socks5://127.0.0.1:1080"])
/// ```
///
/// Under `trustEnv` (the default) `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case,
/// lowercase first) fill the schemes this mapping leaves out; `NO_PROXY` only exempts URLs from those
/// environment proxies, never from the ones given here, as in requests.
public struct Proxies: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// Key → proxy URL, as given.
    public var entries: [String: String]

    public init(_ entries: [String: String] = [:]) { self.entries = entries }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.entries = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The proxy URL for `key` (`"http"`, `"all"`, `"https://host"`); nil removes it.
    public subscript(key: String) -> String? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// These entries, with `other`'s for keys these leave out (a call's proxies over the session's).
    public func merging(_ other: Proxies) -> Proxies {
        Proxies(entries.merging(other.entries) { mine, _ in mine })
    }

    /// requests' `select_proxy`: `scheme://host`, `scheme`, `all://host`, then `all`.
    func proxyURL(scheme: String, host: String) -> String? {
        guard !entries.isEmpty else { return nil }
        for key in [scheme + "://" + host, scheme, "all://" + host, "all"] {
            if let value = entries[key], !value.isEmpty { return value }
        }
        return nil
    }
}

/// The proxy settings read from the environment for one call (`trustEnv`): requests' `getproxies()`
/// and `should_bypass_proxies`, for http, https and all.
struct EnvironmentProxies: Sendable, Hashable {
    var http: String?
    var https: String?
    var all: String?
    var noProxy: String?

    /// Reads `name` in lowercase, then in uppercase (urllib prefers the lowercase one).
    init(lookup: (String) -> String?) {
        func read(_ name: String) -> String? {
            if let value = lookup(name), !value.isEmpty { return value }
            if let value = lookup(name.uppercased()), !value.isEmpty { return value }
            return nil
        }
        http = read("http_proxy")
        https = read("https_proxy")
        all = read("all_proxy")
        noProxy = read("no_proxy")
    }

    var isEmpty: Bool { http == nil && https == nil && all == nil }

    /// The environment's proxy for `url`, or nil when there is none or `NO_PROXY` exempts the URL.
    func proxyURL(for url: URL, scheme: String, host: String) -> String? {
        guard let proxy = (scheme == "https" ? https : http) ?? all else { return nil }
        return Self.bypasses(host: host, port: url.port, noProxy: noProxy) ? nil : proxy
    }

    /// requests' `should_bypass_proxies` with urllib's `proxy_bypass_environment`:
    /// - `*` exempts everything;
    /// - for an IPv4 host, an entry in CIDR form (`10.0.0.0/8`) exempts the addresses in it;
    /// - otherwise an entry exempts a host that ends with it (`example.com` exempts `api.example.com`,
    ///   and, as in requests, `myexample.com`), or whose `host:port` ends with it (`localhost:8080`
    ///   exempts only that port); a leading dot is ignored (`.example.com` exempts `example.com`).
    static func bypasses(host: String, port: Int?, noProxy: String?) -> Bool {
        guard let noProxy, !noProxy.isEmpty else { return false }
        let entries = noProxy.replacingOccurrences(of: " ", with: "").split(separator: ",").map { String($0).lowercased() }
        let host = host.lowercased()
        if entries.contains("*") { return true }
        if let address = IPv4.parse(host) {
            for entry in entries {
                if let network = IPv4.Network(cidr: entry) {
                    if network.contains(address) { return true }
                } else if entry == host {
                    return true
                }
            }
        } else {
            let hostWithPort = port.map { host + ":" + String($0) } ?? host
            if entries.contains(where: { host.hasSuffix($0) || hostWithPort.hasSuffix($0) }) { return true }
        }
        // urllib's pass: the entry, without leading dots, is the host or a dot-separated suffix of it.
        for entry in entries {
            let name = String(entry.drop(while: { $0 == "." }))
            if name.isEmpty { continue }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }
}

/// Dotted-quad IPv4 addresses and CIDR networks, for `NO_PROXY`.
enum IPv4 {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    struct Network {
        var base: UInt32
        var mask: UInt32
        /// requests' `is_valid_cidr`: `a.b.c.d/n` with n from 1 to 32.
        init?(cidr: String) {
            let halves = cidr.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2, let address = IPv4.parse(String(halves[0])), let bits = Int(halves[1]), (1...32).contains(bits) else {
                return nil
            }
            mask = bits == 32 ? .max : ~(UInt32.max >> UInt32(bits))
            base = address & mask
        }
        func contains(_ address: UInt32) -> Bool { address & mask == base }
    }
}

/// A proxy as AsyncHTTPClient is configured with it: one per client, so part of the client's key.
struct ProxyServer: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case http, socks5 }
    var kind: Kind
    var host: String
    var port: Int
    var username: String?
    var password: String?

    /// Reads a proxy URL as requests does: `host:port` alone means `http://host:port`.
    init(url text: String) throws {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw InvalidURL(url: text, reason: "no proxy host could be read from it; write it as http://host:port or socks5://host:port")
        }
        switch scheme {
        case "http": kind = .http
        case "socks5", "socks5h": kind = .socks5
        case "https":
            throw InvalidURL(url: text, reason: "proxies spoken to over TLS are not supported (AsyncHTTPClient talks plain HTTP to a proxy); use an http:// proxy URL, which still tunnels https with CONNECT")
        default:
            throw InvalidURL(url: text, reason: "the proxy scheme '\(scheme)' is not supported; use http:// or socks5://")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (kind == .socks5 ? 1080 : 80)
        username = components.user
        password = components.password
        if kind == .socks5, username != nil {
            throw InvalidURL(url: text, reason: "SOCKS5 with a user name and password is not supported (AsyncHTTPClient's SOCKS client offers no authentication)")
        }
    }

    /// The proxy `request` goes through: its own `proxies` first, then (under `trustEnv`) the
    /// environment's, unless `NO_PROXY` exempts the URL.
    static func choose(for request: Request) throws -> ProxyServer? {
        if request.proxies.isEmpty && (request.environmentProxies?.isEmpty ?? true) { return nil }
        let url = request.url
        let scheme = url.scheme?.lowercased() ?? "http"
        let host = url.host?.lowercased() ?? ""
        if let explicit = request.proxies.proxyURL(scheme: scheme, host: host) { return try ProxyServer(url: explicit) }
        if let environment = request.environmentProxies, let fromEnvironment = environment.proxyURL(for: url, scheme: scheme, host: host) {
            return try ProxyServer(url: fromEnvironment)
        }
        return nil
    }
}
