import CGnuTLS

#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot `GET /health` over HTTP or HTTPS, for `httpbun --healthcheck` in container images that
/// have no curl.
enum HealthProbe {
    /// What to probe, and how.
    struct Target {
        /// An address or name to connect to; wildcards (`0.0.0.0`, `::`) are reached on loopback.
        var host: String
        var port: Int
        /// nil for plain HTTP.
        var tls: TLSTrust?
        /// Where the target came from, for the hint that follows a failed connection.
        var origin: String
    }

    /// How the probe verifies a TLS server.
    struct TLSTrust {
        /// PEM certificates to trust: the server's CA, or the served certificate itself (pinned).
        var trustedPEM: String
        /// The certificate must be for the host connected to (a CA's); not when it is pinned.
        var checksHostName: Bool
    }

    /// nil when the server answered 200; otherwise why not, in words for the operator reading a
    /// container's health log (`httpbun --healthcheck` prints it on stderr).
    ///
    /// ```swift
    /// let target = HealthProbe.Target(host: "127.0.0.1", port: 8080, tls: nil, origin: "--host and --port")
    /// HealthProbe.failure(target, path: "/health")   // nil, or "cannot connect to 127.0.0.1:8080: ..."
    /// ```
    static func failure(_ target: Target, path: String) -> String? {
        // A server bound to every interface is reached on loopback.
        let host = ["0.0.0.0", "", "::", "[::]"].contains(target.host) ? "127.0.0.1" : target.host
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let display = (target.tls == nil ? "http://" : "https://") + (bare.contains(":") ? "[\(bare)]" : bare) + ":\(target.port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(bare, String(target.port), &hints, &results)
        guard resolved == 0, let info = results else {
            return "cannot resolve \(bare): " + String(cString: gai_strerror(resolved))
        }
        defer { freeaddrinfo(results) }
        let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype, 0)
        guard socketFD >= 0 else { return "cannot open a socket: " + systemError() }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            return "cannot connect to \(display): " + systemError() + " (is the server running? the address is from \(target.origin))"
        }
        let authority = display.split(separator: "/").last.map(String.init) ?? bare
        let request = "GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n\r\n"
        var buffer = [UInt8](repeating: 0, count: 64)
        let count: Int
        if let tls = target.tls {
            var reason = [CChar](repeating: 0, count: 1024)
            let read = buffer.withUnsafeMutableBytes { answer in
                httpbun_tls_exchange(socketFD, tls.trustedPEM, tls.checksHostName ? bare : nil, request, answer.baseAddress, answer.count, &reason, reason.count)
            }
            if read < 0 {
                var text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                while text.last?.isWhitespace == true { text.removeLast() }  // GnuTLS's status text ends in a space
                return "\(display): " + text
            }
            count = read
        } else {
            guard request.withCString({ send(socketFD, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0 else {
                return "cannot send to \(display): " + systemError()
            }
            count = recv(socketFD, &buffer, buffer.count, 0)
            if count < 0 { return "no answer from \(display) within 2 s: " + systemError() }
        }
        let head = String(decoding: buffer[0..<count].prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        if head.hasPrefix("HTTP/1.1 200") || head.hasPrefix("HTTP/1.0 200") { return nil }
        let plainToTLS = target.tls == nil ? " (a TLS server? this probe spoke plain HTTP, as set by \(target.origin))" : ""
        if count == 0 { return "\(display) closed the connection without an answer" + plainToTLS }
        guard head.hasPrefix("HTTP/") else { return "\(display) answered something that is not HTTP" + plainToTLS }
        return "GET \(path) on \(display) answered \(head.split(separator: " ", maxSplits: 1).last.map(String.init) ?? head), not 200"
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
