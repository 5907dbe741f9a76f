@testable import HTTPBun
import Testing

/// Out-of-range limits are a start error, never a trap (MHD takes them as C unsigned ints).
@Suite("Configuration ranges")
struct ConfigurationRangeTests {
    @Test(
        "out-of-range limits throw ServerStartError",
        arguments: [
            ServerConfiguration(connectionLimit: 5_000_000_000), ServerConfiguration(connectionLimit: 0),
            ServerConfiguration(idleTimeout: 5_000_000_000), ServerConfiguration(idleTimeout: -1),
            ServerConfiguration(connectionMemoryLimit: 100), ServerConfiguration(connectionMemoryLimit: -1),
            // Checked only by the CLI before, so a library user could start a server that traps later.
            ServerConfiguration(port: 70_000), ServerConfiguration(maxBodySize: 0), ServerConfiguration(maxBodySize: -1),
            ServerConfiguration(maxDuration: .seconds(2_000_000_000)), ServerConfiguration(maxDuration: .seconds(-1)),
            ServerConfiguration(threads: 0), ServerConfiguration(threads: 257),
        ])
    func outOfRange(_ configuration: ServerConfiguration) {
        #expect(throws: ServerStartError.self) { try HTTPBunServer.start(configuration) }
    }

    @Test("the largest accepted values start")
    func largestAccepted() throws {
        let server = try HTTPBunServer.start(ServerConfiguration(connectionLimit: 1_000_000, idleTimeout: 31_536_000))
        server.stop()
    }
}
