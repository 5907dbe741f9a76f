// TLS options (issue 21): per-call `verify`, REQUESTS_CA_BUNDLE/SSL_CERT_FILE under trustEnv, and
// client certificates against our own server's --tls-client-ca, with certificates made by openssl.
import Foundation
import HTTPBun
import JSONValue
import Testing
@testable import Requests

/// A server certificate authority and client certificates, written to a temporary folder.
struct TLSFiles {
    let directory: String
    let identity: TLSIdentity
    /// The server's authority (from `TLSIdentity.selfSigned`), PEM file.
    var serverCA: String { directory + "/server-ca.pem" }
    /// The authority that issues client certificates, given to the server.
    var clientCA: String { directory + "/client-ca.pem" }
    var clientCertificate: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }
    /// Certificate and key in one file (requests' `cert="both.pem"`).
    var combined: String { directory + "/both.pem" }
    /// A client certificate from an authority the server does not trust.
    var strangerCertificate: String { directory + "/stranger.pem" }
    var strangerKey: String { directory + "/stranger.key" }

    static func make() throws -> TLSFiles {
        let directory = NSTemporaryDirectory() + "requests-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        try authority.write(toFile: directory + "/server-ca.pem", atomically: true, encoding: .utf8)
        try "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
            .write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        for (ca, leaf, subject) in [("client-ca", "client", "/CN=swift-client/O=httpbun tests"), ("stranger-ca", "stranger", "/CN=stranger")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", "\(ca).key", "-out", "\(ca).pem", "-subj", "/CN=\(ca)", "-days", "2"], in: directory)
            try openssl(["req"] + ec + ["-keyout", "\(leaf).key", "-out", "\(leaf).csr", "-subj", subject], in: directory)
            try openssl(["x509", "-req", "-in", "\(leaf).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                         "-out", "\(leaf).pem", "-days", "2", "-extfile", "client.ext"], in: directory)
        }
        let both = try String(contentsOfFile: directory + "/client.pem", encoding: .utf8) + String(contentsOfFile: directory + "/client.key", encoding: .utf8)
        try both.write(toFile: directory + "/both.pem", atomically: true, encoding: .utf8)
        return TLSFiles(directory: directory, identity: identity)
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProxyHarness.HarnessError(description: "openssl \(arguments) failed") }
    }

    /// Our server over TLS, asking for client certificates issued by `clientCA`.
    func startServer(flavor: ServerConfiguration.Flavor = .httpbun) throws -> HTTPBunServer {
        var configuration = ServerConfiguration(tls: identity)
        configuration.flavor = flavor
        configuration.tlsClientCA = try TLSIdentity.loadClientAuthorities(path: clientCA)
        return try HTTPBunServer.start(configuration)
    }
}

@Suite struct TLSOptionsTests {
    @Test("per-call verify: a CA file, false, and the default that knows no test CA")
    func perCallVerify() async throws {
        let files = try TLSFiles.make()
        let server = try HTTPBunServer.start(ServerConfiguration(tls: files.identity))
        defer { server.stop() }
        let session = Session(trustEnv: false)
        #expect(try await session.get(server.baseURL + "/get", verify: .file(files.serverCA)).statusCode == 200)
        #expect(try await session.get(server.baseURL + "/get", verify: false).statusCode == 200)
        await #expect(throws: ConnectFailed.self) { try await session.get(server.baseURL + "/get", verify: true) }
        await #expect(throws: ConnectFailed.self) { try await session.get(server.baseURL + "/get") }
        await #expect(throws: InvalidTLSFile.self) { try await session.get(server.baseURL + "/get", verify: .file(files.directory + "/none.pem")) }
        try await session.close()
    }

