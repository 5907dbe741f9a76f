import HTTPBunCore
import CMicroHTTPD
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An httpbun server running in this process.
///
/// ```swift
/// let server = try HTTPBunServer.start()          // 127.0.0.1, a free port
/// defer { server.stop() }
/// let base = server.baseURL                       // "http://127.0.0.1:54321"
/// ```
public final class HTTPBunServer: Sendable {
    /// The port the server listens on (the real one when 0 was asked for).
    public let port: Int
    /// The host it was bound to, as configured.
    public let host: String
    /// `http://host:port` and the path prefix (`http://127.0.0.1:8080/api`), with IPv6 hosts in
    /// brackets and wildcard hosts shown as loopback: `baseURL + "/get"` reaches `/get`.
    public let baseURL: String
    /// True when bound to every interface (`0.0.0.0`, `::`, or any spelling of them such as `0`).
    public let listensOnAllInterfaces: Bool
    public let configuration: ServerConfiguration
    /// The requests this server answered (but those to `/_journal`), or nil when the journal is off
    /// (`ServerConfiguration.journalLimits`: on by default on a loopback address). docs/journal.md.
    ///
    /// ```swift
    /// let server = try HTTPBunServer.start()
    /// // ... the code under test sends its webhook to server.baseURL + "/anything/hook" ...
    /// let hook = await server.journal!.firstEntry(matching: JournalFilter(pathPrefix: "/anything/hook"), within: .seconds(2))
    /// hook?.headers.first("X-Signature")
    /// ```
    public let journal: RequestJournal?
    /// Where each request's line goes when it ends, or nil (the default in process; the binary
    /// logs to standard error unless `--access-log off`).
    public let accessLog: AccessLog?

    /// One per daemon thread, each with its own router: what a request touches (route table,
    /// settings, counters, the authority's lock) is then its own thread's. One shared engine made
    /// every request's retains and atomics bounce their cache lines between the cores.
    private let engines: [Engine]
    private let daemons: Mutex<[DaemonHandle]>
    private let logTrampolines: [LogTrampoline]
    /// MHD reads the PEM text through pointers it keeps: they live as long as the server.
    private let tlsMaterial: TLSMaterial?

    /// Starts a server and returns once it accepts connections.
    ///
    /// - Parameters:
    ///   - configuration: where to listen and what limits to apply; port 0 picks a free port.
    ///   - logger: where MHD's diagnostics and WebSocket summaries go; none by default.
    ///   - accessLog: where each request's line goes (docs/logging.md); none by default.
    ///
    /// ```swift
    /// let server = try HTTPBunServer.start(accessLog: AccessLog(format: .json))   // lines on stderr
    /// ```
    public static func start(
        _ configuration: ServerConfiguration = ServerConfiguration(),
        logger: Logger = Logger(label: "httpbun", factory: { _ in SwiftLogNoOpLogHandler() }),
        accessLog: AccessLog? = nil
    ) throws(ServerStartError) -> HTTPBunServer {
        try HTTPBunServer(configuration: configuration, logger: logger, accessLog: accessLog)
    }

    /// Starts a server for the duration of `body` and stops it afterwards, even when `body` throws.
    ///
    /// ```swift
    /// try await HTTPBunServer.withServer { base in
    ///     let (data, _) = try await fetch(base + "/get")
    /// }
    /// ```
    public static func withServer<Result>(
        _ configuration: ServerConfiguration = ServerConfiguration(),
        _ body: (_ baseURL: String) async throws -> Result
    ) async throws -> Result {
        let server = try start(configuration)
        defer { server.stop() }
        return try await body(server.baseURL)
    }

