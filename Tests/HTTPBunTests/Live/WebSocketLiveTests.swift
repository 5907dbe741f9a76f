@testable import HTTPBun
@testable import HTTPBunCore
import Testing
import WebSocket

#if canImport(Glibc)
    import Glibc
#endif

/// A frame as the server sent it.
struct ReceivedFrame: Equatable {
    var opcode: UInt8
    var payload: [UInt8]
}

/// A WebSocket client on a raw connection: the handshake, masked frames out, frames in.
struct WebSocketClient {
    let connection: RawConnection

    static let handshake =
        "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"

    /// Connects and upgrades; `early` is sent right behind the request, before the 101 arrives.
    static func open(port: Int, target: String = "/websocket/echo", early: [UInt8] = []) throws -> (WebSocketClient, RawResponse) {
        let connection = try RawConnection(port: port)
        try connection.send(Array("GET \(target) HTTP/1.1\r\n\(handshake)\r\n".utf8) + early)
        return (WebSocketClient(connection: connection), try connection.readResponse())
    }

    func send(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) throws {
        try connection.send(WebSocketFrame.masked(fin: fin, opcode: opcode, payload: payload, mask: 0xA1B2_C3D4))
    }

    /// The next frame from the server: its opcode and payload (server frames are never masked).
    func receive(timeout: Duration = .seconds(5)) throws -> ReceivedFrame {
        let head = try connection.readBytes(2, timeout: timeout)
        #expect(head[1] & 0x80 == 0, "server frames are not masked")
        var length = Int(head[1] & 0x7F)
        if length >= 126 {
            length = try connection.readBytes(length == 126 ? 2 : 8, timeout: timeout).reduce(0) { $0 << 8 | Int($1) }
        }
        return ReceivedFrame(opcode: head[0] & 0x0F, payload: try connection.readBytes(length, timeout: timeout))
    }

    /// The next frame, which must be a close frame: its code.
    func receiveClose(timeout: Duration = .seconds(5)) throws -> UInt16 {
        let frame = try receive(timeout: timeout)
        #expect(frame.opcode == 0x8)
        guard frame.payload.count >= 2 else { return 1005 }
        return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
    }
}

