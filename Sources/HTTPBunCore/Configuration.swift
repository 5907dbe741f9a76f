import HTTPWire

/// Everything a server instance is told at start: where to listen, what to serve, and its limits.
///
/// ```swift
/// var configuration = ServerConfiguration(port: 0)
/// configuration.pathPrefix = "/api"
/// configuration.maxDuration = .seconds(5)
/// let server = try HTTPBunServer.start(configuration)
/// ```
public struct ServerConfiguration: Sendable {
    /// Which service's answer shapes to copy where httpbun and python httpbin differ (`.httpbun`,
    /// `.httpbin`; `Flavor(rawValue:)` for a name).
    public typealias Flavor = HTTPBunCore.Flavor

    /// Address to bind: an IPv4 or IPv6 literal or a host name. `0.0.0.0` or `::` for every interface.
    public var host: String
    /// Port to bind; 0 lets the system choose (read the real one from `HTTPBunServer.port`).
    public var port: Int
    /// Serve every route under this prefix (`/api` serves `/api/get`); outside it, 404.
    public var pathPrefix: String
    /// Largest request body accepted, and largest generated body (`/bytes/n`, `/range/n`); 413 or 400 past it.
    public var maxBodySize: Int
    /// Longest wait any endpoint may be asked for (`/delay/n`, `/drip`); 400 past it.
    public var maxDuration: Duration
    /// Event-loop threads (each an epoll daemon on the same port).
    public var threads: Int
    /// Open connections allowed at once; past it, new connections are refused.
    public var connectionLimit: Int
    /// Seconds an idle keep-alive connection is kept before it is closed.
    public var idleTimeout: Int
    /// Memory per connection for the request line, headers and buffers; larger headers get 431, a
    /// larger URL 414.
    public var connectionMemoryLimit: Int
    public var flavor: Flavor
    /// The hosts an absolute `Location` may name (`*.example.com` for subdomains), besides this
    /// server's own host and loopback: httpbun's `HTTPBUN_ALLOWED_REDIRECT_DOMAINS`, which replaces
    /// its default list, `defaultAllowedRedirectHosts`.
    public var allowedRedirectHosts: [String]
    /// httpbun's default allowlist.
    public static let defaultAllowedRedirectHosts = ["example.com", "httpbun.com"]
    /// Serve HTTPS with this certificate and key; plain HTTP when nil.
    public var tls: TLSIdentity?
    /// With `tls`: PEM certificates of the authorities whose client certificates the server asks for
    /// (`--tls-client-ca`). Every request must then come over a connection whose client presented a
    /// certificate that verifies against them, or it is refused with 403; the echoes (`/get`,
    /// `/anything`, ...) show the verified subject as `"client_cert": {"subject": ...}`. Nil: no
    /// client certificates asked for.
    ///
    /// ```swift
    /// var configuration = ServerConfiguration(tls: identity)
    /// configuration.tlsClientCA = try String(contentsOfFile: "client-ca.pem", encoding: .utf8)
    /// ```
    public var tlsClientCA: String?
    /// How long `stop()` lets requests in flight finish (their answers then close their
    /// connections) before it ends the rest. Zero, the default, stops at once: a fixture's
    /// teardown stays instant.
    public var drainTimeout: Duration
    /// What `/hostname` answers: a fixed name unless asked (go-httpbin answers `go-httpbin` unless
    /// run with `-use-real-hostname`; the CLI's `--use-real-hostname` puts the machine's name here).
    public var hostname = "httpbun"
    /// What `/env` shows: the `HTTPBUN_ENV_*` variables the server was started with, as go-httpbin
    /// shows its `HTTPBIN_ENV_*` ones (the CLI fills it; a server started in process shows none
    /// unless given some).
    public var environment: [String: String] = [:]
    /// Largest body `/upload` counts and throws away, in bytes; 413 past it. Apart from
    /// `maxBodySize` because nothing of it is kept.
    public var maxUploadSize = 1 << 30
    /// Requests the journal keeps (`/_journal`, `HTTPBunServer.journal`); 0 turns it off. Nil: 1,000
    /// when bound to loopback, off otherwise (the journal keeps credentials as sent). Setting this or
    /// `journalBytes` turns it on whatever the address.
    public var journalSize: Int?
    /// Bytes the journal keeps (texts, headers, bodies of up to 64 KiB each); 0 turns it off. Nil:
    /// 16 MiB, on the same terms as `journalSize`.
    public var journalBytes: Int?

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        pathPrefix: String = "",
        maxBodySize: Int = 16 * 1024 * 1024,
        maxDuration: Duration = .seconds(60),
        threads: Int = 1,
        connectionLimit: Int = 10_000,
        idleTimeout: Int = 60,
        connectionMemoryLimit: Int = 32 * 1024,
        flavor: Flavor = .httpbun,
        allowedRedirectHosts: [String] = ServerConfiguration.defaultAllowedRedirectHosts,
        tls: TLSIdentity? = nil,
        drainTimeout: Duration = .zero,
        journalSize: Int? = nil,
        journalBytes: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
        self.maxBodySize = maxBodySize
        self.maxDuration = maxDuration
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.idleTimeout = idleTimeout
        self.connectionMemoryLimit = connectionMemoryLimit
        self.flavor = flavor
        self.allowedRedirectHosts = allowedRedirectHosts
        self.tls = tls
        self.drainTimeout = drainTimeout
        self.journalSize = journalSize
        self.journalBytes = journalBytes
    }

    /// The journal's bounds as this configuration decides them, or nil when it is off: on by
    /// default only on a loopback address, on wherever a bound is given, off when one is 0.
    ///
    /// ```swift
    /// ServerConfiguration().journalLimits                                  // (1000, 16777216)
    /// ServerConfiguration(host: "0.0.0.0").journalLimits                   // nil
    /// ServerConfiguration(host: "0.0.0.0", journalSize: 50).journalLimits  // (50, 16777216)
    /// ```
    public var journalLimits: (entries: Int, bytes: Int)? {
        guard journalSize != nil || journalBytes != nil || Self.isLoopback(host) else { return nil }
        let limits = (entries: journalSize ?? 1000, bytes: journalBytes ?? 16 * 1024 * 1024)
        return limits.entries > 0 && limits.bytes > 0 ? limits : nil
    }

    /// 127.0.0.0/8, ::1 (in any spelling that writes it out) and `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return octets[0] == "127" }
        // IPv6: every group zero but a last 1 (`::1`, `0:0:0:0:0:0:0:1`).
        guard host.contains(":"), host.allSatisfy({ $0 == ":" || $0.isHexDigit }) else { return false }
        let groups = host.split(separator: ":", omittingEmptySubsequences: true).map { UInt16($0, radix: 16) }
        return groups.last == 1 && groups.dropLast().allSatisfy { $0 == 0 } && (groups.count == 8 || host.contains("::"))
    }

    /// Every limit in its range, or why not (the flag that sets it is named for CLI users). The
    /// server checks this at start, and the CLI before it starts anything: limits out of range
    /// would otherwise trap later, in MHD's C unsigned ints, in `/delay`'s nanoseconds, or in a
    /// route's `1...maxBodySize`.
    public func validate() throws(ServerStartError) {
        func check(_ valid: Bool, _ message: @autoclosure () -> String) throws(ServerStartError) {
            if !valid { throw ServerStartError(message: message()) }
        }
        try check((0...65535).contains(port), "port must be between 0 and 65535 (--port), not \(port)")
        try check(maxBodySize >= 1, "the body size limit must be at least 1 byte (--max-body-size), not \(maxBodySize)")
        try check(maxUploadSize >= 0, "the upload size limit cannot be negative (--max-upload-size), not \(maxUploadSize)")
        // `/delay` and the timers count nanoseconds in an Int64: past ~292 years that traps.
        try check(maxDuration >= .zero && maxDuration <= .seconds(1_000_000_000),
                  "the longest wait must be between 0 and 1000000000 seconds (--max-duration), not \(maxDuration)")
        try check(drainTimeout >= .zero && drainTimeout <= .seconds(1_000_000_000),
                  "the drain timeout must be between 0 and 1000000000 seconds (--drain-timeout), not \(drainTimeout)")
        try check((1...256).contains(threads), "threads must be between 1 and 256 (--threads), not \(threads)")
        // MHD takes the next three as C unsigned ints.
        try check((1...1_000_000).contains(connectionLimit),
                  "the connection limit must be between 1 and 1000000 (--connection-limit), not \(connectionLimit)")
        try check((0...31_536_000).contains(idleTimeout),
                  "the idle timeout must be between 0 and 31536000 seconds, a year (--idle-timeout), not \(idleTimeout)")
        try check((4096...(64 * 1024 * 1024)).contains(connectionMemoryLimit),
                  "the connection memory limit must be between 4096 and 67108864 bytes (--connection-memory-limit), not \(connectionMemoryLimit)")
        try check((journalSize ?? 0) >= 0, "the journal size must be 0 (off) or more entries (--journal-size), not \(journalSize ?? 0)")
        try check((journalBytes ?? 0) >= 0, "the journal's byte bound must be 0 (off) or more bytes (--journal-bytes), not \(journalBytes ?? 0)")
    }

    /// The path prefix in canonical form: empty, or `/segment...` without a trailing slash.
    public var normalizedPathPrefix: String { Self.normalize(pathPrefix: pathPrefix) }

    /// A path prefix as httpbun reads its `--path-prefix`: slashes trimmed from both ends, then one
    /// leading slash put back (`p`, `/p/` and `//p` are all `/p`; `/` is no prefix).
    public static func normalize(pathPrefix: String) -> String {
        let trimmed = pathPrefix.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()
        return trimmed.isEmpty ? "" : "/" + String(trimmed)
    }
}

/// Why a server could not start: a configuration out of range (`ServerConfiguration.validate()`)
/// or an address that cannot be bound.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    package init(message: String) { self.message = message }
    public var description: String { message }
}