    private init(configuration: ServerConfiguration, logger: Logger, accessLog: AccessLog?) throws(ServerStartError) {
        self.configuration = configuration
        self.accessLog = accessLog
        self.host = configuration.host
        try configuration.validate()
        SystemLimits.raiseOpenFileLimit()
        SystemLimits.ignoreBrokenPipes()
        var address = try SocketAddress.resolve(configuration.host, port: configuration.port)
        if let error = address.bindError() {
            let reason = switch error {
            case EADDRINUSE: "port \(configuration.port) is already in use (another server, perhaps one left running, listens there)"
            case EADDRNOTAVAIL: "\(configuration.host) is not an address of this machine (\(String(cString: strerror(error))))"
            case EACCES: "not permitted (ports below 1024 need privileges: pick another, or 0 for a free one)"
            default: String(cString: strerror(error))
            }
            throw ServerStartError(message: "cannot listen on \(address.display(port: configuration.port)): \(reason)")
        }
        let tlsMaterial = configuration.tls.map { TLSMaterial($0, clientAuthorities: configuration.tlsClientCA) }
        var started: [DaemonHandle] = []
        var trampolines: [LogTrampoline] = []
        var engines: [Engine] = []
        var boundPort = 0
        let services = RouteServices.system(configuration)
        for index in 0..<configuration.threads {
            if index > 0 { address.port = boundPort }
            let engine = Engine(
                router: Router(configuration: configuration, services: services), logger: logger, journal: services.journal,
                accessLog: accessLog)
            engines.append(engine)
            let trampoline = LogTrampoline(logger: logger)
            trampolines.append(trampoline)
            guard
                let daemon = Self.startDaemon(
                    engine: engine, address: address, reusePort: configuration.threads > 1, trampoline: trampoline, tls: tlsMaterial)
            else {
                for daemon in started { MHD_stop_daemon(daemon.pointer) }
                if tlsMaterial != nil {
                    throw ServerStartError(message: "cannot serve HTTPS on \(address.display(port: configuration.port)): the address is in use, or the certificate and key do not load or do not match\(configuration.tlsClientCA == nil ? "" : ", or the client CA (--tls-client-ca) is not PEM certificates")")
                }
                throw ServerStartError(message: "cannot listen on \(address.display(port: configuration.port)): the address is in use, not local, or not permitted")
            }
            started.append(DaemonHandle(pointer: daemon))
            if index == 0 { boundPort = Int(httpbun_daemon_port(daemon)) }
        }
        self.port = boundPort
        self.journal = services.journal
        self.engines = engines
        self.daemons = Mutex(started)
        self.logTrampolines = trampolines
        self.tlsMaterial = tlsMaterial
        // The prefix is part of the base, so `baseURL + "/get"` reaches a route whatever it is.
        self.baseURL = (tlsMaterial == nil ? "http://" : "https://") + address.urlHost + ":\(boundPort)" + configuration.normalizedPathPrefix
        self.listensOnAllInterfaces = address.isWildcard
        for engine in engines { engine.authority.withLock { $0 = address.urlHost + ":\(boundPort)" } }
    }

    deinit { stop() }

    /// Stops accepting, lets requests in flight finish for at most the configuration's
    /// `drainTimeout` (none by default), then ends the rest: a delayed answer that is not yet due
    /// is never sent, and a stream is cut so that the client sees it incomplete. Returns when every
    /// MHD thread has exited. Safe to call more than once.
    public func stop() { stop(drainingFor: configuration.drainTimeout) }

    /// `stop()`, with requests in flight given `drainTimeout` to finish; their answers close their
    /// connections.
    ///
    /// ```swift
    /// server.stop(drainingFor: .seconds(5))   // a /delay/2 in flight still gets its answer
    /// ```
    public func stop(drainingFor drainTimeout: Duration) {
        let stopping = daemons.withLock { daemons in
            defer { daemons.removeAll() }
            return daemons
        }
        guard !stopping.isEmpty else { return }
        // No MHD_quiesce_daemon, even to drain: in 0.9.75 it races with the daemon's own thread,
        // whose second removal of the listening socket from epoll fails and aborts the process
        // ("Failed to remove listen FD from epoll set", docs/libmicrohttpd.md). A draining engine
        // turns every new connection away at accept instead (the accept-policy callback), and
        // MHD_stop_daemon closes the listening socket itself.
        if drainTimeout > .zero {
            for engine in engines { engine.beginDraining() }
        }
        // A WebSocket never finishes by itself: each is told the server is going (1001) and given
        // back to libmicrohttpd now. MHD_stop_daemon would free the handles of those still open
        // (0.9.75 logs "upgraded connection was not closed") while a hub could still use them.
        for engine in engines { engine.webSockets.stop() }
        if drainTimeout > .zero {
            let drained = ContinuousClock.now + drainTimeout
            while liveRequests > 0 && ContinuousClock.now < drained { usleep(2_000) }
        }
        let deadline = ContinuousClock.now + .seconds(2)
        for engine in engines { engine.beginStopping(waitingAtMost: max(.zero, deadline - .now)) }
        // Its entries stay readable; its streams end, so a test's `for await` over them returns.
        journal?.finish()
        for daemon in stopping { MHD_stop_daemon(daemon.pointer) }
        // Every request has ended now, so every line is written.
        accessLog?.flush()
        withExtendedLifetime(logTrampolines) {}
    }

