import HTTPWire
import JSONValue

/// What the request itself looked like: `/headers /ip /user-agent /uuid /payload`.
enum InspectionRoutes {
    /// The body back, with the request's content type.
    static func payload(_ context: RouteContext) -> Response {
        let contentType = context.request.headers.first("Content-Type") ?? "application/octet-stream"
        return .bytes(context.request.body, contentType: contentType)
    }
}
