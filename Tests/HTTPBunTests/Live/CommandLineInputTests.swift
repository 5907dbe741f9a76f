import Foundation
import JSONValue
import Testing

/// Runs `httpbun` to its exit and gives its status and standard error.
func exitOf(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, errors: String) {
    let command = try RunningCommand(arguments, environment: environment)
    let errors = command.errorText  // read before waiting: a full pipe would block the child
    command.process.waitUntilExit()
    return (command.process.terminationStatus, errors)
}

@Suite("The httpbun command's inputs: variables parsed as their flags, prefixes, warnings")
struct CommandLineInputTests {
    @Test(
        "a bad HTTPBUN_* value stops start-up with exit 64, naming the variable and what it takes",
        arguments: [
            ("HTTPBUN_PORT", "abc", "takes a whole number"),
            ("HTTPBUN_PORT", "-1", "port must be between 0 and 65535 (HTTPBUN_PORT), not -1"),
            ("HTTPBUN_PORT", "70000", "port must be between 0 and 65535 (HTTPBUN_PORT), not 70000"),
            ("HTTPBUN_PORT", "", "takes a whole number"),
            ("HTTPBUN_MAX_DURATION", "10x", "(as --max-duration) takes a number of seconds (10, 0.5) or a Go duration (10s"),
            ("HTTPBUN_MAX_DURATION", "-1", "HTTPBUN_MAX_DURATION must be a number of seconds from 0"),
            ("HTTPBUN_THREADS", "two", "(as --threads) takes a whole number"),
            ("HTTPBUN_THREADS", "0", "threads must be between 1 and 256 (HTTPBUN_THREADS), not 0"),
            ("HTTPBUN_CONNECTION_LIMIT", "1e3", "takes a whole number"),
            ("HTTPBUN_JOURNAL_SIZE", "lots", "takes a whole number"),
            ("HTTPBUN_JOURNAL_BYTES", "-5", "(HTTPBUN_JOURNAL_BYTES), not -5"),
            ("HTTPBUN_TLS_SELF_SIGNED", "maybe", "(as --tls-self-signed) takes 1, true or yes for on, 0, false or no for off (any case)"),
            ("HTTPBUN_USE_REAL_HOSTNAME", "2", "takes 1, true or yes"),
            ("HTTPBUN_FLAVOR", "go", "HTTPBUN_FLAVOR must be httpbun or httpbin"),
            ("HTTPBUN_LOG_LEVEL", "loud", "HTTPBUN_LOG_LEVEL must be one of"),
            ("HTTPBUN_ACCESS_LOG", "maybe", "HTTPBUN_ACCESS_LOG must be on or off"),
        ])
    func badVariable(name: String, value: String, message: String) throws {
        let (status, errors) = try exitOf(["--log-level", "warning"].filter { _ in name != "HTTPBUN_LOG_LEVEL" }, environment: [name: value])
        #expect(status == 64, "\(name)=\(value): \(errors)")
        #expect(errors.contains(message), "\(name)=\(value): \(errors)")
        #expect(errors.contains(name), "\(name)=\(value): \(errors)")
    }

    @Test(
        "a bad flag value stops start-up with exit 64 and says what the flag takes",
        arguments: [
            (["--port", "-1"], "port must be between 0 and 65535 (--port), not -1"),
            (["--port=-1"], "port must be between 0 and 65535 (--port), not -1"),
            (["--port", "abc"], "The value 'abc' is invalid for '--port <port>'"),
            (["--max-duration", "10x"], "The value '10x' is invalid for '--max-duration"),
            (["--threads", "two"], "The value 'two' is invalid for '--threads"),
            (["--threads", "-2"], "threads must be between 1 and 256 (--threads), not -2"),
            (["--idle-timeout", "-1"], "(--idle-timeout), not -1"),
            (["--access-log", "no"], "--access-log must be on or off"),
        ] as [([String], String)])
    func badFlag(arguments: [String], message: String) throws {
        let (status, errors) = try exitOf(arguments)
        #expect(status == 64, "\(arguments): \(errors)")
        #expect(errors.contains(message), "\(arguments): \(errors)")
        #expect(!errors.contains("Missing value"), "\(arguments): \(errors)")
    }

    @Test("an address that cannot be bound is named with its real port and why, not libmicrohttpd's 'port 0'")
    func unbindableAddress() throws {
        // 192.0.2.1 (TEST-NET-1) is no address of this machine.
        let (status, errors) = try exitOf(["--host", "192.0.2.1", "--port", "8080"])
        #expect(status == 1, "\(errors)")
        #expect(errors.contains("cannot listen on 192.0.2.1:8080: 192.0.2.1 is not an address of this machine"), "\(errors)")
        #expect(!errors.contains("port 0"), "\(errors)")
    }

