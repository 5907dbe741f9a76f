#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot `GET /health` over plain HTTP, for `httpbun --healthcheck` in container images that
/// have no curl.
enum HealthProbe {
    /// nil when the server answered 200; otherwise why not, in words for the operator reading a
    /// container's health log (`httpbun --healthcheck` prints it on stderr).
    ///
    /// ```swift
    /// HealthProbe.failure(host: "127.0.0.1", port: 8080, path: "/health")   // nil, or "cannot connect to ..."
    /// ```
    static func failure(host: String, port: Int, path: String) -> String? {
        // A server bound to every interface is reached on loopback.
        let target = ["0.0.0.0", "", "::", "[::]"].contains(host) ? "127.0.0.1" : host
        let display = "\(target.contains(":") && !target.hasPrefix("[") ? "[\(target)]" : target):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let bare = target.hasPrefix("[") ? String(target.dropFirst().dropLast()) : target
        let resolved = getaddrinfo(bare, String(port), &hints, &results)
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
            return "cannot connect to \(display): " + systemError() + " (is the server running, with this --host and --port?)"
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(display)\r\nConnection: close\r\n\r\n"
        guard request.withCString({ send(socketFD, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0 else {
            return "cannot send to \(display): " + systemError()
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(socketFD, &buffer, buffer.count, 0)
        if count < 0 { return "no answer from \(display) within 2 s: " + systemError() }
        let head = String(decoding: buffer[0..<max(count, 0)].prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        if head.hasPrefix("HTTP/1.1 200") || head.hasPrefix("HTTP/1.0 200") { return nil }
        if count == 0 { return "\(display) closed the connection without an answer (a TLS server? the probe speaks plain HTTP)" }
        guard head.hasPrefix("HTTP/") else {
            return "\(display) answered something that is not HTTP (a TLS server? the probe speaks plain HTTP)"
        }
        return "GET \(path) on \(display) answered \(head.split(separator: " ", maxSplits: 1).last.map(String.init) ?? head), not 200"
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
