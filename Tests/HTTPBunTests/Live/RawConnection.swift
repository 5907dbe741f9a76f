@testable import HTTPBun
@testable import HTTPBunCore

#if canImport(Glibc)
    import Glibc
#endif

struct RawSocketError: Error, CustomStringConvertible {
    var description: String
}

/// A response as read off the wire.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The trailer section of a chunked body, in order.
    var trailers = HTTPHeaders()
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A plain TCP connection that writes exactly the bytes a test gives it and reads responses
/// itself: the only way to send what a well-behaved client never would, and to see whether a
/// connection is reused or closed.
final class RawConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1") throws {
        let isIPv6 = host.contains(":")
        fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError(description: "socket() failed") }
        var result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        // deinit closes the socket even when init throws: closing it here too could close a
        // descriptor another test has just been given.
        guard result == 0 else {
            throw RawSocketError(description: "connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawSocketError(description: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Sends `text`, then shuts down our sending side (a FIN), as `nc -N` and some harnesses do: the
    /// server sees the client has nothing more to say, and may still answer.
    func sendThenHalfClose(_ text: String) throws {
        try send(text)
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads more bytes into the buffer; false when the peer closed.
    private func fill(deadline: ContinuousClock.Instant) throws -> Bool {
        let remaining = deadline - .now
        guard remaining > .zero else { throw RawSocketError(description: "timed out waiting for the server") }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptor, 1, max(1, milliseconds)) > 0 else { throw RawSocketError(description: "timed out waiting for the server") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads one response. `bodyless` for answers to HEAD.
    func readResponse(timeout: Duration = .seconds(10), bodyless: Bool = false) throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = buffer.firstRange(of: separator) {
                headerEnd = range.upperBound
            } else if try !fill(deadline: deadline) {
                throw RawSocketError(description: "connection closed before a complete response head (\(buffer.count) bytes)")
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd!)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: true)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawSocketError(description: "bad status line: \(head)")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
        }
        var body: [UInt8] = []
        var trailers = HTTPHeaders()
        if bodyless || status == 204 || status == 304 || (100..<200).contains(status) {
            // no body
        } else if let length = headers["Content-Length"].flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill(deadline: deadline) else { throw RawSocketError(description: "closed after \(buffer.count) of \(length) body bytes") }
            }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            while true {
                var lineEnd = buffer.firstRange(of: [13, 10])
                while lineEnd == nil {
                    guard try fill(deadline: deadline) else { throw RawSocketError(description: "closed inside chunked body") }
                    lineEnd = buffer.firstRange(of: [13, 10])
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!.lowerBound], as: UTF8.self).split(separator: ";")[0]
                guard let size = Int(sizeText, radix: 16) else { throw RawSocketError(description: "bad chunk size \(sizeText)") }
                buffer.removeFirst(lineEnd!.upperBound)
                if size == 0 {
                    // The trailer section: field lines up to an empty line.
                    while true {
                        var end = buffer.firstRange(of: [13, 10])
                        while end == nil {
                            guard try fill(deadline: deadline) else { throw RawSocketError(description: "closed inside the trailer section") }
                            end = buffer.firstRange(of: [13, 10])
                        }
                        let line = String(decoding: buffer[0..<end!.lowerBound], as: UTF8.self)
                        buffer.removeFirst(end!.upperBound)
                        if line.isEmpty { break }
                        guard let colon = line.firstIndex(of: ":") else { throw RawSocketError(description: "bad trailer line \(line)") }
                        trailers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces)
                    }
                    break
                }
                while buffer.count < size + 2 {
                    guard try fill(deadline: deadline) else { throw RawSocketError(description: "closed inside a chunk") }
                }
                body.append(contentsOf: buffer[0..<size])
                buffer.removeFirst(size + 2)
            }
        } else {
            while try fill(deadline: deadline) {}
            body = buffer
            buffer = []
        }
        return RawResponse(status: status, headers: headers, body: body, trailers: trailers)
    }

    /// Exactly `count` bytes past what was read so far (after a 101's head: the upgraded stream).
    func readBytes(_ count: Int, timeout: Duration = .seconds(10)) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while buffer.count < count {
            guard try fill(deadline: deadline) else { throw RawSocketError(description: "closed after \(buffer.count) of \(count) bytes") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    /// True when the server closes the connection (reads end) within `timeout`.
    func waitForClose(timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                if try !fill(deadline: deadline) { return true }
            } catch {
                return false
            }
        }
    }

    /// One request with a body and a Content-Length, then its response.
    func exchange(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> RawResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse(bodyless: method == "HEAD")
    }
}

/// Counts of this process's threads and open file descriptors, for leak checks.
enum ProcessResources {
    static var threadCount: Int { entries(in: "/proc/self/task") }
    static var fileDescriptorCount: Int { entries(in: "/proc/self/fd") }

    private static func entries(in path: String) -> Int {
        guard let directory = opendir(path) else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }
}
