import HTTPWire
import Foundation
import JSONValue
import HTTPCompression

/// What the server answered.
///
/// Unless the call asked to `stream`, the body has been read into `content`.
///
/// ```swift
/// let r = try await Requests.get("http://127.0.0.1:8080/get", params: ["q": "swift"])
/// r.statusCode                 // 200
/// r.ok                         // true
/// r.headers["content-type"]    // "application/json"
/// let echo = try r.json()      // JSON value
/// echo["args"]?["q"]?.stringValue
/// struct Echo: Decodable { var url: String }
/// let typed = try r.decode(Echo.self)
/// try r.raiseForStatus()       // throws HTTPStatusError on 4xx/5xx
/// ```
public struct Response: Sendable {
    public var statusCode: Int
    /// The reason phrase, e.g. "Not Found".
    public var reason: String
    public var headers: Headers
    /// The URL that produced this response (after redirects, the last one).
    public var url: URL
    /// The responses that led here, oldest first: each redirect, and each auth challenge answered (a
    /// digest 401), as requests and httpx keep them. Their bodies have been read.
    ///
    /// ```swift
    /// let r = try await Requests.get(base + "/digest-auth/auth/user/pass", auth: .digest("user", "pass"))
    /// r.history.map(\.statusCode)   // [401]
    /// ```
    public var history: [Response]
    /// The body, when it was read (always, unless the call passed `stream: true`).
    public var content: [UInt8]
    /// The body as it arrives, for streamed calls. For buffered responses it yields `content` once.
    public var body: ResponseBody
    /// From sending the request to having the response head (like requests' `elapsed`).
    public var elapsed: Duration
    /// `elapsed` in seconds, like requests' `r.elapsed.total_seconds()`.
    ///
    /// ```swift
    /// let r = try await Requests.get(base + "/delay/1")
    /// print(r.elapsedSeconds)   // 1.00...
    /// ```
    public var elapsedSeconds: Double { elapsed.seconds }
    /// Whether the body has been read into `content`: always, unless the call passed `stream: true` and
    /// nothing has read it yet (`buffered()` does, as does reading `body` to the end yourself).
    ///
    /// ```swift
    /// let r = try await session.get(base + "/json", stream: true)
    /// r.isBodyRead                            // false: content and text are empty, json() throws
    /// let json = try await r.buffered().json()
    /// ```
    public var isBodyRead: Bool {
        if case .buffered = body.source { true } else { false }
    }
    /// The request that was sent for this response (the last hop's).
    public var request: Request?
    /// The protocol the response came over, as httpx's `r.http_version` says it: HTTP/2 where the
    /// server offered it in the TLS handshake (ALPN), HTTP/1.1 otherwise or when the session has
    /// `http2: false`.
    ///
    /// ```swift
    /// let r = try await session.get("https://example.com/")
    /// print(r.httpVersion)              // HTTP/2
    /// if r.httpVersion == .http2 { ... }
    /// ```
    public var httpVersion: HTTPVersion = .http1_1