    /// Connections open right now, over every thread.
    public var openConnections: Int {
        daemons.withLock { daemons in daemons.reduce(0) { $0 + Int(httpbun_daemon_connections($1.pointer)) } }
    }

    /// A stop is letting requests in flight finish (`stop(drainingFor:)`).
    var isDraining: Bool { engines.contains { $0.isDraining } }

    /// Upgraded connections (`/websocket/echo`) open right now.
    var openWebSockets: Int { engines.reduce(0) { $0 + $1.webSockets.openCount } }

    /// Requests parked right now (in a delay, or between stream chunks).
    public var suspendedRequests: Int { engines.reduce(0) { $0 + $1.suspendedCount } }

    /// Requests whose state is held right now (in flight, waiting or streaming); 0 after `stop()`.
    public var liveRequests: Int { engines.reduce(0) { $0 + $1.liveExchanges.current } }

    private static func startDaemon(
        engine: Engine, address: SocketAddress, reusePort: Bool, trampoline: LogTrampoline, tls: TLSMaterial?
    ) -> OpaquePointer? {
        let configuration = engine.configuration
        var flags =
            MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_ALLOW_UPGRADE.rawValue | MHD_USE_ERROR_LOG.rawValue
        if tls != nil { flags |= MHD_USE_TLS.rawValue }
        if address.isIPv6 {
            flags |= address.isWildcard ? MHD_USE_DUAL_STACK.rawValue : MHD_USE_IPv6.rawValue
        }
        let engineContext = Unmanaged.passUnretained(engine).toOpaque()
        return address.withSockaddr { sockaddr in
            var settings = httpbun_daemon_settings(
                flags: UInt32(flags),
                address: sockaddr,
                connection_limit: UInt32(configuration.connectionLimit),
                connection_timeout: UInt32(configuration.idleTimeout),
                memory_limit: configuration.connectionMemoryLimit,
                memory_increment: 1024,
                listen_backlog: 4096,
                reuse_address: reusePort ? 1 : 0,
                tls_key_pem: tls?.key,
                tls_cert_pem: tls?.certificate,
                tls_trust_pem: tls?.clientAuthorities)
            return httpbun_start_daemon(
                &settings,
                { cls, connection, _, method, version, uploadData, uploadSize, context in
                    guard let state = context?.pointee else { return .NO }
                    // Guaranteed references: MHD keeps both alive for the call, and taking them
                    // retained cost a retain and a release of each on every call.
                    return Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef { engine in
                        Unmanaged<Exchange>.fromOpaque(state)._withUnsafeGuaranteedRef { exchange in
                            engine.handle(
                                connection!, exchange: exchange, method: method, version: version, uploadData: uploadData,
                                uploadSize: uploadSize!)
                        }
                    }
                },
                engineContext,
                { cls, connection, context, termination in
                    // The request is over (answered, failed, or the daemon stops): end it and let go.
                    guard let context, let pointer = context.pointee else { return }
                    let exchange = Unmanaged<Exchange>.fromOpaque(pointer)
                    exchange._withUnsafeGuaranteedRef { exchange in
                        if let connection {
                            Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef {
                                $0.requestCompleted(connection, termination, exchange: exchange)
                            }
                        }
                        exchange.end()
                    }
                    exchange.release()
                    context.pointee = nil
                },
                engineContext,
                { cls, uri, connection in
                    // Called with the raw request target before anything else; its result becomes
                    // `*con_cls`, retained, so it lives until `completed` whichever MHD ends first,
                    // the request or its connection.
                    let target = uri.map { String(cString: $0) } ?? "/"
                    if let uri { httpbun_hide_query_from_mhd(uri) }
                    let exchange =
                        connection.flatMap { httpbun_socket_context($0) }.map {
                            Unmanaged<ConnectionState>.fromOpaque($0)._withUnsafeGuaranteedRef { $0.exchangeForNextRequest() }
                        }
                        ?? Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef {
                            Exchange(remoteAddress: "", liveCount: $0.liveExchanges)
                        }
                    let timed = Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef { $0.accessLog != nil }
                    exchange.begin(target: target, timed: timed)
                    return Unmanaged.passRetained(exchange).toOpaque()
                },
                engineContext,
                { cls, connection, socketContext, event in
                    // A connection opens or closes: what its requests share is made once, not per request.
                    guard let connection, let socketContext else { return }
                    if event == .CONNECTION_NOTIFY_STARTED {
                        let state = Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef {
                            ConnectionState(
                                remoteAddress: Engine.clientAddress(connection), socket: httpbun_connection_fd(connection),
                                liveCount: $0.liveExchanges)
                        }
                        socketContext.pointee = Unmanaged.passRetained(state).toOpaque()
                    } else if let pointer = socketContext.pointee {
                        Unmanaged<ConnectionState>.fromOpaque(pointer).release()
                        socketContext.pointee = nil
                    }
                },
                engineContext,
                { cls, _, _ in
                    // A draining server takes no new client: libmicrohttpd closes the connection.
                    Unmanaged<Engine>.fromOpaque(cls!)._withUnsafeGuaranteedRef { $0.isDraining } ? .NO : .YES
                },
                engineContext,
                trampoline.pointer)
        }
    }
}

