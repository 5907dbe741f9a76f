import ArgumentParser
import HTTPBun
import HTTPBunCore
import JSONValue
import Logging
import Synchronization

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
            Prints the URL it serves at (path prefix included) as the first line of standard output once it accepts connections; logs go to standard error. Stop it with Ctrl-C or SIGTERM.

            Every option can also be set with an environment variable: HTTPBUN_ and the option's name in capitals with underscores (--max-body-size is HTTPBUN_MAX_BODY_SIZE). A flag on the command line wins over its variable. A variable's value is read as its flag's is, and a bad one stops start-up; an on/off flag's variable takes 1, true or yes for on and 0, false or no for off (any case). An HTTPBUN_ variable that is no option's is warned about (HTTPBUN_ENV_* ones are for /env).

            Examples:
              httpbun                            serve on http://127.0.0.1:8080
              httpbun --port 0                   pick a free port and print it
              httpbun --host 0.0.0.0 --port 80   serve every interface (as in a container)
              httpbun --path-prefix /bin         serve /bin/get (and /health at the root)
              curl http://127.0.0.1:8080/get?a=1
            """,
        version: HTTPBunVersion.current
    )

    @Option(help: "Address to bind: an IP address or host name; 0.0.0.0 or :: for every interface.")
    var host: String = Environment.string(.host) ?? "127.0.0.1"

    // Numbers are parsed `.unconditional`ly: `--port -1` takes -1 and the range check says what the
    // port may be, where the default parsing took -1 for a flag and said "Missing value".
    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free one (read it from the first line of output).")
    var port: Int = Environment.value(.port) ?? 8080

    @Option(help: "Serve every endpoint under this path, e.g. /httpbun (p is read as /p); /health answers at the root too.")
    var pathPrefix: String = Environment.string(.pathPrefix) ?? ""

    @Option(parsing: .unconditional, help: "Largest request body accepted, in bytes (413 past it); also caps generated bodies.")
    var maxBodySize: Int = Environment.value(.maxBodySize) ?? 16 * 1024 * 1024

    @Option(parsing: .unconditional, help: "Longest wait an endpoint may be asked for, in seconds (/delay, /drip); 400 past it.")
    var maxDuration: Double = Environment.value(.maxDuration) ?? 60

    @Option(parsing: .unconditional, help: "Event-loop threads.")
    var threads: Int = Environment.value(.threads) ?? 1

    @Option(parsing: .unconditional, help: "Open connections served at once; past it, new ones wait in the listen backlog until one closes.")
    var connectionLimit: Int = Environment.value(.connectionLimit) ?? 10_000

    @Option(parsing: .unconditional, help: "Seconds an idle keep-alive connection is kept open.")
    var idleTimeout: Int = Environment.value(.idleTimeout) ?? 60

    @Option(parsing: .unconditional, help: "Bytes of memory per connection for its request line, headers and buffers; larger headers get 431, a longer URL 414.")
    var connectionMemoryLimit: Int = Environment.value(.connectionMemoryLimit) ?? 32 * 1024

    @Option(help: "Answer in the shapes of httpbun or of python httpbin (httpbun|httpbin).")
    var flavor: String = Environment.string(.flavor) ?? "httpbun"

    @Option(parsing: .unconditional, help: "On SIGTERM or SIGINT, seconds to let requests in flight finish before closing them (0: stop at once).")
    var drainTimeout: Double = Environment.value(.drainTimeout) ?? 0

    @Option(help: "Log format on standard error: human or json.")
    var logFormat: String = Environment.string(.logFormat) ?? "human"

    @Option(help: "Least severe log level shown: trace, debug, info (one line per request), warning, error.")
    var logLevel: String = Environment.string(.logLevel) ?? "info"

    @Option(
        name: .customLong("allow-redirect-host"),
        help: "A host a Location may name, besides this server and loopback (repeatable; *.example.com for subdomains; '*' for any target at all, as python httpbin; replaces the default example.com, httpbun.com).")
    var allowRedirectHosts: [String] = []

    @Option(parsing: .unconditional, help: "Largest body /upload counts and discards, in bytes (413 past it); nothing of it is kept.")
    var maxUploadSize: Int = Environment.value(.maxUploadSize) ?? 1 << 30

    @Option(help: "The name /hostname answers (go-httpbin's is go-httpbin).")
    var hostname: String = Environment.string(.hostname) ?? "httpbun"

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

    @Option(help: "With HTTPS: ask clients for a certificate issued by the authorities in this PEM file; requests without one that verifies get 403, and echoes show its subject.")
    var tlsClientCa: String?

    @Option(parsing: .unconditional, help: "Requests the journal (/_journal) keeps; 0 turns it off. Default 1000 on a loopback address, off elsewhere unless this or --journal-bytes is given.")
    var journalSize: Int?

    @Option(parsing: .unconditional, help: "Bytes the journal keeps (bodies of up to 64 KiB each); 0 turns it off. Default 16 MiB, on the terms of --journal-size.")
    var journalBytes: Int?

    @Option(help: "Once listening, write the port number to this file (for fixtures that cannot read stdout).")
    var portFile: String?

    @Flag(help: "Do not serve: ask the server at --host/--port for /health (at the root, whatever the path prefix) and exit 0 if it answers 200 (for container health checks).")
    var healthcheck = false

    @Flag(help: "Do not serve: print every endpoint of --flavor as a line of JSON (pattern, methods, family, summary, query, example) and exit.")
    var listEndpoints = false

    // Optional options cannot have defaults, so their HTTPBUN_* twins are read here.
    var certificatePath: String? { tlsCert ?? Environment.string(.tlsCert) }
    var keyPath: String? { tlsKey ?? Environment.string(.tlsKey) }
    var authorityOutputPath: String? { tlsCaOut ?? Environment.string(.tlsCaOut) }
    var clientAuthorityPath: String? { tlsClientCa ?? Environment.string(.tlsClientCa) }
    var portFilePath: String? { portFile ?? Environment.string(.portFile) }
    // A Bool flag cannot default to true (ArgumentParser refuses it in debug builds and in release
    // the flag can then never be off), so a flag's variable is read beside it.
    var servesSelfSigned: Bool { tlsSelfSigned || Environment.bool(.tlsSelfSigned) }
    var answersRealHostname: Bool { useRealHostname || Environment.bool(.useRealHostname) }
    var journalEntries: Int? { journalSize ?? Environment.value(.journalSize) }
    var journalByteLimit: Int? { journalBytes ?? Environment.value(.journalBytes) }

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
        } else if let list = Environment.string(.allowedRedirectDomains) ?? Environment.string(.allowRedirectHost) {
            configuration.allowedRedirectHosts = list.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        return configuration
    }

    func validate() throws {
        // Every variable is read before any check, so a bad one is named, whatever else is wrong.
        _ = (configuration, certificatePath, keyPath, authorityOutputPath, portFilePath, servesSelfSigned)
        if let refusal = Environment.firstRefusal() { throw ValidationError(refusal) }
        do {
            try checkValues()
        } catch let error as ValidationError {
            // The checks name flags; a value that came from the environment is named as its variable.
            throw ValidationError(Environment.attributing(error.message))
        }
    }

    private func checkValues() throws {
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
        guard clientAuthorityPath == nil || servesSelfSigned || certificatePath != nil else {
            throw ValidationError("--tls-client-ca needs HTTPS: --tls-self-signed or --tls-cert/--tls-key")
        }
    }

    func run() throws {
        if listEndpoints {
            let flavor = ServerConfiguration.Flavor(rawValue: self.flavor)!
            print(flavor.listedEndpoints.map { $0.json.serialized(.compact) }.joined(separator: "\n"))
            return
        }
        if healthcheck {
            // `/health` answers at the root whatever the path prefix.
            if let failure = HealthProbe.failure(host: host, port: port, path: "/health") {
                let line = Array("httpbun --healthcheck: \(failure)\n".utf8)
                _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                throw ExitCode(1)
            }
            throw ExitCode(0)
        }
        let format = LogFormat(rawValue: logFormat)!
        let level = Logger.Level(rawValue: logLevel)!
        var logger = Logger(label: "httpbun") { label in StandardErrorLogHandler(label: label, format: format) }
        logger.logLevel = level
        for name in Environment.unknownNames() {
            logger.warning("\(name) is not a variable httpbun reads (a misspelling?); ignored. The options' variables are in httpbun --help")
        }

        var configuration = self.configuration
        do {
            configuration.tls = try tlsIdentity(logger: logger)
            if let path = clientAuthorityPath { configuration.tlsClientCA = try TLSIdentity.loadClientAuthorities(path: path) }
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

/// Reads `HTTPBUN_*` variables, the environment twins of the flags. A value is parsed exactly as
/// its flag's (`ExpressibleByArgument`), and one that does not parse is recorded here for
/// `HTTPBunCommand.validate()` to refuse (exit 64), never quietly replaced by the default.
enum Environment {
    /// The twins: `HTTPBUN_` and the raw value. A name missing here is warned about at start.
    enum Variable: String, CaseIterable {
        case host = "HOST", port = "PORT", pathPrefix = "PATH_PREFIX", maxBodySize = "MAX_BODY_SIZE"
        case maxDuration = "MAX_DURATION", threads = "THREADS", connectionLimit = "CONNECTION_LIMIT"
        case idleTimeout = "IDLE_TIMEOUT", connectionMemoryLimit = "CONNECTION_MEMORY_LIMIT", flavor = "FLAVOR"
        case drainTimeout = "DRAIN_TIMEOUT", logFormat = "LOG_FORMAT", logLevel = "LOG_LEVEL"
        case allowedRedirectDomains = "ALLOWED_REDIRECT_DOMAINS", allowRedirectHost = "ALLOW_REDIRECT_HOST"
        case maxUploadSize = "MAX_UPLOAD_SIZE", hostname = "HOSTNAME", useRealHostname = "USE_REAL_HOSTNAME"
        case tlsCert = "TLS_CERT", tlsKey = "TLS_KEY", tlsSelfSigned = "TLS_SELF_SIGNED", tlsCaOut = "TLS_CA_OUT"
        case tlsClientCa = "TLS_CLIENT_CA"
        case journalSize = "JOURNAL_SIZE", journalBytes = "JOURNAL_BYTES", portFile = "PORT_FILE"

        var name: String { "HTTPBUN_" + rawValue }
        /// The flag it stands for (`--max-body-size`); for the redirect lists, `--allow-redirect-host`.
        var flag: String {
            switch self {
            case .allowedRedirectDomains, .allowRedirectHost: "--allow-redirect-host"
            default: "--" + rawValue.lowercased().replacing("_", with: "-")
            }
        }
    }

    /// `HTTPBUN_*` names that are not the server's settings but are documented: `HTTPBUN_ENV_*` (shown
    /// by `/env`), and the variables of the tools around it (the pytest plugin's `HTTPBUN_BIN`,
    /// `HTTPBUN_URL` and `HTTPBUN_PYTEST_CA`, the snapshot tests' `HTTPBUN_SNAPSHOT` and
    /// `HTTPBUN_API_KEEP_HOST`), which a server started by them inherits.
    static let otherPrefixes = ["HTTPBUN_ENV_"]
    static let otherNames: Set = ["HTTPBUN_BIN", "HTTPBUN_URL", "HTTPBUN_PYTEST_CA", "HTTPBUN_SNAPSHOT", "HTTPBUN_API_KEEP_HOST"]

    /// What the boolean variables take, case-insensitively.
    static let trueWords: Set = ["1", "true", "yes"], falseWords: Set = ["0", "false", "no"]

    /// The values that did not parse, by variable name: the message each is refused with.
    private static let refused = Mutex<[String: String]>([:])

    static func string(_ variable: Variable) -> String? {
        getenv(variable.name).map { String(cString: $0) }
    }

    /// The variable's value parsed as its flag's would be; nil when unset or refused.
    static func value<Value: ExpressibleByArgument>(_ variable: Variable) -> Value? {
        guard let text = string(variable) else { return nil }
        if let value = Value(argument: text) { return value }
        refuse(variable, text, accepting: Value.self is any BinaryInteger.Type ? "a whole number" : "a number, such as 10 or 0.5")
        return nil
    }

    /// A flag's twin: true for 1, true or yes, false for 0, false or no (any case) or unset.
    static func bool(_ variable: Variable) -> Bool {
        guard let text = string(variable) else { return false }
        if trueWords.contains(text.lowercased()) { return true }
        if !falseWords.contains(text.lowercased()) { refuse(variable, text, accepting: "1, true or yes for on, 0, false or no for off (any case)") }
        return false
    }

    private static func refuse(_ variable: Variable, _ text: String, accepting: String) {
        let message = "\(variable.name)=\(text) is not valid: \(variable.name) (as \(variable.flag)) takes \(accepting)"
        refused.withLock { $0[variable.name] = message }
    }

    /// The first refused value's message, in the variables' order; nil when every value parsed. A
    /// variable whose flag is on the command line is not used, so its value does not matter.
    static func firstRefusal(arguments: [String] = CommandLine.arguments) -> String? {
        let refused = refused.withLock { $0 }
        return Variable.allCases.lazy.filter { !isGiven($0.flag, in: arguments) }.compactMap { refused[$0.name] }.first
    }

    /// True when `flag` is on the command line, as `--flag value` or `--flag=value`.
    static func isGiven(_ flag: String, in arguments: [String]) -> Bool {
        arguments.dropFirst().contains { $0 == flag || $0.hasPrefix(flag + "=") }
    }

    /// `message` (a range check's, naming flags) with each flag that came from its variable, not the
    /// command line, named as that variable: `--port` becomes `HTTPBUN_PORT` when only it was set.
    static func attributing(_ message: String, arguments: [String] = CommandLine.arguments) -> String {
        var message = message
        for variable in Variable.allCases where string(variable) != nil && message.contains(variable.flag) {
            if !isGiven(variable.flag, in: arguments) { message = message.replacing(variable.flag, with: variable.name) }
        }
        return message
    }

    /// The `HTTPBUN_*` variables set that nothing reads (a misspelling, or a setting of another
    /// version): warned about at start, not fatal.
    static func unknownNames() -> [String] {
        let known = Set(Variable.allCases.map(\.name)).union(otherNames)
        return variableNames().filter { name in
            name.hasPrefix("HTTPBUN_") && !known.contains(name) && !otherPrefixes.contains { name.hasPrefix($0) }
        }.sorted()
    }

    /// The names of every variable in the environment.
    static func variableNames() -> [String] {
        var names: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            names.append(String(text.prefix { $0 != "=" }))
            entry += 1
        }
        return names
    }

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
