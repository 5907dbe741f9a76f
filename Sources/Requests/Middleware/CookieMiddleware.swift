import HTTPWire
import Foundation

/// Sends the jar's cookies for each hop's URL (plus the call's own cookies) and stores every
/// `Set-Cookie` received, so cookies set by a redirect reach the next hop.
struct CookieMiddleware: Middleware {
    var jar: CookieJar
    /// Cookies given to this call only, sent to its origin.
    var callCookies: [(String, String)]
    /// The call's origin; needed (and set) only when there are call cookies.
    var origin: Origin?

    @inline(__always)
    func send(_ request: Request, next: Next) async throws -> Response {
        let response: Response
        if let header = cookieHeader(for: request) {
            var outgoing = request
            outgoing.headers["Cookie"] = header
            response = try await next(outgoing)
        } else {
            response = try await next(request)   // nothing to add: no copy of the request
        }
        jar.store(from: response.headers, url: request.url)
        return response
    }

    /// The `Cookie` header to add: the jar's cookies for the URL, the call's own replacing any of the
    /// same name; nil when there are none or the request already carries one.
    func cookieHeader(for request: Request) -> String? {
        let sendCallCookies = if let origin, !callCookies.isEmpty {
            Origin.keepsCredentials(from: origin, to: request.origin)
        } else {
            false
        }
        // Nothing to send (an empty jar, the usual case): no need to search the headers.
        if !sendCallCookies && jar.isEmpty { return nil }
        if request.headers.contains("Cookie") { return nil }
        var pairs: [String] = []
        let callNames = sendCallCookies ? Set(callCookies.map(\.0)) : []
        if let stored = jar.header(for: request.url) {
            for pair in stored.components(separatedBy: "; ") {
                let name = String(pair.prefix(while: { $0 != "=" }))
                if !(sendCallCookies && callNames.contains(name)) { pairs.append(pair) }
            }
        }
        if sendCallCookies { pairs += callCookies.map { "\($0.0)=\($0.1)" } }
        return pairs.isEmpty ? nil : pairs.joined(separator: "; ")
    }
}
