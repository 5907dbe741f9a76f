/// Code run for every request sent on the wire and every response received (each redirect hop, each
/// auth challenge such as a digest 401, and each retry included), like httpx's event hooks. requests'
/// response hooks see redirects but not the digest 401, which its auth step answers first; both keep
/// that 401 in the final response's `history`, as `Response.history` does here.
///
/// ```swift
/// let session = Session()
/// session.hooks.request.append { request in request.headers["X-Request-ID"] = UUID().uuidString }
/// session.hooks.response.append { response in print(response.statusCode, response.url) }
/// ```
///
/// A response hook sees the head; for streamed calls the body has not been read yet, so leave it alone.
public struct Hooks: Sendable {
    public var request: [@Sendable (inout Request) async throws -> Void] = []
    public var response: [@Sendable (Response) async throws -> Void] = []
    public init() {}
}
