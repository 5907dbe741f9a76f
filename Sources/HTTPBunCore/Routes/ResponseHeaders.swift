import HTTPWire
import JSONValue

/// `/response-headers?K=V&...`: each query pair becomes a response header, and the body lists them.
enum ResponseHeaderRoutes {
    /// Headers a client may not choose, dropped silently as httpbun and httpbin overwrite them:
    /// the framing ones because a client-chosen length or coding would desynchronise the connection,
    /// and `Content-Type` because honouring `text/html` would make this a reflected-XSS page.
    /// Dropping rather than refusing keeps suites that pass `Content-Type` working; the body shows
    /// what was really sent.
    static let reserved: Set<String> = [
        "content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer", "te",
        "proxy-connection",
    ]

    /// How a flavor writes the answer: header names as sent or canonical, and the body's layout.
    struct Shape {
        var canonicalNames: Bool
        /// The document around the headers' object.
        var document: @Sendable (JSON) -> JSON
        var format: JSONFormat

        static let httpbun = Shape(canonicalNames: true, document: { ["responseHeaders": $0] }, format: .pretty)
        static let httpbin = Shape(canonicalNames: false, document: { $0 }, format: HTTPBinShape.jsonFormat)
    }

    static func respond(_ context: RouteContext, shape: Shape) -> Response {
        var pairs: [(name: String, value: String)] = []
        for pair in context.request.query {
            guard HTTPToken.isValid(pair.name) else {
                return .error(400, "invalid header name \"\(pair.name)\": use letters, digits and !#$%&'*+-.^_`|~")
            }
            guard pair.value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .error(400, "invalid value for header \"\(pair.name)\": control characters such as CR, LF and NUL are not allowed")
            }
            if reserved.contains(pair.name.asciiLowercased) { continue }
            pairs.append((shape.canonicalNames ? pair.name.canonicalHeaderName : pair.name, pair.value))
        }
        var response = Response(status: 200, headers: ["Content-Type": "application/json"])
        for pair in pairs { response.headers.add(pair.name, pair.value) }
        response.body = .bytes(body(pairs, shape: shape))
        return response
    }

    /// The headers as JSON, `Content-Length` included: it depends on the body's own length, so
    /// settle it by iterating until the number stops changing (at most a few rounds).
    static func body(_ pairs: [(name: String, value: String)], shape: Shape) -> [UInt8] {
        var length = 0
        while true {
            let all = [("Content-Length", String(length)), ("Content-Type", "application/json")] + pairs
            let headers = JSON.stringOrList(all.map { (name: $0.0, value: $0.1) })
            let bytes = shape.document(headers).serializedBytes(shape.format)
            if bytes.count == length { return bytes }
            length = bytes.count
        }
    }
}
