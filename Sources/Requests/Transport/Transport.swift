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
}

extension Transport {
    public func close() async throws {}
}
