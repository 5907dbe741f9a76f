/// Sends one request and returns the server's response: the last step of a `Session`'s pipeline.
///
/// Redirects, cookies, retries and authentication happen before a transport is reached, so a transport
/// only moves bytes. The response body may be left streaming (`Response.body`); the session reads it.
///
/// ```swift
/// struct LoggingTransport: Transport {
///     let inner: any Transport
///     func send(_ request: Request) async throws -> Response {
///         print(request.method, request.url)
///         return try await inner.send(request)
///     }
/// }
/// let session = Session(transport: LoggingTransport(inner: AsyncHTTPClientTransport()))
/// ```
public protocol Transport: Sendable {
    func send(_ request: Request) async throws -> Response
    /// Releases connections. Called by `Session.close()` on transports the session owns.
    func close() async throws
    /// Whether the session decodes `Content-Encoding: gzip`/`deflate` bodies this transport returns
    /// (true unless the transport was asked for the bytes as sent). Decoding is the session's step,
    /// the same for every transport.
    var decodesContent: Bool { get }
}

extension Transport {
    public func close() async throws {}
    public var decodesContent: Bool { true }
}

/// A body a transport is still reading from the network, handed to the response
/// (`ResponseBody(incoming:)`), which reads it when asked: chunk by chunk, or all at once.
///
/// ```swift
/// struct SocketBody: IncomingBody {
///     func makeChunks() -> any IncomingChunks { ... }
///     func collect() async throws -> [UInt8] { ... }   // may join buffers faster than chunk by chunk
/// }
/// Response(statusCode: 200, headers: headers, body: ResponseBody(incoming: SocketBody(...)))
/// ```
public protocol IncomingBody: Sendable {
    /// The body's chunks, in order, for one reader.
    func makeChunks() -> any IncomingChunks
    /// The whole body.
    func collect() async throws -> [UInt8]
}

/// The chunks of an `IncomingBody`, read in order; nil at the end.
public protocol IncomingChunks {
    mutating func next() async throws -> [UInt8]?
}
