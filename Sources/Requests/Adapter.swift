/// What a session uses for URLs under a prefix: a retry policy and, optionally, its own transport
/// (requests' `HTTPAdapter`). Mount it with `Session.mount(_:_:)`.
///
/// ```swift
/// let session = Session()
/// let adapter = Adapter(retry: Retry(total: 3, backoffFactor: 1, statusForcelist: [429, 500, 502, 503, 504]))
/// session.mount("http://", adapter)
/// session.mount("https://", adapter)
/// session.mount("http://api.test/", Adapter(transport: MockTransport { _ in Response(statusCode: 204) }))
/// ```
public struct Adapter: Sendable {
    /// When to retry requests sent through this adapter.
    public var retry: Retry
    /// The transport for these URLs; `nil` uses the session's.
    public var transport: (any Transport)?

    public init(retry: Retry = .none, transport: (any Transport)? = nil) {
        self.retry = retry
        self.transport = transport
    }

    /// requests' `HTTPAdapter(max_retries=n)`: up to `n` retries of failed connections.
    public init(maxRetries: Int, transport: (any Transport)? = nil) {
        self.init(retry: maxRetries == 0 ? .none : Retry(total: maxRetries), transport: transport)
    }
}