    @Test("REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and SSL_CERT_FILE under trustEnv; not without it, nor over the session's trust")
    func caBundleFromTheEnvironment() async throws {
        let files = try TLSFiles.make()
        let server = try HTTPBunServer.start(ServerConfiguration(tls: files.identity))
        defer { server.stop() }
        for name in ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"] {
            let session = Session()
            session.useEnvironment([name: files.serverCA])
            #expect(try await session.get(server.baseURL + "/get").statusCode == 200, "\(name)")
            try await session.close()
        }
        let untrusting = Session(trustEnv: false)
        untrusting.useEnvironment(["REQUESTS_CA_BUNDLE": files.serverCA])
        await #expect(throws: ConnectFailed.self) { try await untrusting.get(server.baseURL + "/get") }
        try await untrusting.close()
        // The session chose whom to trust: the environment does not override it.
        let chosen = Session(trust: .insecureAcceptAnything)
        chosen.useEnvironment(["REQUESTS_CA_BUNDLE": files.directory + "/none.pem"])
        #expect(try await chosen.get(server.baseURL + "/get").statusCode == 200)
        try await chosen.close()
    }

    @Test("a client certificate, per session or per call, is verified by --tls-client-ca and echoed")
    func clientCertificates() async throws {
        let files = try TLSFiles.make()
        let server = try files.startServer()
        defer { server.stop() }
        let url = server.baseURL + "/get"

        let withCertificate = Session(trust: .file(files.serverCA), cert: ClientCertificate(certificate: files.clientCertificate, key: files.clientKey))
        let echo = try await withCertificate.get(url).json()
        let subject = try #require(echo["client_cert"]?["subject"]?.stringValue, "\(echo)")
        #expect(subject.contains("CN=swift-client") && subject.contains("O=httpbun tests"), "\(subject)")
        let anything = try await withCertificate.post(server.baseURL + "/anything", json: ["a": 1]).json()
        #expect(anything["client_cert"]?["subject"]?.stringValue == subject)
        try await withCertificate.close()

        let without = Session(trust: .file(files.serverCA))
        let refused = try await without.get(url)
        #expect(refused.statusCode == 403)
        #expect(refused.text.contains("--tls-client-ca"), "\(refused.text)")
        // Per call: the certificate and key in one file, as requests' cert="both.pem".
        let perCall = try await without.get(url, cert: ClientCertificate(files.combined)).json()
        #expect(perCall["client_cert"]?["subject"]?.stringValue == subject)
        // A certificate from an authority the server does not trust is refused like none.
        let stranger = try await without.get(url, cert: ClientCertificate(certificate: files.strangerCertificate, key: files.strangerKey))
        #expect(stranger.statusCode == 403)
        await #expect(throws: InvalidTLSFile.self) { try await without.get(url, cert: ClientCertificate(files.directory + "/none.pem")) }
        try await without.close()
    }

    @Test("the httpbin flavor echoes the subject too; without --tls-client-ca no echo has client_cert")
    func flavorsAndAbsence() async throws {
        let files = try TLSFiles.make()
        let server = try files.startServer(flavor: .httpbin)
        defer { server.stop() }
        let cert = ClientCertificate(certificate: files.clientCertificate, key: files.clientKey)
        let echo = try await Requests.get(server.baseURL + "/get", verify: .file(files.serverCA), cert: cert).json()
        #expect(echo["client_cert"]?["subject"]?.stringValue?.contains("CN=swift-client") == true, "\(echo)")

        let plain = try HTTPBunServer.start(ServerConfiguration(tls: files.identity))
        defer { plain.stop() }
        // A certificate nobody asked for changes nothing: the echo has the same keys as without one.
        let withCertificate = try await Requests.get(plain.baseURL + "/get", verify: .file(files.serverCA), cert: cert).json()
        let without = try await Requests.get(plain.baseURL + "/get", verify: .file(files.serverCA)).json()
        #expect(withCertificate.objectValue?.keys == without.objectValue?.keys)
        #expect(withCertificate["client_cert"] == nil)
    }

    @Test("python requests with cert= gets the same answer from our server", .enabled(if: ProxyHarness.available, Comment(rawValue: ProxyHarness.missing)))
    func requestsAgrees() async throws {
        let files = try TLSFiles.make()
        let server = try files.startServer()
        defer { server.stop() }
        let ours = try await Requests.get(server.baseURL + "/get", verify: .file(files.serverCA),
                                          cert: ClientCertificate(certificate: files.clientCertificate, key: files.clientKey)).json()
        let script = """
            import json, sys, requests
            url, ca, cert, key = sys.argv[1:] if len(sys.argv) > 1 else sys.stdin.read().split()
            with_cert = requests.get(url, verify=ca, cert=(cert, key))
            without = requests.get(url, verify=ca)
            print(json.dumps({"status": with_cert.status_code, "client_cert": with_cert.json().get("client_cert"), "without": without.status_code}))
            """
        let output = try ProxyHarness.runPython(script, stdin: [server.baseURL + "/get", files.serverCA, files.clientCertificate, files.clientKey].joined(separator: " "))
        let theirs = try JSON.parse(output)
        #expect(theirs["status"]?.intValue == 200, "\(output)")
        #expect(theirs["without"]?.intValue == 403, "\(output)")
        #expect(theirs["client_cert"] == ours["client_cert"], "\(output)")
    }
}
