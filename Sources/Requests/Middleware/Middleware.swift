/// Sends a request on to the rest of the pipeline.
typealias Next = @Sendable (Request) async throws -> Response

/// One step between a `Session` and its transport.
protocol Middleware: Sendable {
    func send(_ request: Request, next: Next) async throws -> Response
}

/// The steps every call goes through, outermost first: redirects, auth (when the call has
/// credentials), cookies, then the retrying transport.
///
/// The steps are called as the concrete types they are: an array of `any Middleware` boxed the
/// larger steps and dispatched each through a witness table on every request. Each step's `next` is
/// a non-escaping closure, so the chain costs no heap allocation per call.
///
/// Each async call left out of line costs a `swift_task_alloc` for the callee's frame and a
/// resumption on return, and the optimizer kept most of this chain as separate frames. So the steps
/// are folded into two frames: the session's (`Session.complete`, `send`, the redirect step's first
/// hop, the auth choice) and `sendWithCookies` (cookies, retries, the attempt). `sendWithCookies` is
/// kept out of line on purpose: it is reached from two places (with and without auth), and with
/// everything inlined the compiler copied the retry loop into every path, more than doubling this
/// library's machine code.
struct Pipeline: Sendable {
    var redirect: RedirectMiddleware
    var auth: AuthMiddleware?
    var cookies: CookieMiddleware
    var retry: RetryMiddleware

    @inline(__always)
    func send(_ request: Request) async throws -> Response {
        try await redirect.send(request) { request in
            guard let auth else { return try await sendWithCookies(request) }
            return try await auth.send(request) { try await sendWithCookies($0) }
        }
    }

    @inline(never)   // see above
    private func sendWithCookies(_ request: Request) async throws -> Response {
        try await cookies.send(request) { try await retry.send($0) }
    }
}

extension Response {
    /// Reads and drops the body of a response we will not return (a redirect, a retried failure).
    func discarded() async -> Response {
        (try? await buffered()) ?? self
    }
}
