import Foundation

/// Sends the jar's cookies for each hop's URL (plus the call's own cookies) and stores every
/// `Set-Cookie` received, so cookies set by a redirect reach the next hop.
struct CookieMiddleware: Middleware {
    var jar: CookieJar
    /// Cookies given to this call only, sent to its origin.
    var callCookies: [(String, String)]
    /// The call's origin; needed (and set) only when there are call cookies.
    var origin: Origin?

    func send(_ request: Request, next: Next) async throws -> Response {
        var outgoing = request
        if !outgoing.headers.contains("Cookie") {
            var pairs: [String] = []
            let sendCallCookies = if let origin, !callCookies.isEmpty {
                Origin.keepsCredentials(from: origin, to: request.origin)
            } else {
                false
            }
            let callNames = sendCallCookies ? Set(callCookies.map(\.0)) : []
            if let stored = jar.header(for: request.url) {
                for pair in stored.components(separatedBy: "; ") {
                    let name = String(pair.prefix(while: { $0 != "=" }))
                    if !(sendCallCookies && callNames.contains(name)) { pairs.append(pair) }
                }
            }
            if sendCallCookies { pairs += callCookies.map { "\($0.0)=\($0.1)" } }
            if !pairs.isEmpty { outgoing.headers["Cookie"] = pairs.joined(separator: "; ") }
        }
        let response = try await next(outgoing)
        jar.store(from: response.headers, url: outgoing.url)
        return response
    }
}
