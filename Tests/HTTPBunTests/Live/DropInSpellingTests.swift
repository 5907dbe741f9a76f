import Foundation
import JSONValue
import Testing

/// Starts `httpbun`, checks it serves, and gives the printed URL and a connection to it.
private func serving(_ arguments: [String], environment: [String: String] = [:]) throws -> (RunningCommand, String, RawConnection) {
    let command = try RunningCommand(arguments, environment: environment)
    let url = command.firstLine()
    let port = try #require(portNumber(in: url), "\(arguments) \(environment): no URL")
    return (command, url, try RawConnection(port: port))
}

@Suite("Drop-in spellings: httpbun's --bind and go-httpbin's flags and variables start ours unchanged")
struct DropInSpellingTests {
    @Test("httpbun's --bind host:port and HTTPBUN_BIND; -path-prefix with one dash")
    func httpbunBind() throws {
        let (flag, flagURL, _) = try serving(["--bind", "127.0.0.1:0", "-path-prefix", "b"])
        #expect(flagURL.hasPrefix("http://127.0.0.1:") && flagURL.hasSuffix("/b"), "\(flagURL)")
        #expect(flag.stop(SIGTERM) == 0)
        let (variable, variableURL, connection) = try serving([], environment: ["HTTPBUN_BIND": "127.0.0.1:0"])
        #expect(variableURL.hasPrefix("http://127.0.0.1:"))
        #expect(try connection.exchange("GET", "/get").status == 200)
        #expect(variable.stop(SIGTERM) == 0)
    }

    @Test(
        "a bad --bind or HTTPBUN_BIND stops start-up with exit 64, saying what it takes",
        arguments: [
            (["--bind", "127.0.0.1"], [:], "The value '127.0.0.1' is invalid for '--bind"),
            (["--bind", "::1:8080"], [:], "is invalid for '--bind"),
            (["--bind", "127.0.0.1:0", "--port", "0"], [:], "--bind gives both the host and the port"),
            ([], ["HTTPBUN_BIND": "localhost"], "HTTPBUN_BIND=localhost is not valid: HTTPBUN_BIND (as --bind) takes host:port"),
        ] as [([String], [String: String], String)])
    func badBind(arguments: [String], environment: [String: String], message: String) throws {
        let (status, errors) = try exitOf(arguments, environment: environment)
        #expect(status == 64, "\(arguments) \(environment): \(errors)")
        #expect(errors.contains(message), "\(arguments) \(environment): \(errors)")
    }

    @Test("go-httpbin's single-dash flags: -host, -port, -prefix, -max-duration as a Go duration, -max-body-size, -use-real-hostname")
    func goHTTPBinFlags() throws {
        let (command, url, connection) = try serving([
            "-host", "127.0.0.1", "-port", "0", "-prefix", "/go", "-max-duration", "1500ms", "-max-body-size", "10", "-use-real-hostname",
            "-allowed-redirect-domains", "a.example, b.example",
        ])
        #expect(url.hasSuffix(":\(try #require(portNumber(in: url)))/go"), "\(url)")
        #expect(try connection.exchange("GET", "/go/delay/2").status == 400, "2 s is past -max-duration 1500ms")
        #expect(try connection.exchange("GET", "/go/delay/1").status == 200)
        let hostname = try connection.exchange("GET", "/go/hostname")
        #expect(try JSON.parse(hostname.body)["hostname"] != .string("httpbun"), "-use-real-hostname")
        #expect(try connection.exchange("GET", "/go/redirect-to?url=http://b.example/").status == 302)
        #expect(try connection.exchange("GET", "/go/redirect-to?url=http://example.com/").status == 403, "the list replaces the default")
        // Last: a 413 closes the connection.
        #expect(try connection.exchange("POST", "/go/post", body: Array("12345678901".utf8)).status == 413)
        #expect(command.stop(SIGTERM) == 0)
    }

