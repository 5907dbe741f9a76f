import HTTPBunCore
import CMicroHTTPD
import Dispatch
import Logging
import Synchronization
import WebSocket

#if canImport(Glibc)
    import Glibc
#endif

/// A libmicrohttpd daemon handle; only the engine uses it, on the threads MHD allows.
struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// The bridge between libmicrohttpd and the router: MHD's callbacks land here, requests become
/// `Request` values, and `Response` values become MHD responses. Slow responses suspend their
/// connection and a timer resumes it, so a waiting request holds no thread.
final class Engine: Sendable {
    let router: Router
    let configuration: ServerConfiguration
    let logger: Logger
    /// Where each request's line goes when it ends; nil when nothing logs them.
    let accessLog: AccessLog?
    /// Plain HTTP: a peek at the socket tells whether the client has half-closed. Under TLS the
    /// socket holds records (a close_notify comes before the FIN) and GnuTLS may hold decrypted
    /// bytes the peek cannot see, so a half-close is left to libmicrohttpd and the idle timeout.
    private let watchesHalfClose: Bool
    /// Stopping with a drain: in-flight requests finish, and every answer closes its connection.
    private let draining = Atomic<Bool>(false)
    /// `host:port` as clients reach us, for URLs when a request has no `Host`.
    let authority: Mutex<String>
    /// Requests whose state MHD holds right now.
    let liveExchanges = LiveCount()
    /// Where answered requests are recorded (`/_journal`); nil when the journal is off.
    let journal: RequestJournal?
    /// This daemon's upgraded connections (`/websocket/echo`).
    let webSockets: WebSocketHub

    private struct Suspensions {
        var stopping = false
        var nextToken: UInt64 = 0
        /// Suspended connections by token; a timer resumes a token at most once.
        var pending: [UInt64: DaemonHandle] = [:]
        /// Suspended, or resumed but not yet called back by their daemon thread. A resume only
        /// raises a flag that the daemon loop acts on later, so stop must wait for this to reach 0.
        var parked = 0
    }

    private let suspensions = Mutex(Suspensions())
    private let timers = DispatchQueue(label: "httpbun.timers")

    init(router: Router, logger: Logger, journal: RequestJournal? = nil, accessLog: AccessLog? = nil) {
        self.router = router
        self.journal = journal
        self.configuration = router.configuration
        self.logger = logger
        self.accessLog = accessLog
        self.watchesHalfClose = router.configuration.tls == nil
        self.authority = Mutex("\(router.configuration.host):\(router.configuration.port)")
        // libmicrohttpd times out no upgraded connection: the hub applies the idle timeout, and
        // --max-duration as go-httpbin bounds a WebSocket's life.
        let configuration = router.configuration
        self.webSockets = WebSocketHub(
            idleTimeout: configuration.idleTimeout > 0 ? .seconds(configuration.idleTimeout) : nil,
            lifetime: configuration.maxDuration > .zero ? configuration.maxDuration : nil, logger: logger)
    }

    var isStopping: Bool { suspensions.withLock { $0.stopping } }

    /// From now on every answer carries `Connection: close`: the server is draining to stop.
    func beginDraining() { draining.store(true, ordering: .relaxed) }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    var suspendedCount: Int { suspensions.withLock { $0.pending.count } }

    // MARK: Suspension

    /// Suspends `connection` (only from an MHD callback on its thread) and resumes it after
    /// `duration`. Returns false, without suspending, when the server is stopping.
    @discardableResult
    func suspend(_ connection: OpaquePointer, for duration: Duration) -> Bool {
        suspendResumable(connection, for: duration) != nil
    }

    /// `suspend`, returning the token that `resume(_:)` takes to wake the connection before
    /// `duration` is over; nil when stopping.
    private func suspendResumable(_ connection: OpaquePointer, for duration: Duration) -> UInt64? {
        let token: UInt64? = suspensions.withLock { state in
            guard !state.stopping else { return nil }
            state.nextToken += 1
            state.pending[state.nextToken] = DaemonHandle(pointer: connection)
            state.parked += 1
            MHD_suspend_connection(connection)
            return state.nextToken
        }
        guard let token else { return nil }
        let nanoseconds = max(0, duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        timers.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            resume(token)
        }
        return token
    }

