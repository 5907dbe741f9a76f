import Foundation
@testable import HTTPBun
@testable import HTTPBunCore
import JSONValue
import Testing

/// The `httpbun` executable, built next to this test bundle by `swift build`/`swift test`.
private let executableURL: URL = {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On Linux the test binary sits directly in the build folder; skip any bundle folders.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("httpbun").path), directory.path != "/" {
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("httpbun")
}()

/// A running `httpbun` process and what it printed.
final class RunningCommand {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()

    /// - Parameter errorFile: standard error goes to this file (as a container runtime keeps it)
    ///   instead of a pipe.
    init(_ arguments: [String], environment: [String: String] = [:], errorFile: String? = nil) throws {
        process.executableURL = executableURL
        process.arguments = arguments
        // go-httpbin's generic names (HOST, PORT, ...) are read below ours: one set on the machine
        // running the tests must not move a server a test starts with only --port.
        let inherited = ProcessInfo.processInfo.environment.filter { !goHTTPBinVariableNames.contains($0.key) }
        process.environment = inherited.merging(environment) { $1 }
        process.standardOutput = output
        if let errorFile {
            _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errorFile)
        } else {
            process.standardError = errors
        }
        try process.run()
    }

    /// The first line of standard output (the URL), waiting for it.
    func firstLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
            bytes.append(contentsOf: byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func stop(_ signal: Int32) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    var errorText: String { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
}

/// The variables of go-httpbin's that `httpbun` reads (README, "Drop-in spellings").
let goHTTPBinVariableNames: Set = [
    "HOST", "PORT", "MAX_BODY_SIZE", "MAX_DURATION", "USE_REAL_HOSTNAME", "HTTPS_CERT_FILE", "HTTPS_KEY_FILE", "ALLOWED_REDIRECT_DOMAINS",
]

/// The port of a printed URL (`http://127.0.0.1:8080/prefix` gives 8080).
func portNumber(in url: String) -> Int? {
    url.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }
}

@Suite("The httpbun command")
struct CommandLineTests {
    @Test("--port 0 prints a URL that answers /health; SIGTERM stops it with status 0")
    func portZero() throws {
        let command = try RunningCommand(["--port", "0"])
        let url = command.firstLine()
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let port = try #require(portNumber(in: url))
        let response = try RawConnection(port: port).exchange("GET", "/health")
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
        #expect(command.stop(SIGTERM) == 0)
        let log = command.errorText
        #expect(log.contains("GET /health 200"), "an access line per request on stderr")
        #expect(log.contains("stopped"))
    }

    @Test("--log-level warning writes no access lines")
    func warningLevelLogsNoAccess() throws {
        let command = try RunningCommand(["--port", "0", "--log-level", "warning"])
        let port = try #require(portNumber(in: command.firstLine()))
        #expect(try RawConnection(port: port).exchange("GET", "/health").status == 200)
        #expect(command.stop(SIGTERM) == 0)
        #expect(!command.errorText.contains("GET /health"))
    }

    @Test("SIGINT with requests waiting stops promptly with status 0")
    func interruptWhileWaiting() throws {
        let command = try RunningCommand(["--port", "0", "--log-level", "warning"])
        let port = try #require(portNumber(in: command.firstLine()))
        let waiting = try (0..<5).map { _ in try RawConnection(port: port) }
        for connection in waiting { try connection.send("GET /delay/30 HTTP/1.1\r\nHost: x\r\n\r\n") }
        usleep(200_000)
        let start = ContinuousClock.now
        #expect(command.stop(SIGINT) == 0)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("flags come from HTTPBUN_* variables; a flag wins over its variable")
    func environment() throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-port-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        let command = try RunningCommand(
            ["--port", "0"],
            environment: ["HTTPBUN_PORT": "1", "HTTPBUN_PATH_PREFIX": "/pre", "HTTPBUN_LOG_FORMAT": "json", "HTTPBUN_PORT_FILE": portFile])
        let port = try #require(portNumber(in: command.firstLine()))
        #expect(port != 1)
        #expect(try String(contentsOfFile: portFile, encoding: .utf8) == "\(port)\n")
        let connection = try RawConnection(port: port)
        #expect(try connection.exchange("GET", "/pre/get").status == 200)
        #expect(try connection.exchange("GET", "/get").status == 404)
        #expect(command.stop(SIGTERM) == 0)
        let firstLogLine = try #require(command.errorText.split(separator: "\n").first)
        let logLine = try JSON.parse(String(firstLogLine))
        #expect(logLine["level"] != nil && logLine["message"] != nil, "--log-format json writes JSON lines")
    }