    @Test("go-httpbin's variables, below ours: PORT, HOST, MAX_BODY_SIZE, MAX_DURATION; a start-up line names those read")
    func goHTTPBinVariables() throws {
        let (command, url, connection) = try serving(
            ["--log-level", "info"], environment: ["HOST": "127.0.0.1", "PORT": "0", "MAX_DURATION": "1s", "MAX_BODY_SIZE": "10"])
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(try connection.exchange("GET", "/delay/2").status == 400)
        #expect(try connection.exchange("POST", "/post", body: Array("12345678901".utf8)).status == 413)
        #expect(command.stop(SIGTERM) == 0)
        #expect(command.errorText.contains("read go-httpbin's HOST (as --host), PORT (as --port), MAX_BODY_SIZE (as --max-body-size), MAX_DURATION (as --max-duration)"))

        // HTTPBUN_* wins; a go-httpbin variable it outranks is not read, so a bad one does not matter.
        let (ours, _, oursConnection) = try serving(
            [], environment: ["HTTPBUN_PORT": "0", "PORT": "not-a-port", "HTTPBUN_MAX_BODY_SIZE": "100", "MAX_BODY_SIZE": "10"])
        #expect(try oursConnection.exchange("POST", "/post", body: Array("12345678901".utf8)).status == 200)
        #expect(ours.stop(SIGTERM) == 0)
        #expect(!ours.errorText.contains("read go-httpbin's"))
    }

    @Test(
        "a bad go-httpbin value that is read stops start-up with exit 64, naming the variable",
        arguments: [
            (["PORT": "abc"], "PORT=abc is not valid: PORT (as --port) takes a whole number"),
            (["PORT": "70000"], "port must be between 0 and 65535 (PORT), not 70000"),
            (["MAX_DURATION": "10x"], "MAX_DURATION=10x is not valid: MAX_DURATION (as --max-duration) takes a number of seconds"),
            (["MAX_BODY_SIZE": "big"], "MAX_BODY_SIZE=big is not valid"),
            (["USE_REAL_HOSTNAME": "maybe"], "USE_REAL_HOSTNAME=maybe is not valid"),
        ] as [([String: String], String)])
    func badGoHTTPBinVariable(environment: [String: String], message: String) throws {
        let (status, errors) = try exitOf([], environment: environment)
        #expect(status == 64, "\(environment): \(errors)")
        #expect(errors.contains(message), "\(environment): \(errors)")
    }

    @Test(
        "go-httpbin's options with no counterpart stop start-up with exit 64, naming them (not the help, exit 0)",
        arguments: [
            (["-exclude-headers", "X-Foo"], "go-httpbin's -exclude-headers has no counterpart in this server"),
            (["--srv-read-timeout=5s"], "go-httpbin's -srv-read-timeout has no counterpart in this server: --idle-timeout"),
            (["-use-full-version"], "go-httpbin's -use-full-version has no counterpart"),
            (["-log-level", "INFO"], "go-httpbin's -log-level is not read here (its values are not ours): --log-level takes"),
        ] as [([String], String)])
    func unsupportedGoHTTPBinOptions(arguments: [String], message: String) throws {
        let (status, errors) = try exitOf(arguments)
        #expect(status == 64, "\(arguments): \(errors)")
        #expect(errors.contains(message), "\(arguments): \(errors)")
    }

    @Test("--max-duration takes seconds or a Go duration; -max-duration 10x is refused")
    func durations() throws {
        let (command, _, connection) = try serving(["--port", "0", "--max-duration", "1m"])
        #expect(try connection.exchange("GET", "/delay/2").status == 200)
        #expect(command.stop(SIGTERM) == 0)
        let (status, errors) = try exitOf(["-max-duration", "10x"])
        #expect(status == 64, "\(errors)")
        #expect(errors.contains("The value '10x' is invalid"), "\(errors)")
    }

    @Test("a bind that fails names the wildcard asked for (0.0.0.0:port), not the loopback URL a client would use")
    func wildcardBindMessage() throws {
        let (holder, url, _) = try serving(["--port", "0", "--log-level", "warning"])
        let port = try #require(portNumber(in: url))
        let (status, errors) = try exitOf(["--host", "0.0.0.0", "--port", String(port)])
        #expect(status == 1, "\(errors)")
        #expect(errors.contains("cannot listen on 0.0.0.0:\(port): port \(port) is already in use"), "\(errors)")
        #expect(!errors.contains("127.0.0.1:\(port)"), "\(errors)")
        #expect(holder.stop(SIGTERM) == 0)
    }
}
