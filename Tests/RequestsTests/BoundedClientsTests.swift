// The transport's clients and descriptors stay bounded whatever the timeouts, and timeouts still fire (issue 21).
import Foundation
import HTTPBun
import Testing
@testable import Requests

/// Open descriptors of this process.
func openDescriptors() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
}

/// Open descriptors of this process that are TCP connections to `port` (client ends only): what other
/// tests running at the same time do not change.
func descriptorsConnected(toPort port: Int) -> Int {
    let hexPort = ":" + String(format: "%04X", port)
    var inodes = Set<String>()
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        // /proc files report a size of 0: read to the end rather than by size.
        guard let handle = FileHandle(forReadingAtPath: table) else { continue }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        handle.closeFile()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // remote address is field 2, the inode field 9.
            if fields.count > 9, fields[2].hasSuffix(hexPort) { inodes.insert(String(fields[9])) }
        }
    }
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.filter { fd in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd),
            target.hasPrefix("socket:[") else { return false }
        return inodes.contains(String(target.dropFirst(8).dropLast()))
    }.count
}

@Suite(.serialized) struct BoundedClientsTests {
    @Test("100 calls with distinct timeouts keep clients and descriptors bounded") func distinctTimeouts() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let port = try #require(URL(string: server.baseURL)?.port)
        let transport = AsyncHTTPClientTransport()
        let session = Session(transport: transport)
        let before = openDescriptors()
        var most = 0
        for i in 0..<100 {
            let budget = 5.0 + Double(i) / 1000   // a remaining-time budget, different on every call
            let response = try await session.get(server.baseURL + "/get", timeout: Timeout(connect: budget, read: budget))
            #expect(response.statusCode == 200)
            most = max(most, transport.clientCount)
        }
        let after = openDescriptors()
        let connections = descriptorsConnected(toPort: port)
        print("descriptors before \(before), after 100 distinct timeouts \(after); connections to the server \(connections); clients at most \(most)")
        #expect(most <= AsyncHTTPClientTransport.maxClients)
        // Before the bound: one client and one open connection per timeout, 100.
        #expect(connections <= AsyncHTTPClientTransport.maxClients)
        try await session.close()
    }

    @Test func topLevelCallsShareABoundedSetOfClients() async throws {
        for i in 0..<30 {
            _ = try await Requests.get(E2E.base + "/get", timeout: .seconds(7 + Double(i) / 100))
        }
        // Kept clients only: other tests share this transport at the same time, and a client they are
        // still reading from stays (retired) until they are done.
        #expect(AsyncHTTPClientTransport.shared.keptClientCount <= AsyncHTTPClientTransport.maxClients)
    }

    @Test("a read timeout still fires on time") func readTimeoutFires() async throws {
        let session = Session()
        let start = ContinuousClock.now
        await #expect(throws: ReadTimeout.self) {
            _ = try await session.get(E2E.base + "/delay/3", timeout: Timeout(connect: 5, read: 0.5))
        }
        let took = ContinuousClock.now - start
        #expect(took < .seconds(2), "\(took)")
        try await session.close()
    }

    @Test("a connect timeout still fires on time") func connectTimeoutFires() async throws {
        let blackhole = try BlackholeListener()
        let session = Session()
        let start = ContinuousClock.now
        await #expect(throws: ConnectTimeout.self) {
            _ = try await session.get("http://127.0.0.1:\(blackhole.port)/get", timeout: Timeout(connect: 0.5, read: 30))
        }
        let took = ContinuousClock.now - start
        #expect(took < .seconds(2), "\(took)")
        withExtendedLifetime(blackhole) {}
        try await session.close()
    }

    @Test("a client beyond the bound shuts down only once its streamed body is read") func retiredClientFinishesItsBody() async throws {
        let transport = AsyncHTTPClientTransport()
        let session = Session(transport: transport)
        let streamed = try await session.get(E2E.base + "/stream/20", timeout: Timeout(connect: 9, read: 9), stream: true)
        for i in 0..<(AsyncHTTPClientTransport.maxClients + 2) {
            _ = try await session.get(E2E.base + "/get", timeout: Timeout(connect: 3, read: 3 + Double(i)))
        }
        var lines = 0
        for try await _ in streamed.body.lines { lines += 1 }
        #expect(lines == 20)
        #expect(transport.clientCount <= AsyncHTTPClientTransport.maxClients)
        try await session.close()
    }
}