    /// An HTTP protocol version: `HTTP/1.0`, `HTTP/1.1` or `HTTP/2` as text (httpx's `http_version`);
    /// requests' `r.raw.version` is `major * 10 + minor` (11).
    public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
        public var major: Int
        public var minor: Int
        public init(major: Int, minor: Int) {
            self.major = major
            self.minor = minor
        }
        public static let http1_0 = HTTPVersion(major: 1, minor: 0)
        public static let http1_1 = HTTPVersion(major: 1, minor: 1)
        public static let http2 = HTTPVersion(major: 2, minor: 0)
        /// `HTTP/1.1`, `HTTP/2` (no minor from 2 on, as the protocol names itself).
        public var description: String { major >= 2 ? "HTTP/\(major)" : "HTTP/\(major).\(minor)" }
    }

    /// A response, mostly for `MockTransport` handlers and tests.
    public init(statusCode: Int, reason: String? = nil, headers: Headers = [:], body: [UInt8] = [], url: URL? = nil) {
        self.statusCode = statusCode
        self.reason = reason ?? StatusReason.phrase(for: statusCode)
        self.headers = headers
        self.url = url ?? URL(string: "http://mock.invalid/")!
        self.history = []
        self.content = body
        self.body = ResponseBody(.buffered(body))
        self.elapsed = .zero
        self.request = nil
    }

    /// A response as a transport makes it, every field at once: made with the public init and then
    /// changed field by field, it is copied whole once more on its way out.
    init(statusCode: Int, reason: String, headers: Headers, url: URL, body: ResponseBody, elapsed: Duration, request: Request,
         httpVersion: HTTPVersion) {
        self.statusCode = statusCode
        self.httpVersion = httpVersion
        self.reason = reason
        self.headers = headers
        self.url = url
        self.history = []
        self.content = []
        self.body = body
        self.elapsed = elapsed
        self.request = request
    }

    /// A response whose body is UTF-8 text.
    public init(statusCode: Int, headers: Headers = [:], text: String) {
        self.init(statusCode: statusCode, headers: headers, body: Array(text.utf8))
    }

    /// A JSON response (`Content-Type: application/json`).
    public init(statusCode: Int, headers: Headers = [:], json: JSON) {
        var headers = headers
        if !headers.contains("Content-Type") { headers["Content-Type"] = "application/json" }
        self.init(statusCode: statusCode, headers: headers, body: json.serializedBytes(.compact))
    }

    /// A response whose body streams from `stream`.
    public init(statusCode: Int, headers: Headers = [:], stream: AsyncThrowingStream<[UInt8], any Error>) {
        self.init(statusCode: statusCode, headers: headers)
        self.body = ResponseBody(.stream(stream))
    }

    /// 200 up to 399: no error status.
    public var ok: Bool { statusCode < 400 }

    /// Whether the response is a redirect this library would follow.
    public var isRedirect: Bool { [301, 302, 303, 307, 308].contains(statusCode) && headers.contains("Location") }

    /// The charset named in `Content-Type`, if any.
    public var encoding: String? {
        guard let contentType = headers["Content-Type"] else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            }
        }
        return nil
    }

    /// The body as text, decoded with the charset of `Content-Type` (UTF-8 when none is named or it is unknown).
    ///
    /// Empty for a `stream: true` response not read yet (`isBodyRead`): read it with
    /// `try await response.buffered().text`, or iterate `response.body`.
    public var text: String {
        let data = Data(content)
        switch encoding {
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
            return String(data: data, encoding: .isoLatin1) ?? String(decoding: content, as: UTF8.self)
        case "us-ascii", "ascii":
            return String(data: data, encoding: .ascii) ?? String(decoding: content, as: UTF8.self)
        case "utf-16":
            return String(data: data, encoding: .utf16) ?? String(decoding: content, as: UTF8.self)
        case "utf-16le":
            return String(data: data, encoding: .utf16LittleEndian) ?? String(decoding: content, as: UTF8.self)
        case "utf-16be":
            return String(data: data, encoding: .utf16BigEndian) ?? String(decoding: content, as: UTF8.self)
        case "windows-1252", "cp1252":
            return String(data: data, encoding: .windowsCP1252) ?? String(decoding: content, as: UTF8.self)
        default:
            return String(decoding: content, as: UTF8.self)
        }
    }

    /// The body parsed as JSON. Throws `InvalidJSON` when it is not, or when the body of a `stream: true`
    /// response has not been read yet (then call `try await response.buffered().json()`).
    public func json() throws(InvalidJSON) -> JSON {
        try requireBodyRead()
        do {
            return try JSON.parse(content)
        } catch {
            throw InvalidJSON(url: url.absoluteString, reason: error.description, bodyPrefix: String(text.prefix(80)))
        }
    }

    /// The body decoded into `type` with `JSONDecoder`. Throws `InvalidJSON` when it does not fit.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws(InvalidJSON) -> T {
        try requireBodyRead()
        do {
            return try decoder.decode(T.self, from: Data(content))
        } catch {
            throw InvalidJSON(url: url.absoluteString, reason: String(describing: error), bodyPrefix: String(text.prefix(80)))
        }
    }

    /// A streamed body not read yet would parse as empty: say what to call instead.
    private func requireBodyRead() throws(InvalidJSON) {
        if isBodyRead { return }
        throw InvalidJSON(url: url.absoluteString, reason: "the body has not been read (the call passed stream: true)", bodyPrefix: "",
                          hint: "Read it first: try await response.buffered().json(), or iterate response.body.")
    }

    /// Throws `HTTPStatusError` (carrying this response) for a 4xx or 5xx status.
    public func raiseForStatus() throws(HTTPStatusError) {
        if statusCode >= 400 { throw HTTPStatusError(response: self) }
    }

    /// The cookies this response set (`Set-Cookie`), name to value.
    public var cookies: [String: String] {
        var result: [String: String] = [:]
        for header in headers.values(for: "Set-Cookie") {
            if let cookie = Cookie.parse(setCookie: header, url: url, now: Date()) { result[cookie.name] = cookie.value }
        }
        return result
    }

    /// The `Link` header's targets by `rel`, e.g. `links["next"]` for pagination.
    public var links: [String: String] {
        var result: [String: String] = [:]
        guard let header = headers["Link"] else { return result }
        for entry in header.split(separator: ",") {
            let pieces = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("rel=") {
                let rel = piece.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                result[rel] = String(target.dropFirst().dropLast())
            }
        }
        return result
    }

    /// Reads a streamed body to the end and returns the response with `content` filled.
    public func buffered() async throws -> Response {
        var copy = self
        try await copy.buffer()
        return copy
    }

    /// The session's decoding step: a body sent with a content coding this library decodes is read
    /// through the decoder, whichever transport delivered it; headers stay as sent.
    mutating func decodeContent() {
        guard let coding = ContentCoding(headers: headers) else { return }
        body = body.decoded(from: coding, url: url.absoluteString)
        // A transport that filled `content` (a mock's canned answer) sent it encoded: read it again
        // through the decoder when the session buffers.
        content = []
    }

    /// Reads a streamed body to the end into `content`, in place (no copy of the response).
    mutating func buffer() async throws {
        content = try await body.collect()
        body = ResponseBody(.buffered(content))
    }
}

