import ArgumentParser
import HTTPBun
import HTTPBunCore
import JSONValue
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `httpbun`: the command-line server. Parses flags, starts the server, waits for a signal.
@main
struct HTTPBunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "httpbun",
        abstract: "A local HTTP echo and test server, compatible with httpbun, httpbin and go-httpbin.",
        discussion: """
            Prints the URL it listens on as the first line of standard output once it accepts
            connections; logs go to standard error. Stop it with Ctrl-C or SIGTERM.

            Every option can also be set with an environment variable: HTTPBUN_ and the option's
            name in capitals with underscores (--max-body-size is HTTPBUN_MAX_BODY_SIZE). A flag
            on the command line wins over the environment.

            Examples:
              httpbun                          serve on http://127.0.0.1:8080
              httpbun --port 0                 pick a free port and print it
              httpbun --host 0.0.0.0 --port 80 serve every interface (as in a container)
              curl http://127.0.0.1:8080/get?a=1
            """,
        version: HTTPBunVersion.current
    )

    @Option(help: "Address to bind: an IP address or host name; 0.0.0.0 or :: for every interface.")
    var host: String = Environment.string("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (read it from the first line of output).")
    var port: Int = Environment.int("PORT") ?? 8080

    @Option(help: "Serve every endpoint under this path, e.g. /httpbun.")
    var pathPrefix: String = Environment.string("PATH_PREFIX") ?? ""

    @Option(help: "Largest request body accepted, in bytes (413 past it); also caps generated bodies.")
    var maxBodySize: Int = Environment.int("MAX_BODY_SIZE") ?? 16 * 1024 * 1024

    @Option(help: "Longest wait an endpoint may be asked for, in seconds (/delay, /drip); 400 past it.")
    var maxDuration: Double = Environment.double("MAX_DURATION") ?? 60

    @Option(help: "Event-loop threads.")
    var threads: Int = Environment.int("THREADS") ?? 1

    @Option(help: "Open connections allowed at once; new ones past it are refused.")
    var connectionLimit: Int = Environment.int("CONNECTION_LIMIT") ?? 10_000

    @Option(help: "Seconds an idle keep-alive connection is kept open.")
    var idleTimeout: Int = Environment.int("IDLE_TIMEOUT") ?? 60

    @Option(help: "Bytes of memory per connection for its request line, headers and buffers; larger headers get 431, a longer URL 414.")
    var connectionMemoryLimit: Int = Environment.int("CONNECTION_MEMORY_LIMIT") ?? 32 * 1024

    @Option(help: "Answer in the shapes of httpbun or of python httpbin (httpbun|httpbin).")
    var flavor: String = Environment.string("FLAVOR") ?? "httpbun"

    @Option(help: "On SIGTERM or SIGINT, seconds to let requests in flight finish before closing them (0: stop at once).")
    var drainTimeout: Double = Environment.double("DRAIN_TIMEOUT") ?? 0

    @Option(help: "Log format on standard error: human or json.")
    var logFormat: String = Environment.string("LOG_FORMAT") ?? "human"

    @Option(help: "Least severe log level shown: trace, debug, info (one line per request), warning, error.")
    var logLevel: String = Environment.string("LOG_LEVEL") ?? "info"

    @Option(
        name: .customLong("allow-redirect-host"),
        help: "A host a Location may name, besides this server and loopback (repeatable; *.example.com for subdomains; '*' for any target at all, as python httpbin; replaces the default example.com, httpbun.com).")
    var allowRedirectHosts: [String] = []

    @Option(help: "Largest body /upload counts and discards, in bytes (413 past it); nothing of it is kept.")
    var maxUploadSize: Int = Environment.int("MAX_UPLOAD_SIZE") ?? 1 << 30

    @Option(help: "The name /hostname answers (go-httpbin's is go-httpbin).")
    var hostname: String = Environment.string("HOSTNAME") ?? "httpbun"

    @Flag(help: "/hostname answers this machine's name instead of --hostname.")
    var useRealHostname = false

    @Option(help: "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Serve HTTPS with a certificate made at start-up for the bound host, signed by a throw-away CA.")
    var tlsSelfSigned = false

    @Option(help: "With --tls-self-signed: write the CA certificate (PEM) here, for clients to trust.")
    var tlsCaOut: String?

    @Option(help: "Requests the journal (/_journal) keeps; 0 turns it off. Default 1000 on a loopback address, off elsewhere unless this or --journal-bytes is given.")
    var journalSize: Int?

    @Option(help: "Bytes the journal keeps (bodies of up to 64 KiB each); 0 turns it off. Default 16 MiB, on the terms of --journal-size.")
    var journalBytes: Int?

    @Option(help: "Once listening, write the port number to this file (for fixtures that cannot read stdout).")
    var portFile: String?

    @Flag(help: "Do not serve: ask the server at --host/--port for /health and exit 0 if it answers 200 (for container health checks).")
    var healthcheck = false

    @Flag(help: "Do not serve: print every endpoint of --flavor as a line of JSON (pattern, methods, family, summary, query, example) and exit.")
    var listEndpoints = false

    // Optional options cannot have defaults, so their HTTPBUN_* twins are read here.
    var certificatePath: String? { tlsCert ?? Environment.string("TLS_CERT") }
    var keyPath: String? { tlsKey ?? Environment.string("TLS_KEY") }
    var authorityOutputPath: String? { tlsCaOut ?? Environment.string("TLS_CA_OUT") }
    var portFilePath: String? { portFile ?? Environment.string("PORT_FILE") }
    // A Bool flag cannot default to true (ArgumentParser refuses it in debug builds and in release
    // the flag can then never be off), so a flag's variable is read beside it.
    var servesSelfSigned: Bool { tlsSelfSigned || Environment.bool("TLS_SELF_SIGNED") }
    var answersRealHostname: Bool { useRealHostname || Environment.bool("USE_REAL_HOSTNAME") }
    var journalEntries: Int? { journalSize ?? Environment.int("JOURNAL_SIZE") }
    var journalByteLimit: Int? { journalBytes ?? Environment.int("JOURNAL_BYTES") }

    /// The server's configuration from the flags and their HTTPBUN_* twins (TLS aside: that is
    /// made or read at start). Call after `validate()`'s own checks of flavor and duration.
    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(
            host: host, port: port, pathPrefix: pathPrefix, maxBodySize: maxBodySize,
            maxDuration: .nanoseconds(Int64(maxDuration * 1e9)), threads: threads, connectionLimit: connectionLimit,
            idleTimeout: idleTimeout, connectionMemoryLimit: connectionMemoryLimit, flavor: ServerConfiguration.Flavor(rawValue: flavor) ?? .httpbun,
            drainTimeout: .nanoseconds(Int64(drainTimeout * 1e9)), journalSize: journalEntries, journalBytes: journalByteLimit)
        // Array options cannot have a default from the environment. httpbun's own variable,
        // HTTPBUN_ALLOWED_REDIRECT_DOMAINS, is a list split at commas and whitespace that replaces the
        // default list (set and empty: no host at all); HTTPBUN_ALLOW_REDIRECT_HOST is our older name.
        configuration.maxUploadSize = maxUploadSize
        configuration.hostname = answersRealHostname ? Environment.machineHostname() ?? hostname : hostname
        configuration.environment = Environment.exposed()
        if !allowRedirectHosts.isEmpty {
            configuration.allowedRedirectHosts = allowRedirectHosts
        } else if let list = Environment.string("ALLOWED_REDIRECT_DOMAINS") ?? Environment.string("ALLOW_REDIRECT_HOST") {
            configuration.allowedRedirectHosts = list.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        return configuration
    }

    func validate() throws {
        // Converted to nanoseconds in an Int64 to build the configuration: past ~292 years that traps.
        guard maxDuration.isFinite, maxDuration >= 0, maxDuration <= 1e9 else {
            throw ValidationError("--max-duration must be a number of seconds from 0 to 1000000000")
        }
        guard drainTimeout.isFinite, drainTimeout >= 0, drainTimeout <= 1e9 else {
            throw ValidationError("--drain-timeout must be a number of seconds from 0 to 1000000000")
        }
        guard ServerConfiguration.Flavor(rawValue: flavor) != nil else { throw ValidationError("--flavor must be httpbun or httpbin") }
        // The limits themselves are the library's to judge: one set of ranges for both.
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.message)
        }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be human or json") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        guard (certificatePath == nil) == (keyPath == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard !(servesSelfSigned && certificatePath != nil) else { throw ValidationError("use either --tls-self-signed or --tls-cert/--tls-key, not both") }
        guard authorityOutputPath == nil || servesSelfSigned else { throw ValidationError("--tls-ca-out needs --tls-self-signed") }
    }

    func run() throws {
        if listEndpoints {
            let flavor = ServerConfiguration.Flavor(rawValue: self.flavor)!
            print(flavor.listedEndpoints.map { $0.json.serialized(.compact) }.joined(separator: "\n"))
            return
        }
        if healthcheck {
            let healthy = HealthProbe.isHealthy(host: host, port: port, path: pathPrefix + "/health")
            throw ExitCode(healthy ? 0 : 1)
        }
        let format = LogFormat(rawValue: logFormat)!
        let level = Logger.Level(rawValue: logLevel)!
        var logger = Logger(label: "httpbun") { label in StandardErrorLogHandler(label: label, format: format) }
        logger.logLevel = level

        var configuration = self.configuration
        do {
            configuration.tls = try tlsIdentity(logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }

        // Block the stop signals before MHD starts its threads, so they inherit the mask and
        // only `sigwait` below sees them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: HTTPBunServer
        do {
            server = try HTTPBunServer.start(configuration, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        if server.listensOnAllInterfaces {
            logger.warning("listening on every network interface: anyone who can reach this machine can use the server")
        }
        if let portFile = portFilePath {
            do {
                try writeFile(portFile, "\(server.port)\n")
            } catch {
                logger.critical("cannot write the port to \(portFile): \(error)")
                server.stop()
                throw ExitCode(1)
            }
        }
        print(server.baseURL)
        fflush(nil)  // the URL must reach a reading parent now, not at exit
        logger.info("httpbun \(HTTPBunVersion.current) listening on \(server.baseURL) (\(threads) thread(s), flavor \(flavor))")

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("received \(received == SIGINT ? "SIGINT" : "SIGTERM"), stopping")
        server.stop()
        logger.info("stopped")
    }
}

extension HTTPBunCommand {
    /// The certificate to serve, from files or made now; nil for plain HTTP.
    func tlsIdentity(logger: Logger) throws -> TLSIdentity? {
        if let certificatePath, let keyPath {
            return try TLSIdentity.load(certificatePath: certificatePath, keyPath: keyPath)
        }
        guard servesSelfSigned else { return nil }
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: [host])
        if let authorityOutputPath {
            try writeFile(authorityOutputPath, authority)
            logger.info("wrote the test CA certificate to \(authorityOutputPath): trust it in your client")
        } else {
            logger.warning("--tls-self-signed without --tls-ca-out: clients cannot verify this certificate")
        }
        return identity
    }

    /// Writes a small file whole, or throws with the reason.
    func writeFile(_ path: String, _ text: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw ValidationError("cannot write \(path)") }
    }
}

/// Reads `HTTPBUN_*` variables, the environment twins of the flags.
enum Environment {
    static func string(_ name: String) -> String? {
        getenv("HTTPBUN_" + name).map { String(cString: $0) }
    }
    static func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    static func double(_ name: String) -> Double? { string(name).flatMap { Double($0) } }
    static func bool(_ name: String) -> Bool { string(name).map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false }

    /// The `HTTPBUN_ENV_*` variables, for `/env`: an operator exposes a variable by naming it so, as
    /// go-httpbin shows only its `HTTPBIN_ENV_*` ones (never the server's own settings).
    static func exposed() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if text.hasPrefix("HTTPBUN_ENV_"), let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }

    /// This machine's name (`gethostname`), for `--use-real-hostname`.
    static func machineHostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