    @Test("a flag on the command line wins over its variable, even a bad one; booleans take the documented words")
    func flagWinsAndBooleans() throws {
        let command = try RunningCommand(["--port", "0"], environment: ["HTTPBUN_PORT": "abc", "HTTPBUN_THREADS": "2"])
        let port = try #require(portNumber(in: command.firstLine()))
        #expect(try RawConnection(port: port).exchange("GET", "/health").status == 200)
        #expect(command.stop(SIGTERM) == 0)

        for (value, https) in [("YES", true), ("True", true), ("no", false), ("FALSE", false), ("0", false)] {
            let command = try RunningCommand(["--port", "0", "--log-level", "error"], environment: ["HTTPBUN_TLS_SELF_SIGNED": value])
            let url = command.firstLine()
            #expect(url.hasPrefix(https ? "https://" : "http://"), "HTTPBUN_TLS_SELF_SIGNED=\(value): \(url)")
            #expect(command.stop(SIGTERM) == 0)
        }
    }

    @Test("an unknown HTTPBUN_* variable is warned about, naming it; /env's and the tools' are not")
    func unknownVariableWarning() throws {
        let command = try RunningCommand(
            ["--port", "0"],
            environment: ["HTTPBUN_PROT": "9000", "HTTPBUN_ENV_REGION": "eu", "HTTPBUN_BIN": "/x", "HTTPBUN_URL": "http://x"])
        let port = try #require(portNumber(in: command.firstLine()))
        #expect(try RawConnection(port: port).exchange("GET", "/health").status == 200, "a warning, not a stop")
        #expect(command.stop(SIGTERM) == 0)
        let errors = command.errorText
        let warnings = errors.split(separator: "\n").filter { $0.contains("WARNING") && $0.contains("is not a variable httpbun reads") }
        #expect(warnings.count == 1, "\(errors)")
        #expect(warnings.first?.contains("HTTPBUN_PROT") == true, "\(errors)")
    }

    @Test("--path-prefix: the printed URL includes it (normalised as httpbun does), /health answers at the root too")
    func pathPrefix() throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("httpbun-port-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        let ways: [([String], [String: String], String)] = [
            (["--path-prefix", "p"], [:], "/p"),
            (["--path-prefix", "/api/v1/"], [:], "/api/v1"),
            ([], ["HTTPBUN_PATH_PREFIX": "//q//"], "/q"),
        ]
        for (arguments, environment, prefix) in ways {
            let command = try RunningCommand(["--port", "0", "--port-file", portFile] + arguments, environment: environment)
            let url = command.firstLine()
            let base = try #require(url.split(separator: "/").dropFirst().first.map { "http://\($0)" })
            #expect(url == base + prefix, "\(arguments) \(environment)")
            let port = try #require(portNumber(in: url))
            #expect(try String(contentsOfFile: portFile, encoding: .utf8) == "\(port)\n", "the port file has the port alone")
            let connection = try RawConnection(port: port)
            let get = try connection.exchange("GET", prefix + "/get")  // url + "/get"
            #expect(get.status == 200)
            // (RawConnection's Host names no port.)
            #expect(try JSON.parse(String(decoding: get.body, as: UTF8.self))["url"] == .string("http://127.0.0.1\(prefix)/get"))
            #expect(try connection.exchange("GET", "/health").status == 200, "probes need no prefix")
            #expect(try connection.exchange("GET", prefix + "/health").status == 200)
            #expect(try connection.exchange("GET", "/get").status == 404)
            // --healthcheck probes the root /health, so it needs no --path-prefix.
            let probe = try exitOf(["--healthcheck", "--port", String(port)])
            #expect(probe.status == 0, "\(probe.errors)")
            #expect(command.stop(SIGTERM) == 0)
            #expect(command.errorText.contains("listening on \(url) "))
        }
    }

    @Test("--help is tidy: says connections past the limit queue, names the variables, wraps its overview once")
    func help() throws {
        let help = try RunningCommand(["--help"])
        let text = String(decoding: help.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        help.process.waitUntilExit()
        #expect(help.process.terminationStatus == 0)
        #expect(text.contains("listen backlog"))
        #expect(!text.contains("refused"))
        #expect(text.contains("1, true or yes"))
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(line.count <= 80, "\(line)")
        }
        // The overview's paragraphs are wrapped by the parser alone: no line broken after a word or two.
        let overview = text.components(separatedBy: "USAGE:")[0]
        let paragraphs = overview.components(separatedBy: "\n\n").filter { !$0.contains("Examples:") }
        for paragraph in paragraphs {
            let lines = paragraph.split(separator: "\n")
            for line in lines.dropLast() {
                #expect(line.count >= 60, "a ragged line in --help's overview: \(line)")
            }
        }
    }
}
