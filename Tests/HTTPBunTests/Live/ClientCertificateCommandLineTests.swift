// --tls-client-ca and HTTPBUN_TLS_CLIENT_CA (issue 21), judged by curl with certificates openssl made.
import Foundation
import JSONValue
import Testing

@Suite struct ClientCertificateCommandLineTests {
    /// Runs `executable` in `directory` and returns its standard output; throws when it exits non-zero.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: ["arguments": arguments]) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("--tls-client-ca: curl with a certificate from that CA gets its subject echoed; without one, 403")
    func flagAndVariable() throws {
        let directory = NSTemporaryDirectory() + "httpbun-client-ca-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try run("/usr/bin/openssl", ["req", "-x509"] + ec + ["-keyout", "client-ca.key", "-out", "client-ca.pem", "-subj", "/CN=client-ca", "-days", "2"], in: directory)
        try run("/usr/bin/openssl", ["req"] + ec + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=curl-client"], in: directory)
        try run("/usr/bin/openssl", ["x509", "-req", "-in", "client.csr", "-CA", "client-ca.pem", "-CAkey", "client-ca.key", "-CAcreateserial",
                                     "-out", "client.pem", "-days", "2", "-extfile", "client.ext"], in: directory)

        for (arguments, environment) in [(["--tls-client-ca", directory + "/client-ca.pem"], [String: String]()),
                                         ([], ["HTTPBUN_TLS_CLIENT_CA": directory + "/client-ca.pem"])] {
            // A state folder of its own, for --healthcheck below: the default one is shared by every test.
            let state = ["HTTPBUN_STATE_DIR": directory + "/state"]
            let command = try RunningCommand(["--port", "0", "--log-level", "warning", "--tls-self-signed", "--tls-ca-out", directory + "/ca.pem"] + arguments,
                                             environment: environment.merging(state) { $1 })
            let base = command.firstLine()
            #expect(base.hasPrefix("https://127.0.0.1:"), "\(arguments) \(environment): \(command.errorText)")
            let echoed = try run("/usr/bin/curl", ["-sS", "--cacert", "ca.pem", "--cert", "client.pem", "--key", "client.key", base + "/get"], in: directory)
            #expect(try JSON.parse(echoed)["client_cert"]?["subject"]?.stringValue == "CN=curl-client", "\(echoed)")
            let refused = try run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", "ca.pem", base + "/get"], in: directory)
            #expect(refused == "403")
            // Probes carry no certificate: /health answers them, and so does --healthcheck.
            let health = try run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", "ca.pem", base + "/health"], in: directory)
            #expect(health == "200")
            let probe = try RunningCommand(["--healthcheck"], environment: state)
            probe.process.waitUntilExit()
            #expect(probe.process.terminationStatus == 0, "\(probe.errorText)")
            #expect(command.stop(SIGTERM) == 0)
        }

        let plain = try RunningCommand(["--port", "0", "--tls-client-ca", directory + "/client-ca.pem"])
        plain.process.waitUntilExit()
        #expect(plain.process.terminationStatus != 0)
        #expect(plain.errorText.contains("--tls-client-ca needs HTTPS"), "\(plain.errorText)")
    }
}
