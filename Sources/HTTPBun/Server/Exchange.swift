import HTTPBunCore
import CMicroHTTPD
import Synchronization
import WebSocket

/// One request/response on a connection, from the request line to the last byte sent.
///
/// A connection reuses one exchange for its requests, one after another (`ConnectionState`), so
/// no request allocates and frees one of its own. MHD holds it (retained, through `*con_cls`) from
/// the URI-log callback (`begin`) until the request-completed callback (`end`). Its fields are
/// touched only on the thread of the daemon that owns the connection; suspension is guarded by
/// `Engine.suspensions`.
final class Exchange: @unchecked Sendable {

    enum Phase {
        /// The request line arrived; the first handler call is still to come.
        case new
        /// Headers seen; body bytes (if any) are arriving.
        case receiving
        /// The response is computed and waits (suspended) until `answerDue`; a stop that resumes
        /// it earlier must not send it.
        case waiting(Response)
        /// The response was queued.
        case sent
    }

    private(set) var target = ""
    /// The client's IP address, from its connection.
    let remoteAddress: String
    /// The connection's socket, for the peeks that tell a half-closed client (-1: unknown).
    let socket: Int32
    /// Counts requests in flight, so a stopped server can prove it ended every one.
    fileprivate let liveCount: LiveCount
    /// Between `begin` and `end`: a request uses it.
    private(set) var inFlight = false
    var phase: Phase = .new
    var method = ""
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    /// The request's `Content-Length`, when it sent one.
    var announcedLength: Int?
    /// The body grew past the limit: the rest is discarded and the answer is 413.
    var bodyTooLarge = false
    var discardedBytes = 0
    /// The route counts the body and keeps none of it (`/upload`): `receivedBytes` grows, `body` does not.
    var discardsBody = false
    var receivedBytes = 0
    /// When the head of a request whose body is discarded arrived: `/upload` reports the time taken.
    var receiveStarted: ContinuousClock.Instant?
    /// Bytes of this connection's requests that libmicrohttpd has consumed (request lines, header
    /// blocks, `Content-Length` bodies), summed over the requests that reuse this exchange: `end`
    /// keeps them. Compared with what the kernel received, it tells whether libmicrohttpd still
    /// holds a pipelined request in its buffer.
    var consumedBytes = 0
    /// False once a request's size on the wire was not counted (a chunked body): the sum is then a
    /// lower bound only.
    var consumedBytesExact = true
    /// When a waiting response may be sent. Apart from `Phase.waiting`: a second payload there made
    /// the enum's copies go through the runtime's generic tuple witnesses.
    var answerDue: ContinuousClock.Instant?
    /// The limits of the WebSocket this request's 101 switches to: libmicrohttpd hands the
    /// exchange (`con_cls`) to the upgrade handler, which has nothing else to carry them.
    var webSocketLimits: WebSocketLimits?

    // What the access log writes when the request ends (`Engine.logEnd`).
    /// When the request line arrived (`SystemClock.monotonicNanoseconds`); 0 when nothing logs.
    var startedAt: Int64 = 0
    var userAgent: String?
    /// The request's fields, kept for the log only at `--log-level debug`.
    var loggedHeaders: HTTPHeaders?
    /// The status and body size of the answer queued; nil while none is.
    var answerStatus: Int?
    var answerBytes = 0
    /// The route sends less than it announces (`/fault/truncate` and kin): the cut is the answer.
    var answerCutByRoute = false
    /// Why the request was closed without an answer, when we closed it.
    var unansweredReason: String?

    init(remoteAddress: String, socket: Int32 = -1, liveCount: LiveCount) {
        self.remoteAddress = remoteAddress
        self.socket = socket
        self.liveCount = liveCount
    }

    /// A request line arrived: the exchange is this request's until `end`. `timed`: the access
    /// log will want its duration.
    func begin(target: String, timed: Bool = false) {
        precondition(!inFlight, "an exchange serves one request at a time")
        inFlight = true
        liveCount.value.add(1, ordering: .relaxed)
        self.target = target
        if timed { startedAt = SystemClock.monotonicNanoseconds() }
    }

    /// The answer about to be queued: its status and body size, for the journal and the log.
    func noteAnswer(_ response: Response) {
        switch response.body {
        case .bytes(let bytes): answerBytes = bytes.count
        case .stream(let stream): answerBytes = stream.byteCount
        case .truncated(_, let bytes):
            answerBytes = bytes.count
            answerCutByRoute = true
        // A 101 switching to WebSocket: what follows is frames, not an HTTP body.
        case .webSocket: answerBytes = 0
        case .closeConnection, .awaiting:
            answerBytes = 0
            unansweredReason = "closed without an answer, as the route asks"
            return
        }
        if method == "HEAD" { answerBytes = 0 }
        answerStatus = response.status
    }

    /// Body bytes received so far, kept or not.
    var bodyBytesReceived: Int { discardsBody ? receivedBytes : body.count }

    /// The limit this request's body is held to: `/upload`'s own, or the server's.
    func bodyLimit(_ configuration: ServerConfiguration) -> Int {
        discardsBody ? configuration.maxUploadSize : configuration.maxBodySize
    }

