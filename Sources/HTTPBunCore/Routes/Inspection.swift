import HTTPWire
import JSONValue

/// What the request itself looked like: `/headers /ip /ip.txt /ip.json /user-agent /uuid /payload`.
enum InspectionRoutes {
    /// `/ip` and httpbun's `/ip.json`: `{"origin": address}`.
    static func ip(_ context: RouteContext) -> Response {
        .json(["origin": .string(Echo.origin(context.request))])
    }

    /// httpbun's `/ip.txt`: the address alone, with no newline.
    static func ipText(_ context: RouteContext) -> Response {
        let origin = Echo.origin(context.request)
        // Go sniffs no type for an empty body.
        return origin.isEmpty ? Response() : .text(origin)
    }

    /// The body back, with the request's content type.
    static func payload(_ context: RouteContext) -> Response {
        // httpbun copies the request's Content-Type fields, or none: a body without one goes out
        // untyped (Go does not sniff a response whose Content-Type key it was given).
        var response = Response(body: .bytes(context.request.body))
        for value in context.request.headers.values(for: "Content-Type") { response.headers.add("Content-Type", value) }
        return response
    }
}
