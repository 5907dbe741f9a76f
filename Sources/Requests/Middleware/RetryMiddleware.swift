/// Sends a request through the adapter mounted for its URL, retrying by the adapter's `Retry` policy,
/// with the session's hooks around each attempt. It holds the session's settings as values rather
/// than closures over them: two closure contexts were allocated on every call.
struct RetryMiddleware: Sendable {
    /// The session's mounted adapters, longest prefix first.
    var mounts: [(prefix: String, adapter: Adapter)]
    /// The session's transport, for adapters that bring none.
    var defaultTransport: any Transport
    var hooks: Hooks

    @inline(__always)
    func send(_ request: Request) async throws -> Response {
        let adapter = Session.adapter(in: mounts, for: request.url.absoluteString)
        let transport = adapter.transport ?? defaultTransport
        let policy = adapter.retry
        var state = RetryState(policy)
        while true {
            let response: Response
            do {
                response = try await attempt(request, through: transport)
            } catch {
                let cause: RetryState.Cause
                switch error {
                case is ConnectFailed, is ConnectTimeout: cause = .connect
                case is ReadTimeout, is ConnectionClosed: cause = .read
                default: throw error
                }
                if cause == .read && !policy.isMethodRetryable(request.method) { throw error }
                guard state.increment(cause) else { throw error }
                try await Self.sleep(policy.backoff(afterConsecutiveErrors: state.failures), policy)
                continue
            }
            guard policy.isRetry(method: request.method, statusCode: response.statusCode,
                                 hasRetryAfter: response.headers.contains("Retry-After"), remainingTotal: state.total) else {
                return response
            }
            let retryAfter = response.headers["Retry-After"]
            guard state.increment(.status) else {
                if policy.raiseOnStatus {
                    throw RetryError(url: request.url.absoluteString, response: await response.discarded())
                }
                return response
            }
            _ = await response.discarded()
            if policy.respectRetryAfterHeader, let retryAfter, let wait = policy.retryAfter(retryAfter) {
                try await Self.sleep(wait, policy)
            } else {
                try await Self.sleep(policy.backoff(afterConsecutiveErrors: state.failures), policy)
            }
        }
    }

    /// One attempt: request hooks, the transport, response hooks.
    @inline(__always)
    private func attempt(_ request: Request, through transport: any Transport) async throws -> Response {
        let response: Response
        if hooks.request.isEmpty {
            response = try await transport.send(request)   // no copy of the request to hand to hooks
        } else {
            var request = request
            for hook in hooks.request { try await hook(&request) }
            response = try await transport.send(request)
        }
        for hook in hooks.response { try await hook(response) }
        return response
    }

    /// Waits, skipping zero waits as urllib3 does.
    static func sleep(_ duration: Duration, _ policy: Retry) async throws {
        if duration > .zero { try await policy.clock.sleep(duration) }
    }
}