    private func resume(_ token: UInt64) {
        suspensions.withLock { state in
            if let handle = state.pending.removeValue(forKey: token) {
                MHD_resume_connection(handle.pointer)
            }
        }
    }

    /// A parked request's daemon thread has called back after its resume.
    func unpark() {
        suspensions.withLock { $0.parked -= 1 }
    }

    /// Refuses new suspensions, resumes every suspended connection, and waits (at most `limit`)
    /// until their daemon threads have taken them back. `MHD_stop_daemon` aborts the process if a
    /// connection is still suspended, and leaks one whose resume it has not processed yet.
    func beginStopping(waitingAtMost limit: Duration = .seconds(2)) {
        suspensions.withLock { state in
            state.stopping = true
            for handle in state.pending.values { MHD_resume_connection(handle.pointer) }
            state.pending.removeAll()
        }
        let deadline = ContinuousClock.now + limit
        while suspensions.withLock({ $0.parked }) > 0 && ContinuousClock.now < deadline {
            usleep(500)
        }
    }

    // MARK: Requests

    /// MHD's access handler, called on the daemon thread: first with headers, then once per body
    /// chunk, then with no data; again after each resume.
    func handle(
        _ connection: OpaquePointer, exchange: Exchange, method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?,
        uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>
    ) -> MHD_Result {
        switch exchange.phase {
        case .new:
            exchange.method = method.map { WireText.method($0) } ?? "GET"
            exchange.phase = .receiving
            // Answering here would force `Connection: close` (MHD 0.9.75), so only refuse what is
            // malformed, too big or framed ambiguously; each refusal closes the connection, so bytes
            // that a lenient reading would take for a body can never be read as the next request.
            // Headers are complete at the first call: read them once, for the checks here and the request.
            let headerSize = httpbun_request_header_size(connection)
            let (headers, problem, userAgent) = readHeaders(connection, requestLine: method, headerSize: headerSize)
            exchange.headers = headers
            exchange.userAgent = userAgent
            if let accessLog, accessLog.includesHeaders { exchange.loggedHeaders = headers }
            if let problem {
                return refuse(.error(400, problem), on: connection, exchange: exchange)
            }
            let (contentLengths, transferEncodings) = exchange.headers.values(for: "Content-Length", "Transfer-Encoding")
            // The version matters only with a Transfer-Encoding: made into a string only then.
            if let refusal = RequestFraming.refusal(
                contentLengths: contentLengths, transferEncodings: transferEncodings,
                version: transferEncodings.isEmpty ? "HTTP/1.1" : version.map { WireText.version($0) } ?? "HTTP/1.1")
            {
                return refuse(.error(refusal.status, refusal.message), on: connection, exchange: exchange)
            }
            let announced = contentLengths.first.flatMap({ Int($0) })
            if (announced ?? 0) > 0 || !transferEncodings.isEmpty,
                router.discardsBody(method: exchange.method, path: Self.path(of: exchange.target))
            {
                exchange.discardsBody = true
                exchange.receiveStarted = .now
            }
            if let length = announced {
                if length > exchange.bodyLimit(configuration) {
                    return refuse(tooLarge(length, exchange), on: connection, exchange: exchange)
                }
                // Only a first slice: a client may announce 16 MiB and send nothing, on every connection.
                if !exchange.discardsBody { exchange.body.reserveCapacity(min(length, 64 * 1024)) }
                exchange.announcedLength = length
            }
            // What this request takes of the connection's bytes once it is read (`requestCompleted`).
            exchange.consumedBytes += headerSize + (exchange.announcedLength ?? 0)
            if !transferEncodings.isEmpty { exchange.consumedBytesExact = false }
            if (exchange.announcedLength ?? 0) > 0 || !transferEncodings.isEmpty {
                // The body may still be in libmicrohttpd's buffer, so a half-closed client's request
                // can still complete: give it a second, not the idle timeout.
                shortenTimeoutIfHalfClosed(connection, exchange)
            }
            return .YES
        case .receiving:
            if uploadSize.pointee > 0 {
                let count = uploadSize.pointee
                uploadSize.pointee = 0
                let limit = exchange.bodyLimit(configuration)
                if exchange.bodyTooLarge || exchange.bodyBytesReceived + count > limit {
                    exchange.bodyTooLarge = true
                    exchange.discardedBytes += count
                    exchange.body = []
                    // A chunked upload that goes on and on: stop reading it.
                    return exchange.discardedBytes > 4 * limit ? .NO : .YES
                }
                if exchange.discardsBody {
                    exchange.receivedBytes += count
                } else if let announced = exchange.announcedLength, exchange.body.count + count > exchange.body.capacity {
                    // Double, as the array would, but never past the announced length: the last step
                    // then lands on the body's size rather than twice it, and a client that announces
                    // 16 MiB and stalls holds only about what it sent (hardening/announced-bodies.py).
                    exchange.body.reserveCapacity(min(announced, max(exchange.body.capacity * 2, exchange.body.count + count)))
                }
                if !exchange.discardsBody {
                    uploadData!.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                        exchange.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                    }
                }
                if let announced = exchange.announcedLength {
                    // libmicrohttpd hands over every body byte it holds in one call, so a body still
                    // short of its length after the client's FIN can never complete: close now.
                    if exchange.bodyBytesReceived < announced && watchesHalfClose && httpbun_socket_peer_closed(exchange.socket) != 0 {
                        exchange.phase = .sent
                        exchange.unansweredReason = "client closed before its body was complete"
                        return .NO
                    }
                } else {
                    // Chunked: more chunks may wait in libmicrohttpd's buffer.
                    shortenTimeoutIfHalfClosed(connection, exchange)
                }
                return .YES
            }
            if exchange.bodyTooLarge {
                return refuse(tooLarge(nil, exchange), on: connection, exchange: exchange)
            }
            let request = makeRequest(connection, exchange: exchange, version: version)
            // The journal records the body with the answer; otherwise the request owns it alone.
            if journal == nil { exchange.body = [] }
            let response = router.respond(to: request)
            if case .awaiting(let pending) = response.body {
                return park(pending, response, connection: connection, exchange: exchange)
            }
            if response.delay > .zero {
                exchange.answerDue = ContinuousClock.now + response.delay
                guard suspend(connection, for: response.delay) else {
                    // Stopping: the wait cannot be kept, and answering early would be a lie.
                    exchange.phase = .sent
                    exchange.unansweredReason = "server stopping before the answer was due"
                    return .NO
                }
                exchange.phase = .waiting(response)
                return .YES
            }
            exchange.phase = .sent
            return queue(response, on: connection, exchange: exchange)
        case .waiting(let response):
            unpark()
            exchange.phase = .sent
            if case .awaiting(let pending) = response.body {
                // A stop resumes every parked request: a long-poll is closed, not answered early.
                guard !isStopping else {
                    pending.cancel()
                    exchange.unansweredReason = "server stopping before the answer was ready"
                    return .NO
                }
                // The parked response carries what the flavor adds to every answer (CORS, X-Powered-By).
                var answer = pending.answer()
                for field in response.headers where !answer.headers.contains(field.name) { answer.headers.add(field.name, field.value) }
                return queue(answer, on: connection, exchange: exchange)
            }
            // A stop resumes every parked request at once; one whose wait is not over is closed
            // without an answer rather than answered early.
            if let due = exchange.answerDue, ContinuousClock.now < due, isStopping {
                exchange.unansweredReason = "server stopping before the answer was due"
                return .NO
            }
            return queue(response, on: connection, exchange: exchange)
        case .sent:
            return .YES
        }
    }

    /// Parks a request whose answer waits for an event (a long-poll): its connection is resumed
    /// by the pending answer's wake-up or by the timer at its timeout, whichever comes first; the
    /// token makes the second a no-op.
    private func park(_ pending: any PendingResponse, _ response: Response, connection: OpaquePointer, exchange: Exchange) -> MHD_Result {
        guard let token = suspendResumable(connection, for: pending.timeout) else {
            exchange.phase = .sent
            exchange.unansweredReason = "server stopping before the answer was ready"
            return .NO
        }
        exchange.phase = .waiting(response)
        pending.notify { [self] in resume(token) }
        return .YES
    }

    /// Answers a request refused before (or while) its body is read, and closes the connection
    /// after it, so no byte of that body is read as the next request.
    private func refuse(_ response: Response, on connection: OpaquePointer, exchange: Exchange) -> MHD_Result {
        exchange.phase = .sent
        return queue(response, on: connection, exchange: exchange, closing: true)
    }

    /// A client that has half-closed has sent all it will: its connection gets a one-second timeout
    /// instead of the idle timeout, so a request it cut short is closed soon.
    private func shortenTimeoutIfHalfClosed(_ connection: OpaquePointer, _ exchange: Exchange) {
        if watchesHalfClose && httpbun_socket_peer_closed(exchange.socket) != 0 {
            httpbun_set_connection_timeout(connection, 1)
        }
    }

    /// The request is over (MHD's completion callback, before `exchange.end()`): a client that
    /// half-closed after it is closed now, where 0.9.75's epoll loop would hold it for the idle
    /// timeout. That loop misses a FIN that arrives in the same read as the request (a short read
    /// clears its read-ready flag), and `shutdown` makes epoll report the socket.
    ///
    /// A peek at the socket cannot see what libmicrohttpd has already read: a pipelined request may
    /// wait in its buffer, and closing would lose its answer. So the socket is shut only when every
    /// byte the kernel received belongs to a request already answered; otherwise the connection
    /// gets a one-second timeout, and the check runs again when the next request completes.
    func requestCompleted(_ connection: OpaquePointer, _ termination: MHD_RequestTerminationCode, exchange: Exchange) {
        if let accessLog { logEnd(exchange, termination, to: accessLog) }
        // An upgraded connection completes as libmicrohttpd cleans it up, holding the mutex that
        // MHD_set_connection_option takes (a deadlock, seen in MHD_stop_daemon); its socket is being
        // closed anyway.
        guard exchange.webSocketLimits == nil else { return }
        guard watchesHalfClose && termination == .REQUEST_TERMINATED_COMPLETED_OK,
            httpbun_socket_peer_closed(exchange.socket) != 0
        else { return }
        // The kernel counts the FIN as one byte received (it takes a sequence number).
        if exchange.consumedBytesExact && httpbun_socket_bytes_received(exchange.socket) == Int64(exchange.consumedBytes) + 1 {
            httpbun_socket_shutdown(exchange.socket)
        } else {
            httpbun_set_connection_timeout(connection, 1)
        }
    }

    private func tooLarge(_ length: Int?, _ exchange: Exchange) -> Response {
        let size = length.map { "\($0) bytes" } ?? "the request body"
        let flag = exchange.discardsBody ? "--max-upload-size" : "--max-body-size"
        return .error(413, "\(size) is over the server's limit of \(exchange.bodyLimit(configuration)) bytes (\(flag))")
    }

    /// The path of an origin-form target, up to its query (the whole target otherwise).
    static func path(of target: String) -> Substring {
        target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? Substring(target)
    }

    /// What one pass over libmicrohttpd's field list gathers: the fields, and the first reason to
    /// refuse them.
    struct HeaderScan {
        var headers: HTTPHeaders
        var problem: String?
        var userAgent: String?
        /// Where the previous field's value ends in libmicrohttpd's read buffer.
        var previousValueEnd: UnsafeRawPointer?
    }

    /// Every request header, in wire order, names as sent (values may hold NUL: the `_n` variant),
    /// each checked as RFC 9110 §5 asks and for what libmicrohttpd's parsing hides (`FieldLayout`).
    /// `requestLine` is where libmicrohttpd's buffer holds the request (its `method` pointer).
    private func readHeaders(
        _ connection: OpaquePointer, requestLine: UnsafePointer<CChar>?, headerSize: Int
    ) -> (headers: HTTPHeaders, problem: String?, userAgent: String?) {
        var scan = HeaderScan(headers: HTTPHeaders(reservingCapacity: 12))
        withUnsafeMutablePointer(to: &scan) { scan in
            _ = httpbun_connection_values(
                connection, Int32(MHD_ValueKind.HEADER_KIND.rawValue),
                { cls, _, key, keySize, value, valueSize in
                    let scan = cls!.assumingMemoryBound(to: HeaderScan.self)
                    let nameBytes = UnsafeRawBufferPointer(start: key, count: keySize)
                    let valueBytes = UnsafeRawBufferPointer(start: value, count: valueSize)
                    let common = WireText.commonHeaderName(nameBytes)
                    // Yes-or-no checks first; the reason is worked out only for a field that fails one.
                    let wellFormed =
                        FieldLayout.fits(name: nameBytes, value: valueBytes, previousValueEnd: scan.pointee.previousValueEnd)
                        && (common != nil || FieldSyntax.nameProblem(nameBytes) == nil)
                        && !FieldSyntax.mayHoldControlByte(valueBytes)
                    if !wellFormed && scan.pointee.problem == nil {
                        scan.pointee.problem =
                            FieldLayout.problem(name: nameBytes, value: valueBytes, previousValueEnd: scan.pointee.previousValueEnd)
                            ?? FieldSyntax.nameProblem(nameBytes)
                            ?? FieldSyntax.valueProblem(valueBytes, name: nameBytes)
                    }
                    scan.pointee.previousValueEnd = value.map { UnsafeRawPointer($0) + valueSize }
                    let text = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueSize), as: UTF8.self) } ?? ""
                    if common == "User-Agent" && scan.pointee.userAgent == nil { scan.pointee.userAgent = text }
                    scan.pointee.headers.add(common ?? String(decoding: nameBytes, as: UTF8.self), text)
                    return .YES
                }, UnsafeMutableRawPointer(scan))
        }
        if scan.problem == nil, let lastValueEnd = scan.previousValueEnd, let requestLine {
            let blockEnd = UnsafeRawPointer(requestLine) + headerSize
            scan.problem = FieldLayout.endProblem(lastValueEnd: lastValueEnd, blockEnd: blockEnd)
        }
        return (scan.headers, scan.problem, scan.userAgent)
    }

    /// The client's IP address (no port; IPv4-mapped IPv6 as IPv4), or "" when MHD has none.
    static func clientAddress(_ connection: OpaquePointer) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { address in
            httpbun_client_address(connection, address.baseAddress, socklen_t(address.count)) != 0
                ? String(cString: address.baseAddress!) : ""
        }
    }

    private func makeRequest(_ connection: OpaquePointer, exchange: Exchange, version: UnsafePointer<CChar>?) -> Request {
        // The headers move into the request: unless the journal records them, the exchange has no
        // more use for them, and sharing them cost a retain now and a release when the exchange ends.
        let headers = exchange.headers
        if journal == nil { exchange.headers = HTTPHeaders() }
        // RFC 9112 §3.2.2: a server must accept an absolute-form target (clients whose proxy is set
        // to this server send one); it is routed by its path, and its authority is kept.
        var target = exchange.target
        var targetAuthority: String?
        if !target.withUTF8({ $0.first == UInt8(ascii: "/") }), let split = Request.absoluteForm(target) {
            target = split.originForm
            targetAuthority = split.authority
        }
        var request = Request(
            method: exchange.method, target: target, headers: headers, body: exchange.body,
            remoteAddress: exchange.remoteAddress, scheme: configuration.tls == nil ? "http" : "https",
            version: version.map { WireText.version($0) } ?? "HTTP/1.1",
            serverAuthority: authority.withLock { $0 }, targetAuthority: targetAuthority)
        if configuration.tlsClientCA != nil { request.clientCertificateSubject = ClientCertificateCheck.verifiedSubject(connection) }
        if exchange.discardsBody, let started = exchange.receiveStarted {
            request.discardedBody = DiscardedBody(byteCount: exchange.receivedBytes, duration: ContinuousClock.now - started)
        }
        return request
    }

    // MARK: Responses

    private func queue(_ response: Response, on connection: OpaquePointer, exchange: Exchange, closing: Bool = false) -> MHD_Result {
        if case .webSocket = response.body, let refusal = webSocketRefusal(exchange) {
            return queue(refusal, on: connection, exchange: exchange, closing: true)
        }
        exchange.noteAnswer(response)
        if let journal { record(exchange, in: journal) }
        let mhdResponse: OpaquePointer?
        switch response.body {
        case .closeConnection, .awaiting:
            return .NO
        case .webSocket(let limits):
            exchange.webSocketLimits = limits
            mhdResponse = MHD_create_response_for_upgrade(
                { cls, _, context, earlyBytes, earlyCount, socket, handle in
                    guard let cls, let handle else { return }
                    Unmanaged<Engine>.fromOpaque(cls)._withUnsafeGuaranteedRef { engine in
                        // `context` is the request's `*con_cls`: the exchange, held until MHD's
                        // completion callback, which comes only after the connection is given back.
                        let exchange = context.map { Unmanaged<Exchange>.fromOpaque($0).takeUnretainedValue() }
                        engine.upgraded(
                            socket: socket, handle: handle, exchange: exchange,
                            earlyBytes: earlyBytes.map { Array(UnsafeRawBufferPointer(start: $0, count: earlyCount)) } ?? [])
                    }
                }, Unmanaged.passUnretained(self).toOpaque())
        case .bytes(let bytes):
            mhdResponse = makeBufferResponse(bytes)
        case .stream(let stream) where exchange.method == "HEAD":
            // MHD 0.9.75 writes the chunked terminator even after a HEAD answer, which corrupts
            // the next response on the connection: give HEAD the same bytes at a fixed length.
            mhdResponse = makeBufferResponse(stream.chunks.flatMap(\.bytes))
        case .stream(let stream):
            let size = stream.announcesLength ? UInt64(stream.byteCount) : httpbun_size_unknown
            mhdResponse = makeReaderResponse(size: size, StreamReader(mode: .timed(stream.chunks), connection: connection, engine: self))
            // MHD sends footers after the last chunk of a body of unknown length (chunked).
            if let mhdResponse {
                for field in stream.trailers.fields {
                    _ = field.name.withCString { name in field.value.withCString { value in MHD_add_response_footer(mhdResponse, name, value) } }
                }
            }
        case .truncated(let announced, let bytes):
            mhdResponse = makeReaderResponse(size: UInt64(announced), StreamReader(mode: .truncated(bytes), connection: connection, engine: self))
        }
        guard let mhdResponse else { return .NO }
        // By index: iterating the fields copied (retained) each name and value.
        let fields = response.headers.fields
        if case .webSocket = response.body {
            // libmicrohttpd 0.9.75 writes `Connection: Upgrade` itself for an upgrade response, and
            // joins a second one to it (`Upgrade, upgrade`): the route's is left out.
            for index in fields.indices where !fields[index].name.equalsASCIICaseInsensitive("Connection") {
                addHeader(fields[index].name, fields[index].value, to: mhdResponse)
            }
        } else {
            for index in fields.indices { addHeader(fields[index].name, fields[index].value, to: mhdResponse) }
            if closing || draining.load(ordering: .relaxed) { addHeader("Connection", "close", to: mhdResponse) }
        }
        let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        MHD_destroy_response(mhdResponse)
        return result
    }

    /// Why a route's switch to WebSocket cannot happen, as the answer to send instead; nil when it can.
    private func webSocketRefusal(_ exchange: Exchange) -> Response? {
        // The router answers a HEAD as the GET it mirrors; a HEAD cannot switch protocols.
        if exchange.method != "GET" {
            return WebSocketRoutes.refusal("a WebSocket handshake must be a GET, not \(exchange.method)")
        }
        if isDraining || !webSockets.isAccepting {
            return WebSocketRoutes.refusal("the server is stopping", status: 503)
        }
        return nil
    }

    /// libmicrohttpd has sent the 101 and lends us the socket (on the daemon thread: must not block).
    fileprivate func upgraded(socket: Int32, handle: OpaquePointer, exchange: Exchange?, earlyBytes: [UInt8]) {
        guard let exchange, let limits = exchange.webSocketLimits else {
            _ = httpbun_upgrade_close(handle)
            return
        }
        webSockets.adopt(UpgradedSocket(handle: handle, socket: socket, earlyBytes: earlyBytes, limits: limits, peer: exchange.remoteAddress))
    }

    /// `withCString` lends a small string's bytes from the stack; passing a `String` as a C argument
    /// copies a small one (`Content-Type`, `*`) into a new heap array instead.
    private func addHeader(_ name: String, _ value: String, to response: OpaquePointer) {
        _ = name.withCString { name in value.withCString { value in MHD_add_response_header(response, name, value) } }
    }

    /// A body up to this size is copied into MHD's response: one `malloc` and a short `memcpy` cost
    /// less than the retained box and its free callback.
    private static let copiedBodyLimit = 4096

    /// A small body is copied by MHD. A larger one is sent from its own storage, kept alive by a
    /// retained box until MHD frees the response: no copy, which for a 16 MiB echo is 16 MiB less
    /// at the peak.
    private func makeBufferResponse(_ bytes: [UInt8]) -> OpaquePointer? {
        if bytes.count <= Self.copiedBodyLimit {
            return bytes.withUnsafeBytes {
                MHD_create_response_from_buffer($0.count, UnsafeMutableRawPointer(mutating: $0.baseAddress), .RESPMEM_MUST_COPY)
            }
        }
        let box = Unmanaged.passRetained(ResponseBytes(bytes))
        let response = MHD_create_response_from_buffer_with_free_callback_cls(
            bytes.count, box.takeUnretainedValue().base, { cls in Unmanaged<ResponseBytes>.fromOpaque(cls!).release() },
            box.toOpaque())
        // Without a response MHD never calls the free callback: the box is ours to release.
        if response == nil { box.release() }
        return response
    }

    private func makeReaderResponse(size: UInt64, _ reader: StreamReader) -> OpaquePointer? {
        let retained = Unmanaged.passRetained(reader)
        let response = MHD_create_response_from_callback(
            size, 16 * 1024,
            { cls, _, buffer, capacity in
                let reader = Unmanaged<StreamReader>.fromOpaque(cls!).takeUnretainedValue()
                return reader.read(into: buffer!, capacity: capacity)
            },
            retained.toOpaque(),
            { cls in Unmanaged<StreamReader>.fromOpaque(cls!).release() })
        // As for buffers: without a response MHD never calls the free callback.
        if response == nil { retained.release() }
        return response
    }

    /// The journal's entry: the request's own strings and arrays (the journal packs what it keeps)
    /// and our answer's status and body size, as the access log writes them (`Exchange.noteAnswer`).
    private func record(_ exchange: Exchange, in journal: RequestJournal) {
        // Kept only for this record, so moved out rather than shared (no retain now, no release at
        // the exchange's end), and a large upload need not live until the answer is sent.
        var headers = HTTPHeaders()
        swap(&headers, &exchange.headers)
        var body: [UInt8] = []
        swap(&body, &exchange.body)
        journal.record(
            client: exchange.remoteAddress, method: exchange.method, target: exchange.target, headers: headers, body: body,
            status: exchange.answerStatus ?? 0, responseBytes: exchange.answerBytes)
    }

    /// The request is over: its access line, answered or not.
    private func logEnd(_ exchange: Exchange, _ termination: MHD_RequestTerminationCode, to accessLog: AccessLog) {
        let outcome: AccessRecord.Outcome
        if exchange.webSocketLimits != nil || (exchange.answerStatus != nil && termination == .REQUEST_TERMINATED_COMPLETED_OK) {
            outcome = .answered
        } else if exchange.answerStatus != nil {
            outcome = .cut(reason: exchange.answerCutByRoute ? "the route sends less than it announces" : Self.cutReason(termination))
        } else if let reason = exchange.unansweredReason {
            outcome = .unanswered(reason: reason)
        } else if termination == .REQUEST_TERMINATED_WITH_ERROR {
            // libmicrohttpd ends a request "with error" on its own only after answering it itself:
            // a malformed or oversized head or chunk (ours end it so only with a reason set above).
            outcome = .refused(reason: "libmicrohttpd answered it itself, before any route (its warning above names the status)")
        } else {
            outcome = .unanswered(reason: Self.unansweredReason(termination))
        }
        accessLog.write(
            time: SystemClock.wallTime(), client: exchange.remoteAddress, method: exchange.method.isEmpty ? "-" : exchange.method,
            target: exchange.target, status: exchange.answerStatus, bytes: exchange.answerBytes,
            durationNanoseconds: SystemClock.monotonicNanoseconds() - exchange.startedAt, userAgent: exchange.userAgent,
            outcome: outcome, headers: exchange.loggedHeaders)
    }

    private static func cutReason(_ termination: MHD_RequestTerminationCode) -> String {
        switch termination {
        case .REQUEST_TERMINATED_TIMEOUT_REACHED: "timed out before the answer was sent whole"
        case .REQUEST_TERMINATED_DAEMON_SHUTDOWN: "server stopped before the answer was sent whole"
        default: "connection ended before the answer was sent whole (client gone?)"
        }
    }

    private static func unansweredReason(_ termination: MHD_RequestTerminationCode) -> String {
        switch termination {
        case .REQUEST_TERMINATED_TIMEOUT_REACHED: "timed out before the request was complete"
        case .REQUEST_TERMINATED_DAEMON_SHUTDOWN: "server stopped before the request was complete"
        default: "client closed before the request was complete"
        }
    }
}