/// A response body as it arrives: an `AsyncSequence` of byte chunks, with `.lines` for text streams.
///
/// ```swift
/// let r = try await session.get(base + "/stream/5", stream: true)
/// for try await line in r.body.lines { print(line) }
/// // or chunk by chunk:
/// for try await chunk in r.body { total += chunk.count }
/// ```
///
/// A streamed body can be iterated once.
///
/// Bodies sent with `Content-Encoding: gzip`, `deflate`, `br` or `zstd` (or several of them, `gzip, br`)
/// arrive decoded, whichever transport sent them (unless it was made with `decompress: false`); the
/// response's headers stay as the server sent them, as in requests. `br` and `zstd` need libbrotlidec
/// and libzstd, loaded at run time: where one is missing it is not offered in `Accept-Encoding`, and
/// a body sent with it anyway arrives as sent, as in requests without brotli or zstandard.
public struct ResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    enum Source: Sendable {
        case buffered([UInt8])
        case streamed(Streamed)
        /// What a transport is still reading.
        case incoming(any IncomingBody)
        /// A body sent with a content coding, decoded as it is read.
        case decoded(Encoded)

        static func stream(_ stream: AsyncThrowingStream<[UInt8], any Error>) -> Source { .streamed(Streamed(stream)) }
    }

    /// What `.streamed` holds. A class rather than the stream itself: `AsyncThrowingStream` is not
    /// frozen, so its size is unknown outside the standard library, and holding it inline made
    /// `Source`, `ResponseBody` and `Response` types of run-time size. Every call paid for that: each
    /// `Response` local in an async function was a `swift_task_alloc`, and copies, destroys and enum
    /// switches went through value witnesses.
    final class Streamed: Sendable {
        let stream: AsyncThrowingStream<[UInt8], any Error>
        init(_ stream: AsyncThrowingStream<[UInt8], any Error>) { self.stream = stream }
    }

    /// What `.decoded` holds. A class rather than an `indirect` case: a recursive enum's layout is
    /// only known at run time, and every (plain) response would pay for that in copies and metadata
    /// lookups, while only encoded responses pay for this box.
    final class Encoded: Sendable {
        let source: Source
        let coding: ContentCoding
        let url: String?
        init(_ source: Source, _ coding: ContentCoding, url: String?) {
            self.source = source
            self.coding = coding
            self.url = url
        }
    }

    let source: Source

    init(_ source: Source) { self.source = source }

    /// A body a transport is still reading.
    public init(incoming body: any IncomingBody) { self.source = .incoming(body) }

    /// This body decoded from `coding` as it is read.
    func decoded(from coding: ContentCoding, url: String?) -> ResponseBody {
        ResponseBody(.decoded(Encoded(source, coding, url: url)))
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(state: Self.state(for: source))
    }

    private static func state(for source: Source) -> Iterator.State {
        switch source {
        case .buffered(let bytes): .buffered(bytes.isEmpty ? nil : bytes)
        case .streamed(let streamed): .stream(streamed.stream.makeAsyncIterator())
        case .incoming(let body): .incoming(body.makeChunks())
        case .decoded(let encoded):
            .decoding(BodyDecoder(inner: Iterator(state: state(for: encoded.source)), coding: encoded.coding, url: encoded.url))
        }
    }

    public struct Iterator: AsyncIteratorProtocol {
        enum State {
            case buffered([UInt8]?)
            case stream(AsyncThrowingStream<[UInt8], any Error>.AsyncIterator)
            case incoming(any IncomingChunks)
            case decoding(BodyDecoder)
        }
        var state: State

        public mutating func next() async throws -> [UInt8]? {
            switch state {
            case .buffered(let bytes):
                state = .buffered(nil)
                return bytes
            case .stream(var iterator):
                let chunk = try await iterator.next()
                state = .stream(iterator)
                return chunk
            case .incoming(var chunks):
                let chunk = try await chunks.next()
                state = .incoming(chunks)
                return chunk
            case .decoding(let decoder):
                return try await decoder.next()
            }
        }
    }

    /// Decodes a body as it arrives. What one `next()` returns is bounded (`piece`), whatever the
    /// ratio of the compression: a streamed zip bomb costs the reader time, not memory.
    final class BodyDecoder {
        static let piece = 64 * 1024
        private var inner: Iterator
        private let inflater: any Decompressor
        private let coding: ContentCoding
        private let url: String?
        private var innerFinished = false

        init(inner: Iterator, coding: ContentCoding, url: String?) {
            self.inner = inner
            self.inflater = coding.makeDecompressor()
            self.coding = coding
            self.url = url
        }

        func next() async throws -> [UInt8]? {
            while true {
                let piece = try coding.decoding(url: url) { () throws(Inflater.Failure) in try inflater.inflate(upTo: Self.piece) }
                if !piece.isEmpty { return piece }
                if innerFinished { return nil }
                if let chunk = try await inner.next() {
                    inflater.feed(chunk)
                } else {
                    innerFinished = true
                    try coding.decoding(url: url) { () throws(Inflater.Failure) in try inflater.finish() }
                }
            }
        }
    }

    /// Lines of text (UTF-8), split on `\n` with a trailing `\r` removed, as they arrive.
    public var lines: Lines { Lines(body: self) }

    /// The body byte by byte, as it arrives.
    public var bytes: Bytes { Bytes(body: self) }

    /// The bytes of a response body, one at a time.
    public struct Bytes: AsyncSequence, Sendable {
        public typealias Element = UInt8
        let body: ResponseBody
        public func makeAsyncIterator() -> Iterator { Iterator(chunks: body.makeAsyncIterator()) }
        public struct Iterator: AsyncIteratorProtocol {
            var chunks: ResponseBody.Iterator
            var current: [UInt8] = []
            var index = 0
            public mutating func next() async throws -> UInt8? {
                while index >= current.count {
                    guard let chunk = try await chunks.next() else { return nil }
                    current = chunk
                    index = 0
                }
                defer { index += 1 }
                return current[index]
            }
        }
    }

    /// Every chunk joined.
    public func collect() async throws -> [UInt8] {
        if case .decoded(let encoded) = source {
            let (coding, url) = (encoded.coding, encoded.url)
            // Joined first, then decoded in one go: one inflate pass and no piece-sized arrays.
            let raw = try await ResponseBody(encoded.source).collect()
            return try coding.decoding(url: url) { () throws(Inflater.Failure) in
                let inflater = coding.makeDecompressor()
                inflater.feed(raw)
                let decoded = try inflater.inflate(upTo: .max)
                try inflater.finish()
                return decoded
            }
        }
        // Every buffered call ends here: the transport joins its buffers and copies once, rather than
        // making an array per chunk through `Iterator`.
        if case .incoming(let body) = source { return try await body.collect() }
        var out: [UInt8] = []
        for try await chunk in self {
            if out.isEmpty { out = chunk } else { out += chunk }
        }
        return out
    }

    /// The lines of a response body.
    public struct Lines: AsyncSequence, Sendable {
        public typealias Element = String
        let body: ResponseBody

        public func makeAsyncIterator() -> Iterator { Iterator(chunks: body.makeAsyncIterator()) }

        public struct Iterator: AsyncIteratorProtocol {
            var chunks: ResponseBody.Iterator
            var pending: [UInt8] = []
            /// Where the next line starts in `pending`: lines are read by moving this, not by removing
            /// each from the front, which moved the rest of a chunk once per line (quadratic).
            var start = 0
            /// Bytes before this are known to hold no newline: a long line across many chunks is
            /// scanned once, not again from its start after each chunk.
            var scanned = 0
            var finished = false

            public mutating func next() async throws -> String? {
                while true {
                    if let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                        var end = newline
                        if end > start && pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                        let line = String(decoding: pending[start..<end], as: UTF8.self)
                        start = newline + 1
                        scanned = start
                        return line
                    }
                    scanned = pending.count
                    if finished {
                        if start == pending.count { return nil }
                        defer { start = pending.count }
                        return String(decoding: pending[start...], as: UTF8.self)
                    }
                    // Drop the lines already returned before taking more: what is kept is at most one
                    // unfinished line.
                    if start > 0 {
                        pending.removeSubrange(..<start)
                        scanned -= start
                        start = 0
                    }
                    if let chunk = try await chunks.next() { pending += chunk } else { finished = true }
                }
            }
        }
    }
}

