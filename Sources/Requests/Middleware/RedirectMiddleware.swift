import HTTPWire
import Foundation

/// Follows redirects by requests' rules, keeping `history` (with the auth challenges answered on the way).
///
/// - 303 turns any method but HEAD into GET; so does 302 (as browsers do); 301 turns POST into GET.
/// - A method turned into GET loses its body and the headers describing it; 307 and 308 keep both.
/// - `Authorization` (and an explicit `Cookie` header) is dropped when the origin changes, except for
///   an http→https upgrade on the same host.
/// - A relative `Location` is resolved against the current URL.
/// - More than `maxRedirects` redirects throw `TooManyRedirects`.
struct RedirectMiddleware: Middleware {
    var allowRedirects: Bool
    var maxRedirects: Int

    /// Inlined into the pipeline, so the first hop's `next` is too; the loop for actual redirects is
    /// a call of its own (`follow`), left out of line: inlined, it multiplied the pipeline's code.
    @inline(__always)
    func send(_ request: Request, next: Next) async throws -> Response {
        // The first hop goes as it is: most calls are not redirected, and need no copy of the request.
        // Its history is what the steps below put there (auth challenges answered), kept as it is.
        let response = try await next(request)
        guard allowRedirects, response.isRedirect else { return response }
        return try await follow(from: request, response, next: next)
    }

    /// Follows the redirect `first`, the answer to `request`, and those after it. The history is every
    /// response that led here, oldest first: each redirect, and the challenges answered on the way.
    private func follow(from request: Request, _ first: Response, next: Next) async throws -> Response {
        var current = request
        var response = first
        var history: [Response] = []
        var redirects = 0
        while response.isRedirect {
            response = await response.discarded()
            history += response.history
            response.history = []
            if redirects >= maxRedirects {
                throw TooManyRedirects(url: request.url.absoluteString, maxRedirects: maxRedirects, history: history + [response])
            }
            redirects += 1
            history.append(response)
            current = try Self.nextHop(after: current, response: response)
            response = try await next(current)
        }
        response.history = history + response.history
        return response
    }

    static func nextHop(after request: Request, response: Response) throws -> Request {
        let location = response.headers["Location"] ?? ""
        var target = location
        if target.hasPrefix("//") { target = (request.url.scheme ?? "http") + ":" + target }
        guard let resolved = URL(string: FormEncoding.requote(target), relativeTo: request.url)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            throw InvalidURL(url: location, reason: "the redirect from \(request.url.absoluteString) points to a URL that cannot be followed")
        }
        var next = request
        // Credentials in a Location URL are not used and not sent on (requests ignores them too).
        next.url = URLCredentials.split(resolved)?.url ?? resolved
        next.challengesAnswered = 0
        next.method = rewrittenMethod(request.method, status: response.statusCode)
        if response.statusCode != 307 && response.statusCode != 308 {
            next.body = .empty
            for name in ["Content-Type", "Content-Length", "Transfer-Encoding"] { next.headers.remove(name) }
        }
        if !Origin.keepsCredentials(from: request.origin, to: next.origin) {
            next.headers.remove("Authorization")
            next.headers.remove("Cookie")
        }
        return next
    }

    /// requests' `rebuild_method`.
    static func rewrittenMethod(_ method: Method, status: Int) -> Method {
        if status == 303 && method != .head { return .get }
        if status == 302 && method != .head { return .get }
        if status == 301 && method == .post { return .get }
        return method
    }
}
