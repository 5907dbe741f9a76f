/// Retries a request by the `Retry` policy of the adapter mounted for its URL, each try an `Attempt`.
/// It holds the session's settings as values rather than closures over them: closures would be a
/// context allocated on every call.
struct RetryMiddleware: Sendable {
    var mounts: Mounts
    var attempt: Attempt

    @inline(__always)
    func send(_ request: Request) async throws -> Response {
        let (policy, transport) = mounts.route(request)
        var state = RetryState(policy)
        while true {
            let response: Response
            do {
                response = try await attempt.send(request, through: transport)
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

    /// Waits, skipping zero waits as urllib3 does.
    static func sleep(_ duration: Duration, _ policy: Retry) async throws {
        if duration > .zero { try await policy.clock.sleep(duration) }
    }
}
