import CMicroHTTPD
import Logging
import Synchronization
import WebSocket

#if canImport(Glibc)
    import Glibc
#endif

/// An upgraded connection as libmicrohttpd hands it over: its handle (for `MHD_upgrade_action`),
/// the socket it lends us, and the bytes it had already read past the handshake.
struct UpgradedSocket: @unchecked Sendable {
    let handle: OpaquePointer
    let socket: Int32
    let earlyBytes: [UInt8]
    let limits: WebSocketLimits
    /// Who it is, for the log: the client's address.
    let peer: String
}

/// Serves every upgraded connection of one daemon on a thread of its own, started with the first
/// upgrade: one epoll loop, non-blocking sockets, each connection's protocol a `WebSocketSession`.
///
/// libmicrohttpd stops watching a socket once it is upgraded: no idle timeout, no event, and its
/// daemon thread must not block in the upgrade handler. A thread per connection would hold a stack
/// each for as long as a client likes; one loop holds none, and reads, writes and timers never
/// wait on each other. The connection still counts against MHD's connection limit until it is
/// given back (`httpbun_upgrade_close`), which every path here ends with.
final class WebSocketHub: Sendable {
    /// How long an open connection may go without a byte from its client (nil: no limit).
    let idleTimeout: Duration?
    /// How long a connection may live at all (go-httpbin's `MaxDuration`; nil: no limit).
    let lifetime: Duration?
    private let logger: Logger
    private let logsConnections: Bool

    private struct Shared {
        var loop: LoopHandles?
        var arrivals: [UpgradedSocket] = []
        var stopping = false
    }

    /// The loop's thread and descriptors, made with the first upgrade.
    private struct LoopHandles: Sendable {
        let thread: pthread_t
        let epoll: Int32
        let wake: Int32
    }

    private let shared = Mutex(Shared())
    /// Upgraded connections not yet given back to libmicrohttpd.
    private let held = Atomic<Int>(0)

