#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import Requests

/// A listening socket that never accepts, with its accept queue filled: new connections hang in the
/// handshake, which is how a connect timeout looks on a network with no such host answering.
final class BlackholeListener: Sendable {
    let port: Int
    private let descriptors: [Int32]

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 0) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        var fillers: [Int32] = []
        // Fill the accept queue (backlog 0 holds one or two) with connections nobody accepts.
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let flags = fcntl(filler, F_GETFL)
            _ = fcntl(filler, F_SETFL, flags | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) } }
            fillers.append(filler)
        }
        usleep(100_000)
        descriptors = [listener] + fillers
    }

    deinit { for descriptor in descriptors { close(descriptor) } }
}

@Suite struct ConnectTimeoutTests {
    @Test func connectTimeoutIsBothAConnectionErrorAndATimeout() async throws {
        let blackhole = try BlackholeListener()
        let url = "http://127.0.0.1:\(blackhole.port)/get"
        do {
            _ = try await Requests.get(url, timeout: Timeout(connect: .milliseconds(500), read: .seconds(5)))
            Issue.record("expected a connect timeout")
        } catch let error as ConnectionError {
            #expect(error is ConnectTimeout, "\(error)")
            #expect((error as? TimeoutError)?.kind == .connect)
            #expect(error.description.contains(url))
        }
        withExtendedLifetime(blackhole) {}
    }
}
