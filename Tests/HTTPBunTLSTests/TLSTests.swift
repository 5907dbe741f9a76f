import AsyncHTTPClient
import Foundation
import HTTPBun
import JSONValue
import NIOCore
import NIOSSL
import Testing

/// A client that trusts exactly `authorityPEM` (or the system's roots when nil).
private func withClient<Result>(trusting authorityPEM: String?, _ body: (HTTPClient) async throws -> Result) async throws -> Result {
    var tls = TLSConfiguration.makeClientConfiguration()
    if let authorityPEM {
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authorityPEM.utf8)))
    }
    var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
    // Report a failed handshake as it is, instead of retrying it until the deadline.
    configuration.connectionPool.retryConnectionEstablishment = false
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try await client.shutdown()
        throw error
    }
}

private func get(_ client: HTTPClient, _ url: String, timeout: TimeAmount = .seconds(10)) async throws -> (status: UInt, body: JSON) {
    let response = try await client.execute(HTTPClientRequest(url: url), timeout: timeout)
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (response.status.code, try JSON.parse(Array(bytes.readableBytesView)))
}

@Suite("HTTPS over libmicrohttpd and GnuTLS")
struct TLSTests {
    @Test("a self-signed identity serves HTTPS that a client trusting its CA accepts; the echo url says https")
    func selfSigned() async throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let server = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        defer { server.stop() }
        #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
        let answer = try await withClient(trusting: authority) { client in
            try await get(client, server.baseURL + "/get?x=1")
        }
        #expect(answer.status == 200)
        #expect(answer.body["url"] == .string(server.baseURL + "/get?x=1"))
        #expect(answer.body["args"] == ["x": "1"])
    }

    @Test("the certificate names localhost too, and several requests share the connection")
    func localhostAndKeepAlive() async throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let server = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        defer { server.stop() }
        try await withClient(trusting: authority) { client in
            for index in 0..<5 {
                let answer = try await get(client, "https://localhost:\(server.port)/anything?i=\(index)")
                #expect(answer.body["url"] == .string("https://localhost:\(server.port)/anything?i=\(index)"))
            }
            #expect(server.openConnections == 1)
        }
    }

    @Test("a client that does not trust the CA is refused: the TLS is real")
    func untrusted() async throws {
        let (identity, _) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let server = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        defer { server.stop() }
        let (_, otherAuthority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        do {
            _ = try await withClient(trusting: otherAuthority) { client in try await get(client, server.baseURL + "/get", timeout: .seconds(5)) }
            Issue.record("a client trusting another CA got an answer")
        } catch {
            // The certificate is what failed, not the connection or the clock.
            #expect(error is NIOSSLError || String(reflecting: error).contains("CERTIFICATE_VERIFY_FAILED"), "\(String(reflecting: error))")
        }
    }

    @Test("PEM files load; missing or non-PEM files are clear errors")
    func loadFromFiles() async throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try identity.certificateChainPEM.write(toFile: certificate, atomically: true, encoding: .utf8)
        try identity.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        let loaded = try TLSIdentity.load(certificatePath: certificate, keyPath: key)
        #expect(loaded == identity)
        let server = try HTTPBunServer.start(ServerConfiguration(tls: loaded))
        defer { server.stop() }
        let answer = try await withClient(trusting: authority) { client in try await get(client, server.baseURL + "/get?from=pem") }
        #expect(answer.body["args"] == ["from": "pem"])

        #expect { try TLSIdentity.load(certificatePath: directory.path + "/missing.pem", keyPath: key) } throws: { error in
            "\(error)".contains("cannot read the TLS certificate")
        }
        try "not pem".write(toFile: key, atomically: true, encoding: .utf8)
        #expect { try TLSIdentity.load(certificatePath: certificate, keyPath: key) } throws: { error in
            "\(error)".contains("is not PEM")
        }
    }

    @Test("a key that does not match its certificate fails at start with a message")
    func mismatchedKey() throws {
        let (first, _) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let (second, _) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let mismatched = TLSIdentity(certificateChainPEM: first.certificateChainPEM, privateKeyPEM: second.privateKeyPEM)
        #expect { try HTTPBunServer.start(ServerConfiguration(tls: mismatched)) } throws: { error in
            "\(error)".contains("cannot serve HTTPS")
        }
    }
}
