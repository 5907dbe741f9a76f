/// Applies credentials to every hop that stays on the call's origin, and lets the authenticator answer
/// challenges (a digest 401) by sending the request again; the challenges go into the answer's `history`.
struct AuthMiddleware: Middleware {
    var auth: Auth
    var origin: Origin
    /// How many times one hop may be resent to answer challenges.
    var maxChallenges = 3

    func send(_ request: Request, next: Next) async throws -> Response {
        guard Origin.keepsCredentials(from: origin, to: request.origin) else { return try await next(request) }
        var current = request
        try await auth.authenticator.apply(to: &current)
        var response = try await next(current)
        var rounds = 0
        // The challenges answered (a digest 401), kept in the answer's `history` as requests and httpx do.
        var challenges: [Response] = []
        while rounds < maxChallenges, let again = try await auth.authenticator.respond(to: response, for: current) {
            challenges.append(await response.discarded())
            current = again
            response = try await next(current)
            rounds += 1
        }
        if !challenges.isEmpty { response.history = challenges }
        return response
    }
}
