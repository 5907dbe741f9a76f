#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot `GET /health` over plain HTTP, for `httpbun --healthcheck` in container images that
/// have no curl.
enum HealthProbe {
    static func isHealthy(host: String, port: Int, path: String) -> Bool {
        // A server bound to every interface is reached on loopback.
        let target = ["0.0.0.0", "", "::", "[::]"].contains(host) ? "127.0.0.1" : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let bare = target.hasPrefix("[") ? String(target.dropFirst().dropLast()) : target
        guard getaddrinfo(bare, String(port), &hints, &results) == 0, let info = results else { return false }
        defer { freeaddrinfo(results) }
        let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype, 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return false }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(target):\(port)\r\nConnection: close\r\n\r\n"
        guard request.withCString({ send(socketFD, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(socketFD, &buffer, buffer.count, 0)
        guard count >= 12 else { return false }
        return String(decoding: buffer[0..<12], as: UTF8.self) == "HTTP/1.1 200"
    }
}
