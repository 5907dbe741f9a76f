import HTTPWire
import JSONValue

/// What the request itself looked like: `/headers /ip /user-agent /uuid /payload`.
enum InspectionRoutes {
    static let routes: [Route] = [
        Route(nil, "/headers", { .json(["headers": Echo.headers($0.request)]) }),
        Route(nil, "/ip", { .json(["origin": .string(Echo.origin($0.request))]) }),
        Route(nil, "/user-agent", { .json(["user-agent": .string($0.request.headers.first("User-Agent") ?? "")]) }),
        Route(nil, "/uuid", { context in
            var generator = context.services.randomNumbers
            return .json(["uuid": .string(RandomIdentifiers.uuid4(using: &generator))])
        }),
        Route(nil, "/payload", payload),
    ]

    /// The body back, with the request's content type.
    static func payload(_ context: RouteContext) -> Response {
        let contentType = context.request.headers.first("Content-Type") ?? "application/octet-stream"
        return .bytes(context.request.body, contentType: contentType)
    }
}
