/// Sends a request on to the rest of the pipeline.
typealias Next = @Sendable (Request) async throws -> Response

/// One step between a `Session` and its transport.
protocol Middleware: Sendable {
    func send(_ request: Request, next: Next) async throws -> Response
}

extension Array where Element == any Middleware {
    /// Sends `request` through the steps from `index` on, first outermost, ending in `last`.
    ///
    /// Each step's `next` is a non-escaping closure, so the chain costs no heap allocation per call
    /// (building it from escaping closures, as before, allocated one per step on every request).
    func send(_ request: Request, from index: Int = 0, last: Next) async throws -> Response {
        guard index < count else { return try await last(request) }
        return try await self[index].send(request) { try await send($0, from: index + 1, last: last) }
    }
}

extension Response {
    /// Reads and drops the body of a response we will not return (a redirect, a retried failure).
    func discarded() async -> Response {
        (try? await buffered()) ?? self
    }
}
