@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import HTTPWire
import Testing
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Live server over loopback", .serialized)
struct LiveServerTests {
    @Test("keep-alive: two requests travel on one connection")
    func keepAlive() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let first = try connection.exchange("GET", "/get?n=1")
        #expect(first.status == 200)
        #expect(first.headers["Connection"]?.lowercased() != "close")
        let second = try connection.exchange("POST", "/post", headers: [("Content-Type", "application/json")], body: Array(#"{"n":2}"#.utf8))
        #expect(second.status == 200)
        #expect(try JSON.parse(second.body)["json"] == ["n": 2])
        #expect(server.openConnections == 1)
    }

    @Test("an idle keep-alive connection is closed after the idle timeout, a busy one is not")
    func idleTimeout() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(idleTimeout: 1))
        defer { server.stop() }
        let idle = try RawConnection(port: server.port)
        #expect(try idle.exchange("GET", "/get").status == 200)
        let start = ContinuousClock.now
        #expect(idle.waitForClose(timeout: .seconds(5)))
        #expect(ContinuousClock.now - start >= .milliseconds(900), "not before the timeout")
        // A request that waits longer than the idle timeout is not cut off: it is not idle.
        let waiting = try RawConnection(port: server.port)
        #expect(try waiting.exchange("GET", "/delay/1.5").status == 200)
    }

    @Test("HEAD keeps status and headers, sends no body")
    func head() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let response = try connection.exchange("HEAD", "/get")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(Int(response.headers["Content-Length"] ?? "") ?? 0 > 0)
        #expect(try connection.exchange("GET", "/health").status == 200, "connection still usable")
    }

    @Test("chunked request bodies are read whole")
    func chunkedUpload() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        try connection.send(
            "POST /post HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(try JSON.parse(response.body)["data"] == "hello, world")
    }

    @Test("the echo object carries the real peer address and Host")
    func origin() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let response = try RawConnection(port: server.port).exchange("GET", "/get?a=1")
        let json = try JSON.parse(response.body)
        #expect(json["origin"] == "127.0.0.1")
        #expect(json["url"] == "http://127.0.0.1/get?a=1")
        // The address is worked out once per connection: every request on a kept-alive one has it.
        let keptAlive = try RawConnection(port: server.port)
        for target in ["/get", "/ip", "/anything/x"] {
            let answer = try keptAlive.exchange("GET", target)
            #expect(answer.status == 200)
            #expect(try JSON.parse(answer.body)["origin"] == "127.0.0.1", "\(target)")
        }
    }

    @Test("requests on one kept-alive connection share nothing, though they reuse its exchange")
    func keptAliveRequestsStartFresh() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let first = try connection.exchange("POST", "/anything/one?a=1", headers: [("X-First", "1")], body: Array("first body".utf8))
        let firstEcho = try JSON.parse(first.body)
        #expect(firstEcho["data"] == "first body")
        #expect(firstEcho["headers"]?["X-First"] == "1")
        // A delayed answer parks the exchange with its response; the next request must not see it.
        #expect(try connection.exchange("GET", "/delay/0.05").status == 200)
        let second = try JSON.parse(try connection.exchange("GET", "/anything/two").body)
        #expect(second["method"] == "GET")
        #expect(second["url"] == "http://127.0.0.1/anything/two")
        #expect(second["args"] == JSON.object([:]))
        #expect(second["data"] == "")
        #expect(second["headers"]?["Host"] == "127.0.0.1")
        #expect(second["headers"]?["X-First"] == nil)
        // Each request is counted while it lives, and not after: a reused exchange is not a live one.
        let deadline = ContinuousClock.now + .seconds(2)
        while server.liveRequests > 0 && ContinuousClock.now < deadline { usleep(1_000) }
        #expect(server.liveRequests == 0)
    }

    @Test("bodies either side of the size MHD copies arrive whole, on one connection", arguments: [0, 1, 4095, 4096, 4097, 65_536])
    func bodiesAroundTheCopyLimit(_ size: Int) throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let expected = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        for _ in 0..<2 {
            let answer = try connection.exchange("GET", "/range/\(size)")
            #expect(answer.status == 200)
            #expect(answer.body.count == size)
            #expect(answer.body.indices.allSatisfy { answer.body[$0] == expected[$0 % 26] })
        }
        // The echo's JSON, copied, then a body sent in place, then the echo again.
        #expect(try JSON.parse(try connection.exchange("POST", "/post", body: [UInt8](repeating: 0x61, count: 5000)).body)["data"]?.stringValue?.count == 5000)
        #expect(try connection.exchange("GET", "/get").status == 200)
    }

    @Test("200 concurrent /delay/1 on one thread all finish within 2 s")
    func concurrentDelays() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(threads: 1))
        defer { server.stop() }
        let start = ContinuousClock.now
        let connections = try (0..<200).map { _ in try RawConnection(port: server.port) }
        for (index, connection) in connections.enumerated() {
            try connection.send("GET /delay/1?i=\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        for (index, connection) in connections.enumerated() {
            let response = try connection.readResponse(timeout: .seconds(5))
            #expect(response.status == 200)
            #expect(response.body == Array("OK".utf8), "connection \(index)")
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .seconds(1), "each waited its second")
        #expect(elapsed < .seconds(2), "waits overlap: none holds the thread (took \(elapsed))")
    }

    @Test("stop with 50 requests waiting returns promptly and closes them")
    func stopWhileWaiting() throws {
        let server = try HTTPBunServer.start()
        let connections = try (0..<50).map { _ in try RawConnection(port: server.port) }
        for connection in connections { try connection.send("GET /delay/30 HTTP/1.1\r\nHost: x\r\n\r\n") }
        let deadline = ContinuousClock.now + .seconds(5)
        while server.suspendedRequests < 50 && ContinuousClock.now < deadline { usleep(5_000) }
        #expect(server.suspendedRequests == 50)
        let start = ContinuousClock.now
        server.stop()
        #expect(ContinuousClock.now - start < .seconds(2))
        for connection in connections {
            // Either the delayed answer was cut short or the connection closed: never a hang.
            if let response = try? connection.readResponse(timeout: .seconds(2)) {
                #expect(response.status == 200)
            } else {
                #expect(connection.waitForClose(timeout: .seconds(2)))
            }
        }
        #expect(throws: (any Error).self) { try RawConnection(port: server.port) }
    }

    @Test("oversized body is 413 JSON; the server keeps serving")
    func bodyTooLarge() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(maxBodySize: 1024))
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        try connection.send("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 413)
        #expect(try JSON.parse(response.body)["error"]?.stringValue?.contains("--max-body-size") == true)

        let chunked = try RawConnection(port: server.port)
        let piece = String(repeating: "x", count: 600)
        try chunked.send("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(piece)\r\n258\r\n\(piece)\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().status == 413)

        #expect(try RawConnection(port: server.port).exchange("POST", "/post", body: Array(repeating: 65, count: 1024)).status == 200)
    }

    @Test("oversized header is 431, oversized URL 414; the server keeps serving")
    func oversizedHead() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let big = try RawConnection(port: server.port)
        try big.send("GET /get HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n")
        #expect(try big.readResponse().status == 431)
        let long = try RawConnection(port: server.port)
        try long.send("GET /get?\(String(repeating: "a", count: 40_000)) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try long.readResponse().status == 414)
        #expect(try RawConnection(port: server.port).exchange("GET", "/get").status == 200)
    }

    @Test("several servers run at once on their own ports")
    func severalServers() throws {
        let servers = try (0..<4).map { _ in try HTTPBunServer.start() }
        defer { servers.forEach { $0.stop() } }
        #expect(Set(servers.map(\.port)).count == 4)
        for server in servers {
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            #expect(try RawConnection(port: server.port).exchange("GET", "/health").status == 200)
        }
    }

    @Test("IPv6 loopback")
    func ipv6() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(host: "::1"))
        defer { server.stop() }
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let response = try RawConnection(port: server.port, host: "::1").exchange("GET", "/ip")
        #expect(try JSON.parse(response.body)["origin"] == "::1")
    }

    @Test("several threads share one port")
    func threads() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(threads: 3))
        defer { server.stop() }
        for _ in 0..<20 {
            #expect(try RawConnection(port: server.port).exchange("GET", "/health").status == 200)
        }
    }

    @Test("a server's threads share its clock and secrets: a token or nonce from one is good on another")
    func threadsShareServices() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(threads: 2))
        defer { server.stop() }
        let token = try RawConnection(port: server.port).exchange(
            "POST", "/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic YTpi")],
            body: Array("grant_type=client_credentials".utf8))
        let access = try #require(try JSON.parse(token.body)["access_token"]?.stringValue)
        // The digest form with an algorithm keeps our nonces: they carry their issue time (16 hex digits
        // of seconds) under the server's key.
        let challenge = try RawConnection(port: server.port).exchange("GET", "/digest-auth/auth/user/passwd/MD5")
        let parameters = try #require(challenge.headers.first("WWW-Authenticate").flatMap { AuthParameters.parse($0.dropFirst(7)) })
        let nonce = try #require(parameters["nonce"])
        // The system's clock, not a router's stopped one.
        let issued = try #require(Int64(nonce.prefix(16), radix: 16))
        #expect(abs(Double(issued) - SystemClock.secondsSince1970()) < 120, "the nonce was issued now")
        // Fresh connections: SO_REUSEPORT hashes each to one of the two daemons, so both answer some.
        for index in 1...40 {
            let userinfo = try RawConnection(port: server.port).exchange("GET", "/oauth2/userinfo", headers: [("Authorization", "Bearer " + access)])
            #expect(userinfo.status == 200, "token on connection \(index)")
            let nc = DigestAlgorithm.nonceCount(index)
            let response = DigestAuthentication.response(
                algorithm: .md5, username: "user", realm: parameters["realm"] ?? "", password: "passwd", method: "GET",
                uri: "/digest-auth/auth/user/passwd/MD5", nonce: nonce, nc: nc, cnonce: "c\(index)", qop: "auth")
            let header = "Digest username=\"user\", realm=\"\(parameters["realm"] ?? "")\", nonce=\"\(nonce)\", "
                + "uri=\"/digest-auth/auth/user/passwd/MD5\", response=\"\(response)\", opaque=\"\(parameters["opaque"] ?? "")\", "
                + "qop=auth, nc=\(nc), cnonce=\"c\(index)\", algorithm=MD5"
            let digest = try RawConnection(port: server.port).exchange("GET", "/digest-auth/auth/user/passwd/MD5", headers: [("Authorization", header)])
            #expect(digest.status == 200, "nonce on connection \(index)")
        }
    }

    @Test("a port in use is a clear error")
    func portInUse() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        #expect {
            try HTTPBunServer.start(ServerConfiguration(port: server.port))
        } throws: { error in
            "\(error)".contains("cannot listen on 127.0.0.1:\(server.port)")
        }
    }

    @Test("stop releases every request's state, answered, waiting or abandoned by its client")
    func stopReleasesRequestState() throws {
        for index in 0..<50 {
            // With two threads each keeps its own counts: the server's are their sums.
            let server = try HTTPBunServer.start(ServerConfiguration(threads: index % 4 < 2 ? 1 : 2))
            let connection = try RawConnection(port: server.port)
            _ = try connection.exchange("GET", "/get")
            try connection.send("GET /delay/10 HTTP/1.1\r\nHost: x\r\n\r\n")
            let deadline = ContinuousClock.now + .seconds(2)
            while server.suspendedRequests < 1 && ContinuousClock.now < deadline { usleep(1_000) }
            #expect(server.suspendedRequests == 1)
            #expect(server.liveRequests == 1)
            if index % 2 == 0 { withExtendedLifetime(connection) {} }  // the client may leave first
            server.stop()
            #expect(server.liveRequests == 0, "cycle \(index)")
            withExtendedLifetime(connection) {}
        }
    }
}

@Suite("withServer scopes a server to a test")
struct WithServerTests {
    struct Planned: Error {}

    @Test("serves inside the body, rethrows the body's error, and is stopped afterwards")
    func stopsWhenTheBodyThrows() async throws {
        let port = Mutex(0)
        await #expect(throws: Planned.self) {
            try await HTTPBunServer.withServer { base in
                let number = try #require(Int(base.split(separator: ":").last ?? ""))
                port.withLock { $0 = number }
                let answer = try RawConnection(port: number).exchange("GET", "/health")
                #expect(answer.status == 200)
                throw Planned()
            }
        }
        let used = port.withLock { $0 }
        #expect(used > 0)
        #expect(throws: RawSocketError.self) { try RawConnection(port: used) }
    }
}
