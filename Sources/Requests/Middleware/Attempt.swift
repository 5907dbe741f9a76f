/// One try of a request on the wire: the request hooks, the transport, the decoding of the body's
/// content coding (the same for every transport), and the response hooks.
struct Attempt: Sendable {
    var hooks: Hooks

    @inline(__always)
    func send(_ request: Request, through transport: any Transport) async throws -> Response {
        var response: Response
        if hooks.request.isEmpty {
            response = try await transport.send(request)   // no copy of the request to hand to hooks
        } else {
            var request = request
            for hook in hooks.request { try await hook(&request) }
            response = try await transport.send(request)
        }
        // What led to a response is the session's to say (redirects, challenges): a transport's has none.
        if !response.history.isEmpty { response.history = [] }
        if transport.decodesContent { response.decodeContent() }
        for hook in hooks.response { try await hook(response) }
        return response
    }
}