/// The texts nearly every request repeats, as literals: comparing a few bytes costs less than
/// validating them and making a `String` on every request.
enum WireText {
    static func method(_ text: UnsafePointer<CChar>) -> String {
        switch text[0] {
        case CChar(UInt8(ascii: "G")) where strcmp(text, "GET") == 0: "GET"
        case CChar(UInt8(ascii: "P")) where strcmp(text, "POST") == 0: "POST"
        case CChar(UInt8(ascii: "H")) where strcmp(text, "HEAD") == 0: "HEAD"
        default: String(cString: text)
        }
    }

    static func version(_ text: UnsafePointer<CChar>) -> String {
        strcmp(text, "HTTP/1.1") == 0 ? "HTTP/1.1" : String(cString: text)
    }

    /// The names clients send on nearly every request, spelled as they usually are (a name spelled
    /// otherwise is made as sent): compared as bytes, answered with a literal.
    private static let commonHeaderNames: [(bytes: StaticString, text: String)] = [
        ("Host", "Host"), ("User-Agent", "User-Agent"), ("Accept", "Accept"), ("Accept-Encoding", "Accept-Encoding"),
        ("Accept-Language", "Accept-Language"), ("Connection", "Connection"), ("Content-Type", "Content-Type"),
        ("Content-Length", "Content-Length"), ("Cookie", "Cookie"), ("Authorization", "Authorization"),
    ]

    /// The literal for a name clients send on nearly every request, or nil for any other name.
    static func commonHeaderName(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let base = bytes.baseAddress {
            for name in commonHeaderNames where name.bytes.utf8CodeUnitCount == bytes.count {
                if memcmp(name.bytes.utf8Start, base, bytes.count) == 0 { return name.text }
            }
        }
        return nil
    }
}