@Suite("/websocket/echo over loopback: libmicrohttpd's upgrade, the connection limit, timeouts and stop")
struct WebSocketLiveTests {
    @Test("the 101's head, an echo, a pong, the close handshake and then the server's TCP close")
    func echo() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let (client, head) = try WebSocketClient.open(port: server.port)
        #expect(head.status == 101)
        #expect(head.headers.values(for: "Connection") == ["Upgrade"], "libmicrohttpd's own, once")
        #expect(head.headers["Upgrade"] == "websocket")
        #expect(head.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(head.headers["Content-Length"] == nil)
        try client.send(.text, Array("héllo".utf8))
        #expect(try client.receive() == ReceivedFrame(opcode: 1, payload: Array("héllo".utf8)))
        try client.send(.binary, [0, 1, 2, 255], fin: false)
        try client.send(.ping, Array("are you there".utf8))
        try client.send(.continuation, Array(repeating: 7, count: 70_000))
        #expect(try client.receive() == ReceivedFrame(opcode: 0xA, payload: Array("are you there".utf8)))
        let echoed = try client.receive()
        #expect(echoed.opcode == 2)
        #expect(echoed.payload == [0, 1, 2, 255] + Array(repeating: 7, count: 70_000))
        #expect(server.openWebSockets == 1)
        try client.send(.close, [0x0F, 0xA0] + Array("done".utf8))
        #expect(try client.receiveClose() == 4000)
        #expect(client.connection.waitForClose(timeout: .seconds(3)), "the server closes TCP after the close handshake")
        // The server reads on until the client closes too (or for 2 s): it releases at our FIN.
        shutdown(client.connection.fd, Int32(SHUT_WR))
        try expectReleased(server)
    }

    @Test("frames sent with the handshake, before the 101, are read first")
    func earlyFrames() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let early = WebSocketFrame.masked(opcode: .text, payload: Array("eager".utf8), mask: 7)
        let (client, head) = try WebSocketClient.open(port: server.port, early: early)
        #expect(head.status == 101)
        #expect(try client.receive() == ReceivedFrame(opcode: 1, payload: Array("eager".utf8)))
    }

    @Test("a protocol error is a close frame with its code, then the server's TCP close; the server serves on")
    func protocolError() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let (client, _) = try WebSocketClient.open(port: server.port, target: "/websocket/echo?max_fragment_size=10&max_message_size=20")
        try client.connection.send([0x81, 0x05] + Array("plain".utf8))
        #expect(try client.receiveClose() == 1002)
        #expect(client.connection.waitForClose(timeout: .seconds(3)))
        let (tooBig, _) = try WebSocketClient.open(port: server.port, target: "/websocket/echo?max_fragment_size=10&max_message_size=20")
        try tooBig.send(.binary, Array(repeating: 1, count: 11))
        #expect(try tooBig.receiveClose() == 1009)
        for ended in [client, tooBig] { shutdown(ended.connection.fd, Int32(SHUT_WR)) }
        #expect(try RawConnection(port: server.port).exchange("GET", "/get").status == 200)
        try expectReleased(server)
    }

    @Test("HEAD with a handshake is refused, not switched; a bad handshake is go-httpbin's 400 on a kept connection")
    func refusals() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        try connection.send("HEAD /websocket/echo HTTP/1.1\r\n\(WebSocketClient.handshake)\r\n")
        let head = try connection.readResponse(bodyless: true)
        #expect(head.status == 400)
        #expect(connection.waitForClose(timeout: .seconds(3)))
        let plain = try RawConnection(port: server.port)
        let refused = try plain.exchange("GET", "/websocket/echo")
        #expect(refused.status == 400)
        #expect(refused.text.contains("missing required `Upgrade: websocket` header"))
        #expect(try plain.exchange("GET", "/get").status == 200, "the connection is still HTTP")
    }

    @Test("an upgraded connection counts against --connection-limit until it closes")
    func connectionLimit() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(connectionLimit: 2))
        defer { server.stop() }
        let (first, _) = try WebSocketClient.open(port: server.port)
        let (second, _) = try WebSocketClient.open(port: server.port)
        #expect(server.openConnections == 2)
        // At the limit libmicrohttpd accepts nothing more: a third client waits in the backlog.
        let third = try RawConnection(port: server.port)
        try third.send("GET /get HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(throws: RawSocketError.self, "no answer while both WebSockets hold their slots") {
            try third.readResponse(timeout: .seconds(1))
        }
        try first.send(.close, [0x03, 0xE8])
        #expect(try first.receiveClose() == 1000)
        #expect(first.connection.waitForClose(timeout: .seconds(3)))
        shutdown(first.connection.fd, Int32(SHUT_WR))
        #expect(try third.readResponse(timeout: .seconds(3)).status == 200, "served once the first WebSocket's slot is free")
        try second.send(.text, Array("still here".utf8))
        #expect(try second.receive() == ReceivedFrame(opcode: 1, payload: Array("still here".utf8)))
    }

    @Test("an idle WebSocket is closed (1001) after --idle-timeout, a busy one after --max-duration")
    func timeouts() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(maxDuration: .seconds(2), idleTimeout: 1))
        defer { server.stop() }
        let start = ContinuousClock.now
        let (idle, _) = try WebSocketClient.open(port: server.port)
        #expect(try idle.receiveClose(timeout: .seconds(4)) == 1001)
        #expect(ContinuousClock.now - start >= .seconds(1))
        #expect(idle.connection.waitForClose(timeout: .seconds(3)))
        let (busy, _) = try WebSocketClient.open(port: server.port)
        let opened = ContinuousClock.now
        var closeCode: UInt16?
        while closeCode == nil && ContinuousClock.now - opened < .seconds(5) {
            try busy.send(.ping, [1])
            let frame = try busy.receive()
            if frame.opcode == 0x8 { closeCode = UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) }
            usleep(300_000)
        }
        #expect(closeCode == 1001)
        #expect(ContinuousClock.now - opened >= .seconds(2), "pings kept it from idling: its lifetime ended it")
    }

    @Test("stop tells every open WebSocket 1001, gives each back to libmicrohttpd, and returns promptly")
    func stop() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(threads: 2))
        let clients = try (0..<6).map { _ in try WebSocketClient.open(port: server.port).0 }
        for client in clients {
            try client.send(.text, Array("x".utf8))
            #expect(try client.receive() == ReceivedFrame(opcode: 1, payload: Array("x".utf8)))
        }
        #expect(server.openWebSockets == 6)
        let start = ContinuousClock.now
        server.stop()
        #expect(ContinuousClock.now - start < .seconds(2))
        for client in clients {
            #expect(try client.receiveClose() == 1001)
            #expect(client.connection.waitForClose(timeout: .seconds(2)))
        }
        #expect(server.openWebSockets == 0)
        #expect(server.liveRequests == 0)
    }

    /// The server gave every WebSocket but `leaving` back and libmicrohttpd closed them (its count
    /// and the request's completion come a moment after the close).
    private func expectReleased(_ server: HTTPBunServer, leaving: Int = 0) throws {
        let deadline = ContinuousClock.now + .seconds(3)
        while (server.openWebSockets > leaving || server.openConnections > leaving) && ContinuousClock.now < deadline { usleep(5_000) }
        #expect(server.openWebSockets == leaving)
        #expect(server.openConnections == leaving)
    }
}
