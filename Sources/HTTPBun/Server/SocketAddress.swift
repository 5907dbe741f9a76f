import HTTPBunCore
import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address to bind, resolved from what the user typed.
struct SocketAddress {
    enum Storage {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    var storage: Storage
    /// The host as written in a URL: IPv6 in brackets, wildcards as loopback.
    let urlHost: String
    let isWildcard: Bool

    var isIPv6: Bool { if case .v6 = storage { true } else { false } }

    var port: Int {
        get {
            switch storage {
            case .v4(let address): Int(UInt16(bigEndian: address.sin_port))
            case .v6(let address): Int(UInt16(bigEndian: address.sin6_port))
            }
        }
        set {
            switch storage {
            case .v4(var address):
                address.sin_port = UInt16(newValue).bigEndian
                storage = .v4(address)
            case .v6(var address):
                address.sin6_port = UInt16(newValue).bigEndian
                storage = .v6(address)
            }
        }
    }

    /// The address as bound, for messages about binding: a wildcard is itself (`0.0.0.0:8080`,
    /// `[::]:8080`), not the loopback URL a client would use.
    func display(port: Int) -> String {
        guard isWildcard else { return "\(urlHost):\(port)" }
        return isIPv6 ? "[::]:\(port)" : "0.0.0.0:\(port)"
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
        switch storage {
        case .v4(var address):
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        case .v6(var address):
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
    }

    /// Why this address and port cannot be bound (an `errno`: EADDRINUSE when a socket already
    /// listens there, EADDRNOTAVAIL for an address not this machine's, EACCES for a privileged
    /// port), or nil when they can. Our daemons share their port through SO_REUSEPORT, which would
    /// just as silently let them join another process's listeners (a server left running by an
    /// earlier test run, then answering half the requests), so this bind without SO_REUSEPORT asks
    /// first; and libmicrohttpd's own report of a failed bind names port 0 whatever the port.
    /// SO_REUSEADDR keeps closed connections in TIME_WAIT from counting: only a listener is in use.
    func bindError() -> Int32? {
        let probe = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return nil }
        defer { close(probe) }
        var on: Int32 = 1
        _ = setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let length = socklen_t(isIPv6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let bound = withSockaddr { bind(probe, $0, length) }
        return bound == 0 ? nil : errno
    }

    /// Reads an IPv4 or IPv6 literal (brackets allowed), or resolves a host name (IPv4 preferred).
    static func resolve(_ host: String, port: Int) throws(ServerStartError) -> SocketAddress {
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.isEmpty { name = "127.0.0.1" }
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = UInt16(port).bigEndian
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            let wildcard = v4.sin_addr.s_addr == 0
            return SocketAddress(storage: .v4(v4), urlHost: wildcard ? "127.0.0.1" : name, isWildcard: wildcard)
        }
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = UInt16(port).bigEndian
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            let wildcard = withUnsafeBytes(of: v6.sin6_addr) { $0.allSatisfy { $0 == 0 } }
            return SocketAddress(storage: .v6(v6), urlHost: wildcard ? "127.0.0.1" : "[\(name)]", isWildcard: wildcard)
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &results) == 0, let first = results else {
            throw ServerStartError(message: "cannot resolve host \"\(host)\": give an IP address such as 127.0.0.1 or ::1, or a resolvable name")
        }
        defer { freeaddrinfo(results) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var fallback: SocketAddress?
        while let info = candidate {
            if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                address.sin_port = UInt16(port).bigEndian
                // Names can mean every interface too (`--host 0` resolves to 0.0.0.0).
                let wildcard = address.sin_addr.s_addr == 0
                return SocketAddress(storage: .v4(address), urlHost: wildcard ? "127.0.0.1" : name, isWildcard: wildcard)
            }
            if info.pointee.ai_family == AF_INET6, fallback == nil, let raw = info.pointee.ai_addr {
                var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                address.sin6_port = UInt16(port).bigEndian
                let wildcard = withUnsafeBytes(of: address.sin6_addr) { $0.allSatisfy { $0 == 0 } }
                fallback = SocketAddress(storage: .v6(address), urlHost: wildcard ? "127.0.0.1" : name, isWildcard: wildcard)
            }
            candidate = info.pointee.ai_next
        }
        if let fallback { return fallback }
        throw ServerStartError(message: "host \"\(host)\" has no IPv4 or IPv6 address")
    }
}

/// Process-wide settings a server needs.
enum SystemLimits {
    /// Raises the soft open-file limit to the hard one, so thousands of connections fit.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// A client that goes away mid-response must not kill the process.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
