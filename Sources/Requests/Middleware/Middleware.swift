/// Sends a request on to the rest of the pipeline.
typealias Next = @Sendable (Request) async throws -> Response

/// One step between a `Session` and its transport.
protocol Middleware: Sendable {
    func send(_ request: Request, next: Next) async throws -> Response
}

extension Array where Element == any Middleware {
    /// Chains the steps, first outermost, ending in `last`.
    func chained(to last: @escaping Next) -> Next {
        reversed().reduce(last) { next, step in
            { request in try await step.send(request, next: next) }
        }
    }
}

extension Response {
    /// Reads and drops the body of a response we will not return (a redirect, a retried failure).
    func discarded() async -> Response {
        (try? await buffered()) ?? self
    }
}
