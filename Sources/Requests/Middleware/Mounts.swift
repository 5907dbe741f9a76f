/// Which adapter serves a URL: the session's mounts, longest prefix first, and its own transport for
/// adapters that bring none.
struct Mounts: Sendable {
    var entries: [(prefix: String, adapter: Adapter)]
    var defaultTransport: any Transport

    /// The retry policy and the transport for `request`.
    @inline(__always)
    func route(_ request: Request) -> (retry: Retry, transport: any Transport) {
        let adapter = Session.adapter(in: entries, for: request.url.absoluteString)
        return (adapter.retry, adapter.transport ?? defaultTransport)
    }
}
