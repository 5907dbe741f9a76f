import Foundation
import HTTPBun
import JSONValue
import Testing

/// A state folder of its own, so that servers started by other tests do not record themselves over ours.
private func stateFolder() throws -> (path: String, environment: [String: String]) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-state-\(UUID().uuidString)").path
    return (path, ["HTTPBUN_STATE_DIR": path])
}

@Suite("httpbun --healthcheck: probes the running server wherever and however it listens, and says why not")
struct HealthcheckCommandTests {
    @Test("a server configured by arguments only: --healthcheck with no arguments reads its state, whatever HTTPBUN_PORT says")
    func argumentsOnly() throws {
        let (folder, environment) = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try RunningCommand(["--port", "0", "--path-prefix", "/p", "--log-level", "warning"], environment: environment)
        let url = server.firstLine()
        let port = try #require(portNumber(in: url))
        let state = try JSON.parse(String(contentsOfFile: folder + "/server.json", encoding: .utf8))
        #expect(state["url"] == .string(url))
        #expect(state["pid"]?.intValue == Int(server.process.processIdentifier))
        // As in an image whose ENV names the default port while `docker run` arguments chose another.
        let probe = try exitOf(["--healthcheck"], environment: environment.merging(["HTTPBUN_PORT": "1"]) { $1 })
        #expect(probe.status == 0, "\(probe.errors)")
        // Explicit arguments win over the state: a port nothing listens on fails, naming it.
        let elsewhere = try exitOf(["--healthcheck", "--port", "1"], environment: environment)
        #expect(elsewhere.status == 1)
        #expect(elsewhere.errors.contains("cannot connect to http://127.0.0.1:1"), "\(elsewhere.errors)")

        #expect(server.stop(SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/server.json"), "a clean stop removes the state")
        let stopped = try exitOf(["--healthcheck"], environment: environment.merging(["HTTPBUN_PORT": String(port)]) { $1 })
        #expect(stopped.status == 1)
        #expect(stopped.errors.contains("httpbun --healthcheck: cannot connect to http://127.0.0.1:\(port): Connection refused"), "\(stopped.errors)")
        #expect(stopped.errors.contains("no running server is recorded"), "\(stopped.errors)")
    }

    @Test("a --tls-self-signed server is probed over HTTPS, verified against its CA from the state file")
    func selfSigned() throws {
        let (folder, environment) = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try RunningCommand(["--port", "0", "--tls-self-signed", "--log-level", "error"], environment: environment)
        let url = server.firstLine()
        #expect(url.hasPrefix("https://"))
        let probe = try exitOf(["--healthcheck"], environment: environment)
        #expect(probe.status == 0, "\(probe.errors)")

        // Given only the port, the probe speaks plain HTTP and says what went wrong.
        let port = try #require(portNumber(in: url))
        let plain = try exitOf(["--healthcheck", "--port", String(port)], environment: environment)
        #expect(plain.status == 1)
        #expect(plain.errors.contains("a TLS server?"), "\(plain.errors)")
        // With --tls-self-signed it borrows the CA from the state.
        let secure = try exitOf(["--healthcheck", "--port", String(port), "--tls-self-signed"], environment: environment)
        #expect(secure.status == 0, "\(secure.errors)")

        // A state whose CA is not the server's: the certificate does not verify, and it says so.
        let stranger = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"]).authorityPEM
        let forged: JSON = ["pid": JSON(Int(server.process.processIdentifier)), "url": .string(url), "tls_trust": .string(stranger)]
        try forged.serialized(.compact).write(toFile: folder + "/server.json", atomically: true, encoding: .utf8)
        let untrusted = try exitOf(["--healthcheck"], environment: environment)
        #expect(untrusted.status == 1)
        #expect(untrusted.errors.contains("its certificate does not verify"), "\(untrusted.errors)")
        #expect(server.stop(SIGTERM) == 0)
    }

    @Test("a server given its certificate (go-httpbin's -https-cert-file) is probed over HTTPS, the certificate pinned")
    func givenCertificate() throws {
        let (folder, environment) = try stateFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Made for another name: pinned, the certificate itself is what the probe trusts.
        let identity = try TLSIdentity.selfSigned(hosts: ["service.example"]).identity
        try identity.certificateChainPEM.write(toFile: folder + "/cert.pem", atomically: true, encoding: .utf8)
        try identity.privateKeyPEM.write(toFile: folder + "/key.pem", atomically: true, encoding: .utf8)
        let server = try RunningCommand(
            ["--port", "0", "-https-cert-file", folder + "/cert.pem", "-https-key-file", folder + "/key.pem", "--log-level", "error"],
            environment: environment)
        #expect(server.firstLine().hasPrefix("https://"))
        let probe = try exitOf(["--healthcheck"], environment: environment)
        #expect(probe.status == 0, "\(probe.errors)")
        #expect(server.stop(SIGTERM) == 0)
    }

    @Test("a server killed outright leaves its state: the probe fails, saying the recorded process is gone")
    func killedServer() throws {
        let (folder, environment) = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try RunningCommand(["--port", "0", "--log-level", "warning"], environment: environment)
        let url = server.firstLine()
        _ = server.stop(SIGKILL)
        let probe = try exitOf(["--healthcheck"], environment: environment)
        #expect(probe.status == 1)
        #expect(probe.errors.contains("cannot connect to \(url)"), "\(probe.errors)")
        #expect(probe.errors.contains("which is no longer running"), "\(probe.errors)")
    }

    @Test("two servers on one state folder: the later records itself; the earlier, stopping, leaves that record alone")
    func twoServers() throws {
        let (folder, environment) = try stateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try RunningCommand(["--port", "0", "--log-level", "warning"], environment: environment)
        _ = first.firstLine()
        let second = try RunningCommand(["--port", "0", "--log-level", "warning"], environment: environment)
        let secondURL = second.firstLine()
        #expect(first.stop(SIGTERM) == 0)
        let state = try JSON.parse(String(contentsOfFile: folder + "/server.json", encoding: .utf8))
        #expect(state["url"] == .string(secondURL))
        #expect(try exitOf(["--healthcheck"], environment: environment).status == 0)
        #expect(second.stop(SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/server.json"))
    }

    @Test("a default state folder open to other users is not trusted")
    func openFolderRefused() throws {
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-runtime-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: runtime + "/httpbun", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        chmod(runtime + "/httpbun", 0o777)
        let probe = try exitOf(["--healthcheck"], environment: ["XDG_RUNTIME_DIR": runtime, "HTTPBUN_STATE_DIR": ""])
        #expect(probe.status == 1)
        #expect(probe.errors.contains("is open to other users"), "\(probe.errors)")
    }
}
