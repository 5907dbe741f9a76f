@testable import HTTPBun
@testable import HTTPBunCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the server sends on `connection` until it closes it; nil when it does not close
/// within `timeout`.
private func readUntilClose(_ connection: RawConnection, timeout: Duration = .seconds(5)) -> [UInt8]? {
    let deadline = ContinuousClock.now + timeout
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let remaining = deadline - .now
        guard remaining > .zero else { return nil }
        var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))) > 0
        else { return nil }
        let count = recv(connection.fd, &chunk, chunk.count, 0)
        if count <= 0 { return received }
        received += chunk[0..<count]
    }
}

@Suite("Faults over loopback")
struct FaultLiveTests {
    @Test("/fault/close: no bytes at all, then the connection closes; the server keeps serving")
    func close() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        try connection.send("GET /fault/close HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let received = try #require(readUntilClose(connection), "the server must close the connection")
        #expect(received.isEmpty, "got \(received.count) bytes")
        #expect(try RawConnection(port: server.port).exchange("GET", "/health").status == 200)
    }

    @Test("/fault/truncate/100: Content-Length 100, exactly 50 body bytes, then a close")
    func truncate() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        try connection.send("GET /fault/truncate/100 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let received = try #require(readUntilClose(connection), "the server must close the connection")
        let separator = try #require(received.firstRange(of: [13, 10, 13, 10]), "a complete response head")
        let head = String(decoding: received[..<separator.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("HTTP/1.1 200") == true)
        let lengths = lines.filter { $0.lowercased().hasPrefix("content-length:") }
        #expect(lengths.map { $0.dropFirst("content-length:".count).trimmingSpaces } == ["100"])
        #expect(!head.lowercased().contains("transfer-encoding"))
        #expect(received.count - separator.upperBound == 50)
        #expect(try RawConnection(port: server.port).exchange("GET", "/health").status == 200)
    }

    @Test("100 faults leave no connection or suspended request behind")
    func noLeaks() throws {
        // Counted on this server only: process-wide counts move with the suites running in parallel.
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        for index in 0..<100 {
            let connection = try RawConnection(port: server.port)
            try connection.send("GET \(index % 2 == 0 ? "/fault/close" : "/fault/truncate/1000") HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(readUntilClose(connection) != nil)
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while server.openConnections > 0 && ContinuousClock.now < deadline { usleep(1_000) }
        #expect(server.openConnections == 0)
        #expect(server.suspendedRequests == 0)
        #expect(try RawConnection(port: server.port).exchange("GET", "/health").status == 200)
    }
}