    init(idleTimeout: Duration?, lifetime: Duration?, logger: Logger) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        self.logger = logger
        self.logsConnections = logger.logLevel <= .info
    }

    /// Connections upgraded and not yet given back.
    var openCount: Int { held.load(ordering: .relaxed) }

    /// False once `stop` began: an upgrade then gets a refusal, not a 101.
    var isAccepting: Bool { shared.withLock { !$0.stopping } }

    /// Takes an upgraded connection (from the upgrade handler, on the daemon thread: never blocks).
    /// When the hub is stopping, or its thread cannot start, the connection goes straight back.
    func adopt(_ upgraded: UpgradedSocket) {
        let wake: Int32? = shared.withLock { state in
            guard !state.stopping, let loop = state.loop ?? startLoop() else { return nil }
            state.loop = loop
            state.arrivals.append(upgraded)
            held.add(1, ordering: .relaxed)
            return loop.wake
        }
        guard let wake else {
            _ = httpbun_upgrade_close(upgraded.handle)
            return
        }
        httpbun_wake_signal(wake)
    }

    /// Sends every open connection a 1001 close frame, gives each back to libmicrohttpd after at most
    /// a quarter of a second for the clients' answers, and ends the thread. Returns when it has
    /// ended: no handle libmicrohttpd gave us is touched after this, so the daemon may stop.
    func stop() {
        let loop: LoopHandles? = shared.withLock { state in
            state.stopping = true
            return state.loop
        }
        guard let loop else { return }
        httpbun_wake_signal(loop.wake)
        pthread_join(loop.thread, nil)
        close(loop.epoll)
        close(loop.wake)
        shared.withLock { $0.loop = nil }
    }

    private func startLoop() -> LoopHandles? {
        let epoll = httpbun_epoll_create()
        let wake = httpbun_wake_create()
        guard epoll >= 0, wake >= 0, httpbun_epoll_control(epoll, 1, 0, wake, httpbun_epoll_in, Self.wakeToken) == 0 else {
            if epoll >= 0 { close(epoll) }
            if wake >= 0 { close(wake) }
            logger.error("websocket: cannot start the connection loop: errno \(errno)")
            return nil
        }
        let start = Unmanaged.passRetained(LoopStart(hub: self, epoll: epoll, wake: wake))
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let start = Unmanaged<LoopStart>.fromOpaque(argument!).takeRetainedValue()
            start.hub.run(epoll: start.epoll, wake: start.wake)
            return nil
        }, start.toOpaque())
        guard created == 0 else {
            start.release()
            close(epoll)
            close(wake)
            logger.error("websocket: cannot start the connection loop's thread: error \(created)")
            return nil
        }
        return LoopHandles(thread: thread, epoll: epoll, wake: wake)
    }

    /// What the new thread needs, passed through pthread's one pointer.
    private final class LoopStart: Sendable {
        let hub: WebSocketHub
        let epoll: Int32
        let wake: Int32
        init(hub: WebSocketHub, epoll: Int32, wake: Int32) {
            self.hub = hub
            self.epoll = epoll
            self.wake = wake
        }
    }

    // MARK: The loop (its own thread; the connections are its alone)

    private static let wakeToken: UInt64 = 0
    /// How long a closing connection may take to write its close frame and hear the client's answer.
    static let closingGrace: Duration = .seconds(2)

    private func run(epoll: Int32, wake: Int32) {
        var connections: [UInt64: WebSocketConnection] = [:]
        /// Connections with a deadline (closing or lingering): checked on every pass, not once a second.
        var closing = Set<UInt64>()
        var nextToken: UInt64 = 1
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var tokens = [UInt64](repeating: 0, count: 64)
        var events = [UInt32](repeating: 0, count: 64)
        var nextSweep = ContinuousClock.now + .seconds(1)

        /// Gives the connection back to libmicrohttpd, which closes its socket.
        func release(_ token: UInt64) {
            guard let connection = connections.removeValue(forKey: token) else { return }
            closing.remove(token)
            _ = httpbun_epoll_control(epoll, 0, 1, connection.socket, 0, token)
            _ = httpbun_upgrade_close(connection.upgraded.handle)
            held.subtract(1, ordering: .relaxed)
            if logsConnections { logger.info("\(connection.summary)", metadata: ["peer": "\(connection.upgraded.peer)"]) }
        }

        /// After the connection did something: gone, or watched for what it waits for now.
        func settle(_ token: UInt64, _ connection: WebSocketConnection) {
            if connection.phase == .finished { return release(token) }
            if connection.deadline != nil { closing.insert(token) }
            let wanted = connection.wantsToWrite ? httpbun_epoll_out : httpbun_epoll_in
            if wanted != connection.watching {
                connection.watching = wanted
                _ = httpbun_epoll_control(epoll, 0, 0, connection.socket, wanted, token)
            }
        }

        while true {
            let count = tokens.withUnsafeMutableBufferPointer { tokens in
                events.withUnsafeMutableBufferPointer { events in
                    httpbun_epoll_wait(epoll, tokens.baseAddress, events.baseAddress, Int32(tokens.count), closing.isEmpty ? 1000 : 50)
                }
            }
            for index in 0..<max(0, Int(count)) {
                let token = tokens[index]
                if token == Self.wakeToken {
                    httpbun_wake_clear(wake)
                    let (arrivals, stopping) = shared.withLock { state in
                        defer { state.arrivals.removeAll() }
                        return (state.arrivals, state.stopping)
                    }
                    for upgraded in arrivals {
                        let connection = WebSocketConnection(upgraded)
                        let token = nextToken
                        nextToken += 1
                        connections[token] = connection
                        if httpbun_epoll_control(epoll, 1, 0, upgraded.socket, httpbun_epoll_in, token) == 0 {
                            connection.watching = httpbun_epoll_in
                            connection.receiveEarlyBytes()
                        } else {
                            connection.abandon("cannot watch the socket: errno \(errno)")
                        }
                        settle(token, connection)
                    }
                    if stopping {
                        shutDown(Array(connections.values), buffer: &buffer)
                        for token in Array(connections.keys) { release(token) }
                        return
                    }
                    continue
                }
                guard let connection = connections[token] else { continue }
                if events[index] & httpbun_epoll_out != 0 || connection.wantsToWrite {
                    connection.flush()
                } else {
                    buffer.withUnsafeMutableBufferPointer { connection.read(into: $0) }
                }
                settle(token, connection)
            }
            let now = ContinuousClock.now
            for token in Array(closing) {
                guard let connection = connections[token] else { continue }
                connection.endIfOverdue(at: now)
                settle(token, connection)
            }
            if now >= nextSweep {
                nextSweep = now + .seconds(1)
                for (token, connection) in connections {
                    guard let reason = connection.expiry(at: now, idleTimeout: idleTimeout, lifetime: lifetime) else { continue }
                    connection.close(code: WebSocketCloseCode.goingAway, reason: reason, grace: Self.closingGrace)
                    settle(token, connection)
                }
            }
        }
    }

    /// The server stops: every connection is told so (1001) and given a moment to answer; the
    /// caller then releases them all, answered or not.
    private func shutDown(_ connections: [WebSocketConnection], buffer: inout [UInt8]) {
        let grace: Duration = .milliseconds(250)
        let deadline = ContinuousClock.now + grace
        for connection in connections {
            connection.close(code: WebSocketCloseCode.goingAway, reason: "server stopping", grace: grace)
        }
        // Polling, not the epoll set: what is left is a flush, a FIN and a read of each client's
        // close frame, and all of it must end by the deadline.
        while ContinuousClock.now < deadline && connections.contains(where: { $0.phase != .finished }) {
            for connection in connections where connection.phase != .finished {
                if connection.wantsToWrite {
                    connection.flush()
                } else {
                    buffer.withUnsafeMutableBufferPointer { connection.read(into: $0) }
                }
            }
            usleep(2_000)
        }
    }
}

