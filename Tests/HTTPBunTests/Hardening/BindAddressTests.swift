@testable import HTTPBun
@testable import HTTPBunCore
import Testing

/// The server binds loopback unless told otherwise, and knows (so the command line can warn) when
/// a host, however it is spelled, means every interface.
@Suite("Bind address")
struct BindAddressTests {
    @Test("the default is loopback")
    func defaultIsLoopback() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        #expect(server.host == "127.0.0.1")
        #expect(!server.listensOnAllInterfaces)
    }

    @Test("every spelling of the wildcard address is recognised", arguments: ["0.0.0.0", "0", "::", "[::]", "::0", "0:0:0:0:0:0:0:0"])
    func wildcardSpellings(_ host: String) throws {
        let address = try SocketAddress.resolve(host, port: 0)
        #expect(address.isWildcard, "\(host)")
        #expect(address.urlHost == "127.0.0.1", "\(host)")
    }

    @Test("loopback and named hosts are not the wildcard", arguments: ["127.0.0.1", "::1", "localhost", ""])
    func notWildcard(_ host: String) throws {
        #expect(!(try SocketAddress.resolve(host, port: 0)).isWildcard, "\(host)")
    }
}