    @Test("--help explains the flags and their variables; bad flags fail with a message")
    func help() throws {
        let help = try RunningCommand(["--help"])
        help.process.waitUntilExit()
        let text = String(decoding: help.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(help.process.terminationStatus == 0)
        for flag in ["--host", "--port", "--path-prefix", "--max-body-size", "--max-duration", "--threads", "--log-format", "HTTPBUN_"] {
            #expect(text.contains(flag), "\(flag)")
        }
        let version = try RunningCommand(["--version"])
        version.process.waitUntilExit()
        #expect(version.process.terminationStatus == 0)
        #expect(String(decoding: version.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == HTTPBunVersion.current + "\n")

        let bad = try RunningCommand(["--port", "70000"])
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus != 0)
        #expect(bad.errorText.contains("port must be between 0 and 65535 (--port), not 70000"))
        // The library's ranges are the CLI's: a zero body limit (which made /fault/truncate trap) is refused.
        let zeroBody = try RunningCommand(["--port", "0", "--max-body-size", "0"])
        zeroBody.process.waitUntilExit()
        #expect(zeroBody.process.terminationStatus != 0)
        #expect(zeroBody.errorText.contains("(--max-body-size), not 0"))
    }

    @Test("limits and flavor reach the server from flags and from their HTTPBUN_* twins")
    func limitsFromFlagsAndEnvironment() throws {
        // HTTPBUN_MAX_BODY_SIZE=10: an 11-byte body is refused, a 10-byte one echoed.
        let small = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_MAX_BODY_SIZE": "10"])
        let smallPort = try #require(portNumber(in: small.firstLine()))
        #expect(try RawConnection(port: smallPort).exchange("POST", "/post", body: Array("01234567890".utf8)).status == 413)
        #expect(try RawConnection(port: smallPort).exchange("POST", "/post", body: Array("0123456789".utf8)).status == 200)
        #expect(small.stop(SIGTERM) == 0)

        // --max-duration 1 (seconds): /delay/2 is refused, /delay/0.1 waits.
        let short = try RunningCommand(["--port", "0", "--max-duration", "1"])
        let shortPort = try #require(portNumber(in: short.firstLine()))
        #expect(try RawConnection(port: shortPort).exchange("GET", "/delay/2").status == 400)
        #expect(try RawConnection(port: shortPort).exchange("GET", "/delay/0.1").status == 200)
        #expect(short.stop(SIGTERM) == 0)

        // HTTPBUN_FLAVOR=httpbin: /get has httpbin's four keys.
        let flavored = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_FLAVOR": "httpbin"])
        let flavoredPort = try #require(portNumber(in: flavored.firstLine()))
        let answer = try RawConnection(port: flavoredPort).exchange("GET", "/get")
        let keys = try JSON.parse(answer.body).objectValue?.keys.sorted()
        #expect(keys == ["args", "headers", "origin", "url"])
        #expect(flavored.stop(SIGTERM) == 0)
    }

    @Test("binding every interface warns on stderr; the default loopback bind does not")
    func allInterfacesWarning() throws {
        let wide = try RunningCommand(["--host", "0.0.0.0", "--port", "0"])
        _ = wide.firstLine()
        #expect(wide.stop(SIGTERM) == 0)
        #expect(wide.errorText.contains("listening on every network interface"))
        let local = try RunningCommand(["--port", "0"])
        _ = local.firstLine()
        #expect(local.stop(SIGTERM) == 0)
        #expect(!local.errorText.contains("every network interface"))
    }

    @Test("--port-file gets the real port; --tls-self-signed prints an https URL and writes its CA")
    func portFileAndTLS() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        let authorityFile = directory.appendingPathComponent("ca.pem").path

        let plain = try RunningCommand(["--port", "0", "--port-file", portFile])
        let url = plain.firstLine()
        let written = try String(contentsOfFile: portFile, encoding: .utf8)
        #expect(written == "\(portNumber(in: url) ?? -1)\n")
        #expect(plain.stop(SIGTERM) == 0)

        let secure = try RunningCommand(["--port", "0", "--tls-self-signed", "--tls-ca-out", authorityFile])
        let secureURL = secure.firstLine()
        #expect(secureURL.hasPrefix("https://127.0.0.1:"))
        let authority = try String(contentsOfFile: authorityFile, encoding: .utf8)
        #expect(authority.hasPrefix("-----BEGIN CERTIFICATE-----"))
        // A plain-HTTP request to the TLS port gets no HTTP answer.
        let connection = try RawConnection(port: try #require(portNumber(in: secureURL)))
        #expect(throws: (any Error).self) { try connection.exchange("GET", "/health") }
        #expect(secure.stop(SIGTERM) == 0)

        let invalid = try RunningCommand(["--tls-cert", "/nonexistent.pem"])
        invalid.process.waitUntilExit()
        #expect(invalid.process.terminationStatus != 0)
        #expect(invalid.errorText.contains("--tls-cert and --tls-key go together"))
    }

