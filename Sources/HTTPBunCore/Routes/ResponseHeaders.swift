import HTTPWire
import JSONValue

/// `/response-headers?K=V&...`: each query pair becomes a response header, and the body lists them.
enum ResponseHeaderRoutes {
    static let routes: [Route] = [
        Route(["GET", "POST"], "/response-headers", respond)
    ]

    /// Headers a client may not choose, dropped silently as httpbun and httpbin overwrite them:
    /// the framing ones because a client-chosen length or coding would desynchronise the connection,
    /// and `Content-Type` because honouring `text/html` would make this a reflected-XSS page.
    /// Dropping rather than refusing keeps suites that pass `Content-Type` working; the body shows
    /// what was really sent.
    static let reserved: Set<String> = [
        "content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer", "te",
        "proxy-connection",
    ]

    static func respond(_ context: RouteContext) -> Response {
        var pairs: [(name: String, value: String)] = []
        for pair in context.request.query {
            guard HTTPToken.isValid(pair.name) else {
                return .error(400, "invalid header name \"\(pair.name)\": use letters, digits and !#$%&'*+-.^_`|~")
            }
            guard pair.value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .error(400, "invalid value for header \"\(pair.name)\": control characters such as CR, LF and NUL are not allowed")
            }
            if reserved.contains(pair.name.asciiLowercased) { continue }
            // httpbin keeps the name as the client wrote it.
            pairs.append((context.configuration.flavor == .httpbin ? pair.name : pair.name.canonicalHeaderName, pair.value))
        }
        var response = Response(status: 200, headers: ["Content-Type": "application/json"])
        for pair in pairs { response.headers.add(pair.name, pair.value) }
        response.body = .bytes(body(pairs, flavor: context.configuration.flavor))
        return response
    }

    /// The headers as JSON, `Content-Length` included: it depends on the body's own length, so
    /// settle it by iterating until the number stops changing (at most a few rounds).
    static func body(_ pairs: [(name: String, value: String)], flavor: ServerConfiguration.Flavor) -> [UInt8] {
        var length = 0
        while true {
            let all = [("Content-Length", String(length)), ("Content-Type", "application/json")] + pairs
            let headers = JSON.stringOrList(all.map { (name: $0.0, value: $0.1) })
            let document: JSON = flavor == .httpbin ? headers : ["responseHeaders": headers]
            let bytes = document.serializedBytes(flavor == .httpbin ? HTTPBinShape.jsonFormat : .pretty)
            if bytes.count == length { return bytes }
            length = bytes.count
        }
    }
}
