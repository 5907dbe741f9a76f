import HTTPWire
import JSONValue

/// `/cache`, `/cache/{n}`, `/etag/{etag}` as httpbun answers them (httpbin's are in its flavor).
enum CachingRoutes {
    /// httpbun's `/cache`: a non-empty (last) `If-Modified-Since` or `If-None-Match` means the
    /// client has a copy, 304 whatever the method and without comparing; else the echo.
    static func cache(_ context: RouteContext) throws(HTTPError) -> Response {
        let headers = context.request.headers
        if !(headers.values(for: "If-Modified-Since").last ?? "").isEmpty || !(headers.values(for: "If-None-Match").last ?? "").isEmpty {
            return Response(status: 304)
        }
        return try EchoRoutes.echo(context)
    }

    /// httpbun's `/cache/{n}`: the echo with `Cache-Control: public, max-age=n`, n's digits as sent.
    static func cacheFor(_ context: RouteContext) throws(HTTPError) -> Response {
        let raw = context.routePath.split(separator: "/").last ?? ""
        guard DecimalNumber.isDigits(raw) else { return HTTPBunShape.notFound }
        var response = try EchoRoutes.echo(context)
        guard response.status == 200 else { return response }
        response.headers.add("Cache-Control", "public, max-age=" + raw)
        return response
    }

    /// httpbun's `/etag/{etag}`: 304 when the last `If-None-Match` is the path's tag exactly, as
    /// sent (no quotes, no list, no `*`), else the echo; no `ETag` header, no `If-Match`.
    static func httpbunETag(_ context: RouteContext) throws(HTTPError) -> Response {
        if context.request.headers.values(for: "If-None-Match").last == context[parameter: "etag"] {
            return Response(status: 304)
        }
        return try EchoRoutes.echo(context)
    }
}
