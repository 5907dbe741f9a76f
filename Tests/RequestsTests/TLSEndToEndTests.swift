import Foundation
import JSONValue
import Testing
import HTTPBun
@testable import Requests

@Suite struct TLSEndToEndTests {
    @Test func httpsWithTheServersAuthorityOrWithoutVerification() async throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let server = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        defer { server.stop() }
        #expect(server.baseURL.hasPrefix("https://"))

        // The system roots do not know the test CA: a TLS failure is a connection error.
        let strict = Session()
        do {
            _ = try await strict.get(server.baseURL + "/get", timeout: 5)
            Issue.record("an unknown authority was accepted")
        } catch let error as ConnectionError {
            #expect(error.description.contains("TLS"), "\(error)")
        }
        try await strict.close()

        let trusting = Session(trust: .authorities(pem: authority))
        let echo = try await trusting.get(server.baseURL + "/get").json()
        #expect(echo["url"]?.stringValue == server.baseURL + "/get")
        try await trusting.close()

        let insecure = Session(trust: .insecureAcceptAnything)
        #expect(try await insecure.get(server.baseURL + "/get").statusCode == 200)
        try await insecure.close()
    }
}