/// The `Content-Encoding` of a body this library decodes: one coding, or several stacked
/// (`gzip, br`: gzip applied first, so undone last).
struct ContentCoding: Sendable, Hashable {
    /// One coding.
    enum Step: String, Sendable, Hashable {
        case gzip
        case deflate
        case br
        case zstd

        /// Whether this process can decode it: brotli and zstd need their libraries, loaded at run time.
        var isDecodable: Bool {
            switch self {
            case .gzip, .deflate: true
            case .br: Brotli.canDecompress
            case .zstd: Zstd.canDecompress
            }
        }

        init?(name: Substring) {
            if name.equalsASCIICaseInsensitive("gzip") || name.equalsASCIICaseInsensitive("x-gzip") {
                self = .gzip
            } else if name.equalsASCIICaseInsensitive("deflate") {
                self = .deflate
            } else if name.equalsASCIICaseInsensitive("br") {
                self = .br
            } else if name.equalsASCIICaseInsensitive("zstd") {
                self = .zstd
            } else {
                return nil
            }
        }

        func makeDecompressor() -> any Decompressor {
            switch self {
            case .gzip: Inflater(format: .gzip)
            // RFC 9110 says zlib; some servers send raw deflate, which requests (urllib3) accepts too.
            case .deflate: Inflater(format: .zlibOrRaw)
            case .br: Brotli.Decoder()
            case .zstd: Zstd.Decoder()
            }
        }
    }