/// The PEM text of a `TLSIdentity` as C strings with a stable address, for MHD.
final class TLSMaterial: @unchecked Sendable {
    let key: UnsafeMutablePointer<CChar>
    let certificate: UnsafeMutablePointer<CChar>
    /// The authorities whose client certificates are asked for (`ServerConfiguration.tlsClientCA`), or nil.
    let clientAuthorities: UnsafeMutablePointer<CChar>?

    init(_ identity: TLSIdentity, clientAuthorities: String?) {
        key = strdup(identity.privateKeyPEM)
        certificate = strdup(identity.certificateChainPEM)
        self.clientAuthorities = clientAuthorities.map { strdup($0) }
    }

    deinit {
        // Wipe the key before handing the memory back.
        memset(key, 0, strlen(key))
        free(key)
        free(certificate)
        free(clientAuthorities)
    }
}

/// Carries MHD's diagnostics to the logger; MHD keeps a pointer to it while the daemon runs.
final class LogTrampoline: @unchecked Sendable {
    let logger: Logger
    let pointer: UnsafeMutablePointer<httpbun_log_trampoline>

    init(logger: Logger) {
        self.logger = logger
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: httpbun_log_trampoline(
            callback: { cls, message in
                let trampoline = Unmanaged<LogTrampoline>.fromOpaque(cls!).takeUnretainedValue()
                let text = String(cString: message!)
                // 0.9.75 says the first even when the logger is the first option (systemd's logs show it
                // too); the second follows every deliberate close (/fault/close, an endless upload).
                if text.hasPrefix("MHD_OPTION_EXTERNAL_LOGGER is not the first option")
                    || text.hasPrefix("Application reported internal error, closing connection")
                {
                    trampoline.logger.debug("libmicrohttpd: \(text)")
                } else {
                    trampoline.logger.warning("libmicrohttpd: \(text)")
                }
            }, cls: nil))
        pointer.pointee.cls = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { pointer.deallocate() }
}