    @Test("--list-endpoints prints the flavor's listed endpoints as JSON lines and serves nothing", arguments: Flavor.allCases)
    func listEndpoints(flavor: Flavor) throws {
        let command = try RunningCommand(["--list-endpoints", "--flavor", flavor.rawValue])
        let text = String(decoding: command.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        command.process.waitUntilExit()
        #expect(command.process.terminationStatus == 0)
        let lines = try text.split(separator: "\n").map { try JSON.parse(Array($0.utf8)) }
        #expect(lines.compactMap { $0["pattern"]?.stringValue } == flavor.listedEndpoints.map(\.pattern))
        #expect(lines.compactMap { $0["example"]?.stringValue } == flavor.listedEndpoints.map(\.examplePath))
        #expect(lines.allSatisfy { !($0["summary"]?.stringValue ?? "").isEmpty })
    }

    @Test("--healthcheck exits 0 when the server answers /health, 1 and says why when it does not")
    func healthcheck() throws {
        let server = try HTTPBunServer.start()
        let healthy = try RunningCommand(["--healthcheck", "--port", String(server.port)])
        healthy.process.waitUntilExit()
        #expect(healthy.process.terminationStatus == 0)
        #expect(healthy.errorText.isEmpty)
        // A TLS server does not speak the probe's plain HTTP: the failure says so.
        let (identity, _) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let secure = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        let plain = try RunningCommand(["--healthcheck", "--port", String(secure.port)])
        plain.process.waitUntilExit()
        #expect(plain.process.terminationStatus == 1)
        #expect(plain.errorText.contains("TLS server?"), "\(plain.errorText)")
        secure.stop()
        server.stop()
        let down = try RunningCommand(["--healthcheck", "--port", String(server.port)])
        down.process.waitUntilExit()
        #expect(down.process.terminationStatus == 1)
        let said = down.errorText
        #expect(said.contains("httpbun --healthcheck: cannot connect to http://127.0.0.1:\(server.port)"), "\(said)")
        #expect(said.contains("Connection refused"), "\(said)")
    }

    @Test("--allow-redirect-host (and httpbun's variable, and our older one) replace the allowed hosts")
    func allowRedirectHost() throws {
        let target = "/redirect-to?url=https%3A%2F%2Fapi.example.com%2Fx"
        let ways: [([String], [String: String])] = [
            (["--allow-redirect-host", "*.example.com"], [:]),
            ([], ["HTTPBUN_ALLOWED_REDIRECT_DOMAINS": "other.test  *.example.com"]),  // httpbun's: spaces or commas
            ([], ["HTTPBUN_ALLOW_REDIRECT_HOST": "other.test, *.example.com"]),
        ]
        for (arguments, environment) in ways {
            let command = try RunningCommand(["--port", "0"] + arguments, environment: environment)
            let port = try #require(portNumber(in: command.firstLine()))
            let allowed = try RawConnection(port: port).exchange("GET", target)
            #expect(allowed.status == 302)
            #expect(allowed.headers["Location"] == "https://api.example.com/x")
            #expect(try RawConnection(port: port).exchange("GET", "/redirect-to?url=https%3A%2F%2Fevil.test%2F").status == 403)
            #expect(command.stop(SIGTERM) == 0)
        }
        // httpbun's default list: example.com and httpbun.com, not their subdomains.
        let plain = try RunningCommand(["--port", "0"])
        let port = try #require(portNumber(in: plain.firstLine()))
        #expect(try RawConnection(port: port).exchange("GET", target).status == 403)
        #expect(try RawConnection(port: port).exchange("GET", "/redirect-to?url=https%3A%2F%2Fexample.com%2F").status == 302)
        #expect(plain.stop(SIGTERM) == 0)
        // Set and empty, httpbun's variable allows no host at all.
        let none = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_ALLOWED_REDIRECT_DOMAINS": ""])
        let nonePort = try #require(portNumber(in: none.firstLine()))
        #expect(try RawConnection(port: nonePort).exchange("GET", "/redirect-to?url=https%3A%2F%2Fexample.com%2F").status == 403)
        #expect(try RawConnection(port: nonePort).exchange("GET", "/redirect-to?url=%2Fget").status == 302, "paths still pass")
        #expect(none.stop(SIGTERM) == 0)
    }

    @Test("/hostname, /env and /upload's limit come from their flags and HTTPBUN_* twins")
    func goHTTPBinSettings() throws {
        let named = try RunningCommand(
            ["--port", "0", "--hostname", "box-7", "--max-upload-size", "100"],
            environment: ["HTTPBUN_ENV_REGION": "eu-1", "HTTPBUN_FLAVOR": "httpbun", "HTTPBUN_ENV_EMPTY": ""])
        let port = try #require(portNumber(in: named.firstLine()))
        #expect(try JSON.parse(RawConnection(port: port).exchange("GET", "/hostname").body)["hostname"] == "box-7")
        let env = try JSON.parse(RawConnection(port: port).exchange("GET", "/env").body)["env"]
        #expect(env?["HTTPBUN_ENV_REGION"] == "eu-1")
        #expect(env?["HTTPBUN_ENV_EMPTY"] == "")
        #expect(env?["HTTPBUN_FLAVOR"] == nil, "the server's own settings are never shown")
        #expect(try RawConnection(port: port).exchange("POST", "/upload", body: [UInt8](repeating: 0, count: 101)).status == 413)
        #expect(named.stop(SIGTERM) == 0)

        let real = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_USE_REAL_HOSTNAME": "1", "HTTPBUN_MAX_UPLOAD_SIZE": "5"])
        let realPort = try #require(portNumber(in: real.firstLine()))
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        #expect(try JSON.parse(RawConnection(port: realPort).exchange("GET", "/hostname").body)["hostname"] == .string(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        #expect(try RawConnection(port: realPort).exchange("PUT", "/upload", body: [1, 2, 3, 4, 5, 6]).status == 413)
        #expect(real.stop(SIGTERM) == 0)
    }

    @Test("HTTPBUN_TLS_SELF_SIGNED=1 serves HTTPS (a Bool flag's variable once stopped start-up)")
    func selfSignedFromEnvironment() throws {
        let command = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_TLS_SELF_SIGNED": "1"])
        #expect(command.firstLine().hasPrefix("https://127.0.0.1:"))
        #expect(command.stop(SIGTERM) == 0)
    }

    /// The flag and its variable reach `stop(drainingFor:)`; by default SIGTERM answers nothing early.
    @Test("--drain-timeout (and HTTPBUN_DRAIN_TIMEOUT) lets a request in flight finish after SIGTERM")
    func drainTimeout() throws {
        for (arguments, environment) in [(["--drain-timeout", "5"], [:]), ([], ["HTTPBUN_DRAIN_TIMEOUT": "5"])] {
            let command = try RunningCommand(["--port", "0", "--log-level", "warning"] + arguments, environment: environment)
            let port = try #require(portNumber(in: command.firstLine()))
            let connection = try RawConnection(port: port)
            let sent = ContinuousClock.now
            try connection.send("GET /delay/1 HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(300_000)
            kill(command.process.processIdentifier, SIGTERM)
            let response = try connection.readResponse(timeout: .seconds(4))
            #expect(response.status == 200, "\(arguments) \(environment)")
            #expect(ContinuousClock.now - sent >= .milliseconds(950), "answered before its delay was over")
            command.process.waitUntilExit()
            #expect(command.process.terminationStatus == 0)
        }
        let undrained = try RunningCommand(["--port", "0", "--log-level", "warning"])
        let port = try #require(portNumber(in: undrained.firstLine()))
        let connection = try RawConnection(port: port)
        try connection.send("GET /delay/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(300_000)
        #expect(undrained.stop(SIGTERM) == 0)
        #expect(throws: RawSocketError.self) { try connection.readResponse(timeout: .seconds(2)) }
        let bad = try RunningCommand(["--port", "0", "--drain-timeout=-1"])
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus != 0)
        #expect(bad.errorText.contains("--drain-timeout must be a number of seconds"), "\(bad.errorText)")
    }

    @Test("a port already in use is a clear error and a non-zero exit")
    func portInUse() throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let command = try RunningCommand(["--port", String(server.port)])
        command.process.waitUntilExit()
        #expect(command.process.terminationStatus == 1)
        #expect(command.errorText.contains("cannot listen on 127.0.0.1:\(server.port)"))
    }
}

@Suite("Server lifecycle, measured in a process of its own")
struct LifecycleTests {
    @Test("starting and stopping 200 times leaks no thread and no file descriptor")
    func startStopLoop() throws {
        // In this process other suites open sockets and threads in parallel, so the count is taken
        // by a helper process that does nothing else.
        let checker = Process()
        checker.executableURL = executableURL.deletingLastPathComponent().appendingPathComponent("httpbun-lifecycle-check")
        checker.arguments = ["200"]
        let output = Pipe()
        checker.standardOutput = output
        try checker.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        checker.waitUntilExit()
        #expect(checker.terminationStatus == 0)
        let report = try JSON.parse(text)
        #expect(report["cycles"] == 200)
        let threads = try #require(report["threadsAfter"]?.intValue) - (report["threadsBefore"]?.intValue ?? 0)
        let descriptors = try #require(report["descriptorsAfter"]?.intValue) - (report["descriptorsBefore"]?.intValue ?? 0)
        #expect(threads <= 0, "threads grew by \(threads) over 200 cycles: \(text)")
        #expect(descriptors <= 0, "descriptors grew by \(descriptors) over 200 cycles: \(text)")
        #expect(report["liveRequestsAfterStop"] == 0)
    }
}