    /// In the order the sender applied them (the header's order).
    var steps: [Step]

    static let gzip = ContentCoding(steps: [.gzip])
    static let deflate = ContentCoding(steps: [.deflate])
    static let br = ContentCoding(steps: [.br])
    static let zstd = ContentCoding(steps: [.zstd])

    init(steps: [Step]) { self.steps = steps }

    /// The codings a `Content-Encoding` value names (`identity` skipped), or nil when there are none,
    /// or one of them cannot be decoded here (unknown, or its library is missing): such bodies are
    /// handed over as sent, as requests does.
    init?(header value: String, decodable: (Step) -> Bool = \.isDecodable) {
        var steps: [Step] = []
        for item in value.split(separator: ",") {
            var name = item
            while name.first == " " || name.first == "\t" { name.removeFirst() }
            while name.last == " " || name.last == "\t" { name.removeLast() }
            if name.isEmpty || name.equalsASCIICaseInsensitive("identity") { continue }
            guard let step = Step(name: name), decodable(step) else { return nil }
            steps.append(step)
        }
        if steps.isEmpty { return nil }
        self.steps = steps
    }

    /// The codings named in `headers` (several fields read as one list), if all are decoded here.
    init?(headers: Headers) {
        // A loop, not `headers[...]`: that joins values into a new string on every response.
        var found: String?
        for field in headers.fields where field.name.equalsASCIICaseInsensitive("Content-Encoding") {
            found = found.map { $0 + ", " + field.value } ?? field.value
        }
        guard let found else { return nil }
        self.init(header: found)
    }

    /// What `Accept-Encoding` offers: what this process decodes, in the order urllib3 and httpx name
    /// them (`gzip, deflate, br, zstd` with both libraries present, as they send with brotli and
    /// zstandard installed).
    static func acceptEncoding(decodable: (Step) -> Bool = \.isDecodable) -> String {
        [Step.gzip, .deflate, .br, .zstd].filter(decodable).map(\.rawValue).joined(separator: ", ")
    }

    /// A decoder undoing every step, the last applied first.
    func makeDecompressor() -> any Decompressor {
        if steps.count == 1 { return steps[0].makeDecompressor() }
        return DecompressorChain(steps.reversed().map { $0.makeDecompressor() })
    }

    /// As an error names it: `gzip`, or `gzip, br`.
    var name: String { steps.map(\.rawValue).joined(separator: ", ") }

    /// Runs `body`, turning the decoder's failure into `ContentDecodingError`.
    func decoding<T>(url: String?, _ body: () throws(Inflater.Failure) -> T) throws(ContentDecodingError) -> T {
        do {
            return try body()
        } catch {
            throw ContentDecodingError(url: url, encoding: name, reason: error.description)
        }
    }
}
