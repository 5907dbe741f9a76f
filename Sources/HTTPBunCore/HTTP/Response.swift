import HTTPWire
import JSONValue
import WebSocket

/// What a handler answers: a plain value the server turns into bytes on the wire.
///
/// ```swift
/// Response.json(["status": "ok"])
/// Response(status: 302, headers: ["Location": "/get"])
/// Response.json(echo, delay: .milliseconds(250))   // sent after a pause that holds no thread
/// ```
public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ResponseBody
    /// How long the server waits before it sends this response. The wait holds no thread.
    public var delay: Duration

    public init(status: Int = 200, headers: HTTPHeaders = [:], body: ResponseBody = .bytes([]), delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    /// A JSON document in the server's layout, with `Content-Type: application/json`.
    public static func json(_ value: JSON, status: Int = 200, format: JSONFormat = .pretty, delay: Duration = .zero) -> Response {
        Response(
            status: status, headers: .contentType("application/json"), body: .bytes(value.serializedBytes(format)), delay: delay)
    }

    /// A JSON error, `{"error": message}`.
    public static func error(_ status: Int, _ message: String) -> Response {
        json(["error": .string(message)], status: status)
    }

    /// Bytes with a content type.
    public static func bytes(_ bytes: [UInt8], contentType: String, status: Int = 200) -> Response {
        Response(status: status, headers: .contentType(contentType), body: .bytes(bytes))
    }

    /// Text with a content type (UTF-8).
    public static func text(_ text: String, contentType: String = "text/plain; charset=utf-8", status: Int = 200) -> Response {
        bytes(Array(text.utf8), contentType: contentType, status: status)
    }

    /// The body bytes when the body is plain bytes; a test helper.
    public var bodyBytes: [UInt8] {
        switch body {
        case .bytes(let bytes): bytes
        case .stream(let stream): stream.chunks.flatMap(\.bytes)
        case .truncated(_, let bytes): bytes
        case .closeConnection, .awaiting, .webSocket: []
        }
    }

    /// The body as text; a test helper.
    public var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }
}

/// How the body reaches the client.
public enum ResponseBody: Sendable {
    /// Bytes with a `Content-Length`.
    case bytes([UInt8])
    /// Chunks sent with chunked transfer encoding, each after its own pause.
    case stream(TimedStream)
    /// Announces `Content-Length: announced`, sends `bytes` (fewer), then closes: a fault for clients to test against.
    case truncated(announced: Int, bytes: [UInt8])
    /// Closes the connection without any response.
    case closeConnection
    /// Not known yet: the server parks the request, holding no thread, until the pending answer
    /// wakes it or its timeout passes, then sends `answer()` (`/_journal?wait=N`).
    case awaiting(any PendingResponse)
    /// Switches the connection to WebSocket (the response is the 101 that says so) and echoes what
    /// the client sends, within these limits.
    case webSocket(WebSocketLimits)
}

/// An answer that waits for something to happen, such as a long-poll's first match. The server
/// suspends the connection, calls `notify` with a wake-up, and sends `answer()` once woken or once
/// `timeout` has passed, whichever is first; on a stop it calls `cancel()` and closes instead.
///
/// ```swift
/// // a handler: answer when the journal holds a POST, or after 2 s with what there is
/// return Response(body: .awaiting(JournalWait(journal: journal, filter: JournalFilter(method: "POST"), timeout: .seconds(2))))
/// ```
public protocol PendingResponse: AnyObject, Sendable {
    /// The longest the request waits.
    var timeout: Duration { get }
    /// Calls `wake` once, from any thread (maybe at once), when the answer is ready.
    func notify(_ wake: @escaping @Sendable () -> Void)
    /// The answer now: after the wake-up, or with what there is at the timeout.
    func answer() -> Response
    /// The request is closed without an answer: forget the wake-up.
    func cancel()
}

/// A streamed body: each chunk is sent after its pause, counted from the previous chunk.
public struct TimedStream: Sendable {
    public struct Chunk: Sendable {
        public var pause: Duration
        public var bytes: [UInt8]
        public init(pause: Duration = .zero, bytes: [UInt8]) {
            self.pause = pause
            self.bytes = bytes
        }
    }

    public var chunks: [Chunk]
    /// Fields sent after the last chunk, in the trailer section (chunked coding has one; a HEAD
    /// answer, sent at a fixed length, drops them). Kept here rather than on `Response`, whose
    /// every copy on every request would carry one more array.
    public var trailers: HTTPHeaders
    /// Sent with a `Content-Length` of the chunks' total instead of chunked coding (python
    /// httpbin's timed streams announce their size). The client then has the answer at its last
    /// byte: a last empty chunk's pause is not waited for, and there is no place for trailers.
    public var announcesLength = false
    public init(_ chunks: [Chunk], trailers: HTTPHeaders = HTTPHeaders()) {
        self.chunks = chunks
        self.trailers = trailers
    }

    /// The total size of the chunks.
    public var byteCount: Int { chunks.reduce(0) { $0 + $1.bytes.count } }
}

extension HTTPHeaders {
    /// One `Content-Type` field, with room for the few usually added next: one allocation, where
    /// a dictionary literal made its array of pairs too. JSON, most answers' type, shares one
    /// array made once (copied on write, like any array).
    static func contentType(_ value: String) -> HTTPHeaders {
        if value == "application/json" { return json }
        var headers = HTTPHeaders(reservingCapacity: 5)
        headers.add("Content-Type", value)
        return headers
    }

    /// `Content-Type: application/json`.
    static let json: HTTPHeaders = ["Content-Type": "application/json"]
}
