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

            Drop-in spellings: httpbun's --bind host:port (and HTTPBUN_BIND), and go-httpbin's flags and variables (-host, -port, -prefix, -max-duration 10s, -https-cert-file, PORT, MAX_BODY_SIZE and the rest the README lists). A flag wins over an HTTPBUN_ variable, which wins over go-httpbin's.

            While it runs, the server records where and how it listens in a state file (server.json in --state-dir), so that httpbun --healthcheck with no other arguments probes it, over HTTPS with its certificate when it serves HTTPS.

            Examples:
              httpbun                            serve on http://127.0.0.1:8080
              httpbun --port 0                   pick a free port and print it
              httpbun --host 0.0.0.0 --port 80   serve every interface (as in a container)
              httpbun --path-prefix /bin         serve /bin/get (and /health at the root)
              httpbun --healthcheck              exit 0 if the running server answers
              curl http://127.0.0.1:8080/get?a=1
            """,
        version: HTTPBunVersion.current
    )

    @Option(
        name: [.long, .customLong("host", withSingleDash: true)],
        help: "Address to bind: an IP address or host name; 0.0.0.0 or :: for every interface.")
    var host: String = Environment.string(.host) ?? Environment.bindAddress()?.host ?? Environment.string(.goHost) ?? "127.0.0.1"

    // Numbers are parsed `.unconditional`ly: `--port -1` takes -1 and the range check says what the
    // port may be, where the default parsing took -1 for a flag and said "Missing value".
    @Option(
        name: [.long, .customLong("port", withSingleDash: true)], parsing: .unconditional,
        help: "Port to listen on; 0 picks a free one (read it from the first line of output).")
    var port: Int = Environment.value(.port) ?? Environment.bindAddress()?.port ?? Environment.value(.goPort) ?? 8080

    @Option(
        name: [.long, .customLong("bind", withSingleDash: true)],
        help: "Host and port as one, host:port (httpbun's --bind): :8080 is every interface, [::1]:8080 IPv6.")
    var bind: BindAddress?

    @Option(
        name: [.long, .customLong("path-prefix", withSingleDash: true)],
        help: "Serve every endpoint under this path, e.g. /httpbun (p is read as /p); /health answers at the root too.")
    var pathPrefix: String = Environment.string(.pathPrefix) ?? ""

    // go-httpbin's -prefix: the same setting, below --path-prefix.
    @Option(name: [.customLong("prefix"), .customLong("prefix", withSingleDash: true)], help: .hidden)
    var goPrefix: String?

    @Option(
        name: [.long, .customLong("max-body-size", withSingleDash: true)], parsing: .unconditional,
        help: "Largest request body accepted, in bytes (413 past it); also caps generated bodies.")
    var maxBodySize: Int = Environment.value(.maxBodySize) ?? Environment.value(.goMaxBodySize) ?? 16 * 1024 * 1024

    @Option(
        name: [.long, .customLong("max-duration", withSingleDash: true)], parsing: .unconditional,
        help: "Longest wait an endpoint may be asked for, in seconds or as a Go duration (90s, 1m30s); 400 past it.")
    var maxDuration: Seconds = Environment.value(.maxDuration) ?? Environment.value(.goMaxDuration) ?? Seconds(60)

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

    @Option(parsing: .unconditional, help: "On SIGTERM or SIGINT, seconds (or a Go duration) to let requests in flight finish before closing them (0: stop at once).")
    var drainTimeout: Seconds = Environment.value(.drainTimeout) ?? Seconds(0)

    @Option(help: "Log format on standard error: human or json.")
    var logFormat: String = Environment.string(.logFormat) ?? "human"

    @Option(help: "Least severe log level shown: trace, debug (each request's header fields too), info (one line per request), warning, error.")
    var logLevel: String = Environment.string(.logLevel) ?? "info"

    @Option(help: "One line per request on standard error (on), or none (off); written at --log-level info and below.")
    var accessLog: String = Environment.string(.accessLog) ?? "on"

    @Option(
        name: .customLong("allow-redirect-host"),
        help: "A host a Location may name, besides this server and loopback (repeatable; *.example.com for subdomains; '*' for any target at all, as python httpbin; replaces the default example.com, httpbun.com).")
    var allowRedirectHosts: [String] = []

    // go-httpbin's comma-separated list, below --allow-redirect-host.
    @Option(name: [.customLong("allowed-redirect-domains"), .customLong("allowed-redirect-domains", withSingleDash: true)], help: .hidden)
    var goAllowedRedirectDomains: String?

    @Option(parsing: .unconditional, help: "Largest body /upload counts and discards, in bytes (413 past it); nothing of it is kept.")
    var maxUploadSize: Int = Environment.value(.maxUploadSize) ?? 1 << 30

    @Option(help: "The name /hostname answers (go-httpbin's is go-httpbin).")
    var hostname: String = Environment.string(.hostname) ?? "httpbun"

    @Flag(
        name: [.long, .customLong("use-real-hostname", withSingleDash: true)],
        help: "/hostname answers this machine's name instead of --hostname.")
    var useRealHostname = false

    @Option(help: "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    // go-httpbin's names for --tls-cert and --tls-key.
    @Option(name: [.customLong("https-cert-file"), .customLong("https-cert-file", withSingleDash: true)], help: .hidden)
    var goCertFile: String?
    @Option(name: [.customLong("https-key-file"), .customLong("https-key-file", withSingleDash: true)], help: .hidden)
    var goKeyFile: String?

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

    // go-httpbin's settings that have no counterpart here, declared only to be refused by name: left
    // undeclared, `-exclude-headers` reads as the short flags -e -x ... -h and prints the help, exit 0.
    @Option(name: GoHTTPBinUnsupported.valuedNames, help: .hidden)
    var goUnsupportedValue: String?
    @Flag(name: GoHTTPBinUnsupported.flagNames, help: .hidden)
    var goUnsupportedFlag = false

    @Option(help: "Folder of the state file, where the server records how it listens for --healthcheck (default: $XDG_RUNTIME_DIR/httpbun, else /tmp/httpbun-<uid>).")
    var stateDir: String?

    @Flag(help: "Do not serve: ask the running server for /health (at the root) and exit 0 if it answers 200, else say why on stderr and exit 1. Probes what the state file records, over HTTPS when it serves HTTPS; --host, --port, --bind or a TLS option on the command line probe those instead.")
    var healthcheck = false

    @Flag(help: "Do not serve: print every endpoint of --flavor as a line of JSON (pattern, methods, family, summary, query, example) and exit.")
    var listEndpoints = false

    // Optional options cannot have defaults, so their HTTPBUN_* twins are read here.
    var certificatePath: String? { tlsCert ?? goCertFile ?? Environment.string(.tlsCert) ?? Environment.string(.goCertFile) }
    var keyPath: String? { tlsKey ?? goKeyFile ?? Environment.string(.tlsKey) ?? Environment.string(.goKeyFile) }
    var authorityOutputPath: String? { tlsCaOut ?? Environment.string(.tlsCaOut) }
    var clientAuthorityPath: String? { tlsClientCa ?? Environment.string(.tlsClientCa) }
    var portFilePath: String? { portFile ?? Environment.string(.portFile) }
    var stateFolder: ServerState.Folder { ServerState.Folder(chosen: stateDir ?? Environment.string(.stateDir)) }
    // A Bool flag cannot default to true (ArgumentParser refuses it in debug builds and in release
    // the flag can then never be off), so a flag's variable is read beside it.
    var servesSelfSigned: Bool { tlsSelfSigned || Environment.bool(.tlsSelfSigned) == true }
    var answersRealHostname: Bool {
        useRealHostname || (Environment.bool(.useRealHostname) ?? Environment.bool(.goUseRealHostname) ?? false)
    }
    // --bind gives both (validate() refuses it beside --host or --port on the command line); its
    // variable, HTTPBUN_BIND, is read in the defaults of --host and --port, below theirs.
    var listenHost: String { bind?.host ?? host }
    var listenPort: Int { bind?.port ?? port }
    /// --path-prefix, else go-httpbin's -prefix, else HTTPBUN_PATH_PREFIX.
    var servedPathPrefix: String {
        Environment.isGiven(Environment.Variable.pathPrefix.flags.filter { $0.hasSuffix("path-prefix") }) ? pathPrefix : goPrefix ?? pathPrefix
    }
    var journalEntries: Int? { journalSize ?? Environment.value(.journalSize) }
    var journalByteLimit: Int? { journalBytes ?? Environment.value(.journalBytes) }

    /// The server's configuration from the flags and their HTTPBUN_* twins (TLS aside: that is
    /// made or read at start). Call after `validate()`'s own checks of flavor and duration.
    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(
            host: listenHost, port: listenPort, pathPrefix: servedPathPrefix, maxBodySize: maxBodySize,
            maxDuration: .nanoseconds(Int64(maxDuration.value * 1e9)), threads: threads, connectionLimit: connectionLimit,
            idleTimeout: idleTimeout, connectionMemoryLimit: connectionMemoryLimit, flavor: ServerConfiguration.Flavor(rawValue: flavor) ?? .httpbun,
            drainTimeout: .nanoseconds(Int64(drainTimeout.value * 1e9)), journalSize: journalEntries, journalBytes: journalByteLimit)
        // Array options cannot have a default from the environment. httpbun's own variable,
        // HTTPBUN_ALLOWED_REDIRECT_DOMAINS, is a list split at commas and whitespace that replaces the
        // default list (set and empty: no host at all); HTTPBUN_ALLOW_REDIRECT_HOST is our older name.
        configuration.maxUploadSize = maxUploadSize
        configuration.hostname = answersRealHostname ? Environment.machineHostname() ?? hostname : hostname
        configuration.environment = Environment.exposed()
        if !allowRedirectHosts.isEmpty {
            configuration.allowedRedirectHosts = allowRedirectHosts
        } else if let list = goAllowedRedirectDomains ?? Environment.string(.allowedRedirectDomains) ?? Environment.string(.allowRedirectHost)
            ?? Environment.string(.goAllowedRedirectDomains)
        {
            configuration.allowedRedirectHosts = list.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        return configuration
    }

    func validate() throws {
        // Every variable is read before any check, so a bad one is named, whatever else is wrong.
        _ = (configuration, certificatePath, keyPath, authorityOutputPath, portFilePath, servesSelfSigned, stateFolder)
        if let refusal = Environment.firstRefusal() { throw ValidationError(refusal) }
        do {
            try checkValues()
        } catch let error as ValidationError {
            // The checks name flags; a value that came from the environment is named as its variable.
            throw ValidationError(Environment.attributing(error.message))
        }
    }

    private func checkValues() throws {
        if goUnsupportedValue != nil || goUnsupportedFlag, let given = GoHTTPBinUnsupported.given() {
            throw ValidationError(given)
        }
        // Converted to nanoseconds in an Int64 to build the configuration: past ~292 years that traps.
        guard maxDuration.value.isFinite, maxDuration.value >= 0, maxDuration.value <= 1e9 else {
            throw ValidationError("--max-duration must be a number of seconds from 0 to 1000000000")
        }
        guard drainTimeout.value.isFinite, drainTimeout.value >= 0, drainTimeout.value <= 1e9 else {
            throw ValidationError("--drain-timeout must be a number of seconds from 0 to 1000000000")
        }
        if bind != nil, Environment.isGiven(["--host", "-host", "--port", "-port"]) {
            throw ValidationError("--bind gives both the host and the port: use it, or --host and --port, not both")
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
        guard accessLog == "on" || accessLog == "off" else { throw ValidationError("--access-log must be on or off") }
        // A probe needs only the certificate, to trust it.
        guard healthcheck || (certificatePath == nil) == (keyPath == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
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
            let failure: String?
            do {
                failure = HealthProbe.failure(try healthTarget(), path: "/health")
            } catch {
                failure = error.description
            }
            if let failure {
                let line = Array("httpbun --healthcheck: \(failure)\n".utf8)
                _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                throw ExitCode(1)
            }
            throw ExitCode(0)
        }
        let format = LogFormat(rawValue: logFormat)!
        let level = Logger.Level(rawValue: logLevel)!
        // One writer for every line on standard error, so the batched access lines and the others
        // appear in the order they happened; only the access lines wait for a batch.
        let output = AccessLog(format: format, includesHeaders: level <= .debug)
        var logger = Logger(label: "httpbun") { label in StandardErrorLogHandler(label: label, format: format, output: output) }
        logger.logLevel = level
        for name in Environment.unknownNames() {
            logger.warning("\(name) is not a variable httpbun reads (a misspelling?); ignored. The options' variables are in httpbun --help")
        }
        let borrowed = Environment.usedGoHTTPBinVariables()
        if !borrowed.isEmpty {
            logger.info("read go-httpbin's \(borrowed.map { "\($0.name) (as \($0.flag))" }.joined(separator: ", ")): no flag or HTTPBUN_ variable sets these")
        }

        var configuration = self.configuration
        let tls: (identity: TLSIdentity, trust: HealthProbe.TLSTrust)?
        do {
            tls = try tlsIdentity(logger: logger)
            configuration.tls = tls?.identity
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
            server = try HTTPBunServer.start(configuration, logger: logger, accessLog: accessLog == "on" && level <= .info ? output : nil)
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
        // Not fatal: the server serves without it, and --healthcheck given --host and --port still works.
        let stateFolder = self.stateFolder
        do {
            try ServerState(processID: getpid(), url: server.baseURL, tls: tls?.trust).write(in: stateFolder)
        } catch {
            logger.warning("cannot record how the server listens for --healthcheck (\(error)); set --state-dir or HTTPBUN_STATE_DIR to a writable folder")
        }
        print(server.baseURL)
        fflush(nil)  // the URL must reach a reading parent now, not at exit
        logger.info("httpbun \(HTTPBunVersion.current) listening on \(server.baseURL) (\(threads) thread(s), flavor \(flavor))")

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("received \(received == SIGINT ? "SIGINT" : "SIGTERM"), stopping")
        server.stop()
        ServerState.remove(in: stateFolder, writtenBy: getpid())
        logger.info("stopped")
    }
}

extension HTTPBunCommand {
    /// The certificate to serve, from files or made now, and what a client (--healthcheck) trusts to
    /// verify it: the throw-away CA, or a given certificate itself, pinned; nil for plain HTTP.
    func tlsIdentity(logger: Logger) throws -> (identity: TLSIdentity, trust: HealthProbe.TLSTrust)? {
        if let certificatePath, let keyPath {
            let identity = try TLSIdentity.load(certificatePath: certificatePath, keyPath: keyPath)
            return (identity, HealthProbe.TLSTrust(trustedPEM: identity.certificateChainPEM, checksHostName: false))
        }
        guard servesSelfSigned else { return nil }
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: [listenHost])
        if let authorityOutputPath {
            try writeFile(authorityOutputPath, authority)
            logger.info("wrote the test CA certificate to \(authorityOutputPath): trust it in your client")
        } else {
            logger.warning("--tls-self-signed without --tls-ca-out: only httpbun --healthcheck (which reads the CA from the state file) can verify this certificate; --tls-ca-out FILE writes the CA for other clients")
        }
        return (identity, HealthProbe.TLSTrust(trustedPEM: authority, checksHostName: true))
    }

    /// What `--healthcheck` probes. Where the command line names how the server listens (--host,
    /// --port, --bind, a TLS option), that; else what the running server recorded in its state
    /// file; else the HTTPBUN_* variables and defaults. Variables alone do not outrank the state
    /// file: an image's ENV stays the same when `docker run` arguments change the port.
    func healthTarget() throws(StateError) -> HealthProbe.Target {
        let listening = ["--host", "-host", "--port", "-port", "--bind", "-bind", "--tls-self-signed"] + Environment.Variable.tlsCert.flags
        let folder = stateFolder
        let explicit = Environment.isGiven(listening)
        if !explicit, let state = try ServerState.read(in: folder) { return try state.target(in: folder) }
        // Beside an explicit address the state only lends its CA, and a bad one is no failure.
        let state = (try? ServerState.read(in: folder)) ?? nil
        let origin = explicit ? "the command line" : "the HTTPBUN_ variables and defaults, as no running server is recorded in \(folder.path)"
        var target = HealthProbe.Target(host: listenHost, port: listenPort, tls: nil, origin: origin)
        if let certificatePath {
            guard let chain = readTextFile(certificatePath) else { throw StateError("cannot read the certificate to trust, \(certificatePath)") }
            target.tls = HealthProbe.TLSTrust(trustedPEM: chain, checksHostName: false)
        } else if servesSelfSigned {
            // The CA the server made is in the file it wrote (--tls-ca-out), or in its state.
            if let authorityOutputPath {
                guard let authority = readTextFile(authorityOutputPath) else { throw StateError("cannot read the CA to trust, \(authorityOutputPath)") }
                target.tls = HealthProbe.TLSTrust(trustedPEM: authority, checksHostName: true)
            } else if let state, let trust = state.tls, ServerState.Endpoint(url: state.url)?.port == listenPort {
                target.tls = trust
            } else {
                throw StateError("cannot verify a --tls-self-signed server without its CA: give the --tls-ca-out it wrote, or no arguments (the state file in \(folder.path) has the CA)")
            }
        }
        return target
    }

    /// Writes a small file whole, or throws with the reason.
    func writeFile(_ path: String, _ text: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw ValidationError("cannot write \(path)") }
    }
}

/// Reads `HTTPBUN_*` variables, the environment twins of the flags, and go-httpbin's names below
/// them. A value is parsed exactly as its flag's (`ExpressibleByArgument`), and one that does not
/// parse is recorded here for `HTTPBunCommand.validate()` to refuse (exit 64), never quietly
/// replaced by the default.
enum Environment {
    /// The variables, by name. An `HTTPBUN_*` name missing here is warned about at start.
    enum Variable: String, CaseIterable {
        case host = "HTTPBUN_HOST", port = "HTTPBUN_PORT", bind = "HTTPBUN_BIND", pathPrefix = "HTTPBUN_PATH_PREFIX"
        case maxBodySize = "HTTPBUN_MAX_BODY_SIZE", maxDuration = "HTTPBUN_MAX_DURATION", threads = "HTTPBUN_THREADS"
        case connectionLimit = "HTTPBUN_CONNECTION_LIMIT", idleTimeout = "HTTPBUN_IDLE_TIMEOUT"
        case connectionMemoryLimit = "HTTPBUN_CONNECTION_MEMORY_LIMIT", flavor = "HTTPBUN_FLAVOR"
        case drainTimeout = "HTTPBUN_DRAIN_TIMEOUT", logFormat = "HTTPBUN_LOG_FORMAT", logLevel = "HTTPBUN_LOG_LEVEL"
        case accessLog = "HTTPBUN_ACCESS_LOG"
        case allowedRedirectDomains = "HTTPBUN_ALLOWED_REDIRECT_DOMAINS", allowRedirectHost = "HTTPBUN_ALLOW_REDIRECT_HOST"
        case maxUploadSize = "HTTPBUN_MAX_UPLOAD_SIZE", hostname = "HTTPBUN_HOSTNAME", useRealHostname = "HTTPBUN_USE_REAL_HOSTNAME"
        case tlsCert = "HTTPBUN_TLS_CERT", tlsKey = "HTTPBUN_TLS_KEY", tlsSelfSigned = "HTTPBUN_TLS_SELF_SIGNED"
        case tlsCaOut = "HTTPBUN_TLS_CA_OUT", journalSize = "HTTPBUN_JOURNAL_SIZE", journalBytes = "HTTPBUN_JOURNAL_BYTES"
        case tlsClientCa = "HTTPBUN_TLS_CLIENT_CA"
        case portFile = "HTTPBUN_PORT_FILE", stateDir = "HTTPBUN_STATE_DIR"
        // go-httpbin's names, read only where no HTTPBUN_ variable is set. Its LOG_LEVEL,
        // LOG_FORMAT and PREFIX are not: names that generic are set for other programs (conda and
        // Termux export PREFIX), and its log values are not ours.
        case goHost = "HOST", goPort = "PORT", goMaxBodySize = "MAX_BODY_SIZE", goMaxDuration = "MAX_DURATION"
        case goUseRealHostname = "USE_REAL_HOSTNAME", goCertFile = "HTTPS_CERT_FILE", goKeyFile = "HTTPS_KEY_FILE"
        case goAllowedRedirectDomains = "ALLOWED_REDIRECT_DOMAINS"

        var name: String { rawValue }
        /// The flag it stands for, as messages name it (`--max-body-size`).
        var flag: String { flags[0] }
        /// Every command-line spelling that, given, leaves this variable unread.
        var flags: [String] {
            switch self {
            case .host, .goHost: ["--host", "-host", "--bind", "-bind"]
            case .port, .goPort: ["--port", "-port", "--bind", "-bind"]
            case .bind: ["--bind", "-bind"]
            case .pathPrefix: ["--path-prefix", "-path-prefix", "--prefix", "-prefix"]
            case .maxBodySize, .goMaxBodySize: ["--max-body-size", "-max-body-size"]
            case .maxDuration, .goMaxDuration: ["--max-duration", "-max-duration"]
            case .useRealHostname, .goUseRealHostname: ["--use-real-hostname", "-use-real-hostname"]
            case .tlsCert, .goCertFile: ["--tls-cert", "--https-cert-file", "-https-cert-file"]
            case .tlsKey, .goKeyFile: ["--tls-key", "--https-key-file", "-https-key-file"]
            case .allowedRedirectDomains, .allowRedirectHost, .goAllowedRedirectDomains:
                ["--allow-redirect-host", "--allowed-redirect-domains", "-allowed-redirect-domains"]
            default: ["--" + rawValue.dropFirst("HTTPBUN_".count).lowercased().replacing("_", with: "-")]
            }
        }
        /// The variables read before this one: any of them set leaves it unread.
        var outranking: [Variable] {
            switch self {
            case .goHost: [.host, .bind]
            case .goPort: [.port, .bind]
            case .goMaxBodySize: [.maxBodySize]
            case .goMaxDuration: [.maxDuration]
            case .goUseRealHostname: [.useRealHostname]
            case .goCertFile: [.tlsCert]
            case .goKeyFile: [.tlsKey]
            case .allowRedirectHost: [.allowedRedirectDomains]
            case .goAllowedRedirectDomains: [.allowedRedirectDomains, .allowRedirectHost]
            default: []
            }
        }
        var isGoHTTPBin: Bool { !rawValue.hasPrefix("HTTPBUN_") }
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
        let accepted = (Value.self as? any DescribedArgument.Type)?.accepted
        refuse(variable, text, accepting: accepted ?? (Value.self is any BinaryInteger.Type ? "a whole number" : "a number, such as 10 or 0.5"))
        return nil
    }

    /// HTTPBUN_BIND, httpbun's host:port: read in the defaults of --host and --port, below theirs.
    static func bindAddress() -> BindAddress? { value(.bind) }

    /// A flag's twin: true for 1, true or yes, false for 0, false or no (any case), nil when unset
    /// (or refused).
    static func bool(_ variable: Variable) -> Bool? {
        guard let text = string(variable) else { return nil }
        if trueWords.contains(text.lowercased()) { return true }
        if falseWords.contains(text.lowercased()) { return false }
        refuse(variable, text, accepting: "1, true or yes for on, 0, false or no for off (any case)")
        return nil
    }

    private static func refuse(_ variable: Variable, _ text: String, accepting: String) {
        let message = "\(variable.name)=\(text) is not valid: \(variable.name) (as \(variable.flag)) takes \(accepting)"
        refused.withLock { $0[variable.name] = message }
    }

    /// The first refused value's message, in the variables' order; nil when every value parsed. A
    /// variable whose flag is on the command line, or that a variable read before it outranks, is
    /// not used, so its value does not matter (a CI machine's PORT, say, beside HTTPBUN_PORT).
    static func firstRefusal(arguments: [String] = CommandLine.arguments) -> String? {
        let refused = refused.withLock { $0 }
        return Variable.allCases.lazy.filter { isUsed($0, arguments: arguments) }.compactMap { refused[$0.name] }.first
    }

    /// True when `variable` is set and read: no flag of it on the command line, no variable above it set.
    static func isUsed(_ variable: Variable, arguments: [String] = CommandLine.arguments) -> Bool {
        string(variable) != nil && !isGiven(variable.flags, in: arguments) && !variable.outranking.contains { string($0) != nil }
    }

    /// go-httpbin's variables that are read, for a line at start: a CI machine may set PORT or HOST
    /// for another program, and the server should say where its address came from.
    static func usedGoHTTPBinVariables() -> [Variable] {
        Variable.allCases.filter { $0.isGoHTTPBin && isUsed($0) }
    }

    /// True when any of `flags` is on the command line, as `--flag value` or `--flag=value`.
    static func isGiven(_ flags: [String], in arguments: [String] = CommandLine.arguments) -> Bool {
        arguments.dropFirst().contains { argument in flags.contains { argument == $0 || argument.hasPrefix($0 + "=") } }
    }

    /// `message` (a range check's, naming flags) with each flag that came from its variable, not the
    /// command line, named as that variable: `--port` becomes `HTTPBUN_PORT` when only it was set.
    static func attributing(_ message: String, arguments: [String] = CommandLine.arguments) -> String {
        var message = message
        for variable in Variable.allCases where isUsed(variable, arguments: arguments) && message.contains(variable.flag) {
            message = message.replacing(variable.flag, with: variable.name)
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

/// A value whose refusal, read from a variable, says what it takes.
protocol DescribedArgument: ExpressibleByArgument {
    static var accepted: String { get }
}

/// A number of seconds (`10`, `0.5`) or a Go duration (`10s`, `1m30s`, `250ms`): go-httpbin's
/// `-max-duration` takes the second, ours took the first, and neither reads as the other (Go
/// wants a unit on all but `0`), so one option takes both.
///
/// ```swift
/// Seconds(argument: "1m30s")?.value   // 90
/// Seconds(argument: "2.5")?.value     // 2.5
/// ```
struct Seconds: DescribedArgument, CustomStringConvertible {
    let value: Double
    static let accepted = "a number of seconds (10, 0.5) or a Go duration (10s, 1m30s, 250ms)"

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        if let number = Double(argument) {
            value = number
        } else if let nanoseconds = GoDuration.parseGoSyntax(argument) {
            value = Double(nanoseconds) / 1e9
        } else {
            return nil
        }
    }

    var description: String { value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value) }
}

/// httpbun's `--bind`: `host:port` as Go's `net.Listen` reads it. An empty host (`:8080`) is every
/// interface; an IPv6 address needs its brackets (`[::1]:8080`).
///
/// ```swift
/// BindAddress(argument: ":8080")   // host "0.0.0.0", port 8080
/// ```
struct BindAddress: DescribedArgument {
    let host: String
    let port: Int
    static let accepted = "host:port, such as 127.0.0.1:8080, :8080 (every interface) or [::1]:8080"

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(argument[..<colon])
        // `::1:8080` could be read more than one way; Go refuses it too.
        if host.contains(":") && !(host.hasPrefix("[") && host.hasSuffix("]")) { return nil }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}

/// go-httpbin's options that this server has no counterpart for, each with what to do instead.
enum GoHTTPBinUnsupported {
    static let valued = ["exclude-headers", "srv-max-header-bytes", "srv-read-header-timeout", "srv-read-timeout"]
    static let flags = ["unsafe-allow-dangerous-responses", "use-full-version"]
    /// Ours take other values (human, not text; lower-case levels), so go-httpbin's one-dash
    /// spellings are not aliases (the two-dash ones are ours).
    static let logging = ["log-format", "log-level"]

    /// Each name with one dash and with two, as Go's flag package takes them; the logging ones with one.
    static var valuedNames: NameSpecification {
        NameSpecification(valued.flatMap { [.customLong($0), .customLong($0, withSingleDash: true)] } + logging.map { .customLong($0, withSingleDash: true) })
    }
    static var flagNames: NameSpecification {
        NameSpecification(flags.flatMap { [.customLong($0), .customLong($0, withSingleDash: true)] })
    }

    /// The message for the first of them on the command line.
    static func given(arguments: [String] = CommandLine.arguments) -> String? {
        for argument in arguments.dropFirst() {
            let name = String(argument.drop { $0 == "-" }.prefix { $0 != "=" })
            guard argument.hasPrefix("-"), (valued + flags).contains(name) || (logging.contains(name) && !argument.hasPrefix("--")) else { continue }
            let advice = switch name {
            case "srv-max-header-bytes": "--connection-memory-limit bounds the request head"
            case "srv-read-header-timeout", "srv-read-timeout": "--idle-timeout bounds an idle connection"
            case "log-format": "--log-format takes human or json"
            case "log-level": "--log-level takes trace, debug, info, warning or error"
            default: "drop it"
            }
            if logging.contains(name) { return "go-httpbin's -\(name) is not read here (its values are not ours): \(advice)" }
            return "go-httpbin's -\(name) has no counterpart in this server: \(advice)"
        }
        return nil
    }
}