/// One upgraded connection on the hub's thread: its session, what waits to be written, and where
/// its close has got to. Touched by that thread only.
final class WebSocketConnection {
    enum Phase: Equatable {
        /// Echoing.
        case open
        /// The close frame is queued; the write side shuts once it is written.
        case closing
        /// Close frame written and FIN sent: reading (and dropping) until the client closes too, so
        /// that unread bytes do not turn our close into a reset that could destroy the close frame.
        case lingering
        /// Done: to be given back to libmicrohttpd.
        case finished
    }

    let upgraded: UpgradedSocket
    var socket: Int32 { upgraded.socket }
    private var session: WebSocketSession
    private var outbox: [UInt8] = []
    private var written = 0
    private(set) var phase = Phase.open
    /// When a closing or lingering connection is released whatever the client does.
    private(set) var deadline: ContinuousClock.Instant?
    private let opened = ContinuousClock.now
    private var lastHeard = ContinuousClock.now
    /// The epoll events the hub watches this socket for now.
    var watching: UInt32 = 0
    /// Why the connection ended, for the log, when no close frame says it.
    private var ending = ""

    init(_ upgraded: UpgradedSocket) {
        self.upgraded = upgraded
        self.session = WebSocketSession(limits: upgraded.limits)
    }

    var wantsToWrite: Bool { written < outbox.count }

    var summary: String {
        let sent = session.sentCloseCode.map { "sent \($0)" } ?? "sent no close"
        let received = session.receivedCloseCode.map { "received \($0)" } ?? "received no close"
        let reason = ending.isEmpty ? "" : ", \(ending)"
        return "websocket \(upgraded.peer) closed: \(sent), \(received), \(session.messagesEchoed) messages echoed\(reason)"
    }

    /// What libmicrohttpd read past the handshake (a client that sent frames without waiting for
    /// the 101) comes first.
    func receiveEarlyBytes() {
        guard !upgraded.earlyBytes.isEmpty else { return }
        upgraded.earlyBytes.withUnsafeBufferPointer { take(session.receive($0)) }
        flush()
    }

    /// One read: echoes what it completes, or ends the connection on end of stream or an error.
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let count = recv(socket, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if count > 0 {
            lastHeard = .now
            // Once our close frame is queued the session takes nothing more: the bytes are dropped.
            if phase == .open { take(session.receive(UnsafeBufferPointer(rebasing: buffer[..<count]))) }
            if wantsToWrite { flush() }
        } else if count == 0 {
            if phase == .open { ending = "client ended the stream without a close frame" }
            phase = .finished
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            ending = "socket error \(errno)"
            phase = .finished
        }
    }

    /// Writes what it can without blocking; once the close frame is out, shuts the write side.
    func flush() {
        while written < outbox.count {
            let count = outbox.withUnsafeBytes { bytes in
                send(socket, bytes.baseAddress! + written, bytes.count - written, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if count > 0 {
                written += count
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return
            } else {
                ending = "socket error \(errno) while writing"
                phase = .finished
                return
            }
        }
        outbox.removeAll(keepingCapacity: outbox.capacity <= 64 * 1024)
        written = 0
        if phase == .closing {
            httpbun_socket_shutdown_write(socket)
            phase = .lingering
        }
    }

    /// The server ends the connection: a close frame, then the same path as any close.
    func close(code: UInt16, reason: String, grace: Duration) {
        guard phase == .open else { return }
        if !reason.isEmpty { ending = reason }
        take(session.close(code: code, reason: reason))
        deadline = .now + grace
        flush()
    }

    /// Why an open connection must be closed now (idle too long, or lived too long), if it must.
    func expiry(at now: ContinuousClock.Instant, idleTimeout: Duration?, lifetime: Duration?) -> String? {
        guard phase == .open else { return nil }
        if let lifetime, now - opened >= lifetime { return "open for the longest allowed (\(lifetime), --max-duration)" }
        if let idleTimeout, now - lastHeard >= idleTimeout { return "idle for \(idleTimeout) (--idle-timeout)" }
        return nil
    }

    /// A closing connection whose grace is over ends, whether or not its client answered.
    func endIfOverdue(at now: ContinuousClock.Instant) {
        if let deadline, now >= deadline, phase != .finished {
            if phase == .closing { ending = "close frame not written within the grace period" }
            phase = .finished
        }
    }

    /// Ends the connection at once, with no close frame.
    func abandon(_ reason: String) {
        ending = reason
        phase = .finished
    }

    private func take(_ output: WebSocketOutput) {
        outbox += output.bytes
        if output.closing && phase == .open {
            phase = .closing
            if deadline == nil { deadline = .now + WebSocketHub.closingGrace }
        }
    }
}
