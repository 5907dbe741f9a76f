import HTTPWire
import JSONValue

/// `/cache`, `/cache/{n}`, `/etag/{etag}`: conditional requests and caching headers.
enum CachingRoutes {
    /// RFC 9111 section 1.2.2: caches treat any larger max-age as this.
    static let maximumAge = 2_147_483_648

    /// Any validator sent means the client has a copy: 304, as httpbun answers it without comparing.
    static func cache(_ context: RouteContext) throws(HTTPError) -> Response {
        let headers = context.request.headers
        if headers.contains("If-Modified-Since") || headers.contains("If-None-Match") {
            return notModifiedOrFailed(context.request.method)
        }
        var response = try EchoRoutes.echo(context)
        guard response.status == 200 else { return response }
        var generator = context.services.randomNumbers
        response.headers.add("Last-Modified", HTTPDate.format(secondsSinceEpoch: context.services.secondsSinceEpoch))
        response.headers.add("ETag", "\"" + RandomIdentifiers.uuid4(using: &generator).filter { $0 != "-" } + "\"")
        return response
    }

    static func cacheFor(_ context: RouteContext) throws(HTTPError) -> Response {
        let text = context[parameter: "n"]
        guard let seconds = DecimalNumber.whole(text), (0...maximumAge).contains(seconds) else {
            return .error(400, "invalid max-age \"\(text)\": use a whole number of seconds from 0 to \(maximumAge)")
        }
        var response = try EchoRoutes.echo(context)
        guard response.status == 200 else { return response }
        response.headers.add("Cache-Control", "public, max-age=\(seconds)")
        return response
    }

    /// Conditions evaluated in RFC 9110 section 13.2.2's order: `If-Match` first (strong
    /// comparison), then `If-None-Match` (weak comparison).
    static func etag(_ context: RouteContext) throws(HTTPError) -> Response {
        let opaque = context[parameter: "etag"]
        guard EntityTagCondition.isValidOpaque(opaque) else {
            return .error(400, "invalid etag \"\(opaque)\": use visible ASCII characters other than double quote")
        }
        let tag = "\"" + opaque + "\""
        let headers = context.request.headers
        var response: Response
        if headers.contains("If-Match"), !EntityTagCondition.parse(headers.values(for: "If-Match")).matches(opaque, weakly: false) {
            response = .error(412, "precondition failed: If-Match does not list \(tag)")
        } else if headers.contains("If-None-Match"),
            EntityTagCondition.parse(headers.values(for: "If-None-Match")).matches(opaque, weakly: true)
        {
            response = notModifiedOrFailed(context.request.method)
        } else {
            response = try EchoRoutes.echo(context)
            guard response.status == 200 else { return response }
        }
        response.headers.add("ETag", tag)
        return response
    }

    /// 304 for GET and HEAD; for other methods a matching `If-None-Match` means the change must not be
    /// made (RFC 9110 section 13.1.2): 412.
    static func notModifiedOrFailed(_ method: String) -> Response {
        if method == "GET" || method == "HEAD" { return Response(status: 304) }
        return .error(412, "precondition failed: the resource matches the request's validator")
    }
}