    /// The request is over (answered, failed, or the daemon stops): nothing of it is kept, so the
    /// next request starts as a new exchange would and a held body or response is freed now.
    func end() {
        guard inFlight else { return }
        inFlight = false
        liveCount.value.subtract(1, ordering: .relaxed)
        phase = .new
        method = ""
        headers = HTTPHeaders()
        body = []
        announcedLength = nil
        bodyTooLarge = false
        discardedBytes = 0
        // Set only for a discarded body: most requests skip three stores (each an exclusivity check).
        if discardsBody {
            discardsBody = false
            receivedBytes = 0
            receiveStarted = nil
        }
        answerDue = nil
        webSocketLimits = nil
        userAgent = nil
        // Set only when logging, or only for a request that ends unusually.
        if loggedHeaders != nil { loggedHeaders = nil }
        answerStatus = nil
        answerBytes = 0
        if answerCutByRoute { answerCutByRoute = false }
        if unansweredReason != nil { unansweredReason = nil }
    }
}

/// What every request on one connection shares, made once when the connection opens: the
/// exchange its requests reuse, holding the connection's formatted address (made on every request
/// before).
///
/// MHD holds it (retained, through the connection's socket context) from the connection-notify
/// callback's start to its close.
final class ConnectionState: Sendable {
    private let exchange: Exchange

    init(remoteAddress: String, socket: Int32 = -1, liveCount: LiveCount) {
        exchange = Exchange(remoteAddress: remoteAddress, socket: socket, liveCount: liveCount)
    }

    /// The connection's exchange, or a new one should MHD ever start a request before it said the
    /// last one was over: a request never shares its state with another.
    func exchangeForNextRequest() -> Exchange {
        exchange.inFlight ? Exchange(remoteAddress: exchange.remoteAddress, socket: exchange.socket, liveCount: exchange.liveCount) : exchange
    }
}

/// Feeds a streamed body to MHD chunk by chunk, suspending the connection until each chunk is due.
///
/// MHD holds it (retained) as the content reader's closure, and releases it in the free callback.
final class StreamReader: @unchecked Sendable {
    enum Mode {
        /// Chunked, with pauses.
        case timed([TimedStream.Chunk])
        /// Fixed `Content-Length` that is never reached: send what there is, then fail the connection.
        case truncated([UInt8])
    }

    let mode: Mode
    let connection: OpaquePointer
    unowned let engine: Engine
    var chunkIndex = 0
    var offset = 0
    /// When the current chunk may be sent; nil once its pause has been waited for.
    var due: ContinuousClock.Instant?
    /// The connection was suspended for `due` and this is the first call since.
    var parked = false

    init(mode: Mode, connection: OpaquePointer, engine: Engine) {
        self.mode = mode
        self.connection = connection
        self.engine = engine
        if case .timed(let chunks) = mode, let first = chunks.first, first.pause > .zero {
            due = .now + first.pause
        }
    }

    /// Fills `buffer` with up to `capacity` bytes; returns MHD's content-reader result.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        switch mode {
        case .truncated(let bytes):
            guard offset < bytes.count else { return httpbun_content_reader_end_with_error }
            let count = min(capacity, bytes.count - offset)
            copy(bytes, from: offset, count: count, into: buffer)
            offset += count
            return count
        case .timed(let chunks):
            if parked {
                parked = false
                engine.unpark()
            }
            while chunkIndex < chunks.count {
                if engine.isStopping { return httpbun_content_reader_end_with_error }
                if let due {
                    let now = ContinuousClock.now
                    if now < due {
                        // Not due yet: park the connection until it is, and tell MHD there is nothing now.
                        guard engine.suspend(connection, for: due - now) else {
                            return httpbun_content_reader_end_with_error
                        }
                        parked = true
                        return 0
                    }
                    self.due = nil
                }
                let bytes = chunks[chunkIndex].bytes
                if offset < bytes.count {
                    let count = min(capacity, bytes.count - offset)
                    copy(bytes, from: offset, count: count, into: buffer)
                    offset += count
                    return count
                }
                chunkIndex += 1
                offset = 0
                if chunkIndex < chunks.count, chunks[chunkIndex].pause > .zero {
                    due = .now + chunks[chunkIndex].pause
                }
            }
            return httpbun_content_reader_end_of_stream
        }
    }

    private func copy(_ bytes: [UInt8], from start: Int, count: Int, into buffer: UnsafeMutablePointer<CChar>) {
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + start, byteCount: count)
        }
    }
}

/// A response body MHD sends from in place: the box owns the bytes, MHD owns the box (retained)
/// until its free callback.
final class ResponseBytes: @unchecked Sendable {
    let bytes: [UInt8]
    /// The array's storage. It cannot move while the box lives: `bytes` is a `let`, and a mutation
    /// of another copy of the array copies the storage rather than moving it.
    let base: UnsafeMutableRawPointer?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        base = bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
    }
}

/// A counter of live requests, one per daemon thread.
final class LiveCount: Sendable {
    let value = Atomic<Int>(0)
    /// Keeps two counters (allocated side by side, one per thread) off each other's cache line.
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    var current: Int { value.load(ordering: .relaxed) }
}
