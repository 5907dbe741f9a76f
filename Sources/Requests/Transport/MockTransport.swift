import HTTPWire
import Foundation

/// A transport that answers from a closure, with no network: for unit tests of code that uses `Requests`
/// (like httpx's `MockTransport`).
///
/// ```swift
/// let mock = MockTransport { request in
///     switch request.url.path {
///     case "/users/1": Response(statusCode: 200, json: ["id": 1, "name": "lee"])
///     default: Response(statusCode: 404)
///     }
/// }
/// let session = Session(transport: mock)
/// let user = try await session.get("http://api.test/users/1").json()
/// ```
///
/// Redirects, cookies, retries, auth and hooks all run as they would against a server.
public struct MockTransport: Transport {
    let handler: @Sendable (Request) async throws -> Response

    public init(_ handler: @escaping @Sendable (Request) async throws -> Response) {
        self.handler = handler
    }

    public func send(_ request: Request) async throws -> Response {
        var response = try await handler(request)
        response.url = request.url
        response.request = request
        return response
    }
}
