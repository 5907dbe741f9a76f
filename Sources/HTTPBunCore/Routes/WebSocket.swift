import HTTPWire
import WebSocket

/// go-httpbin's `/websocket/echo`, served in every flavor (httpbun and python httpbin have no
/// WebSocket endpoint: an extra). The route checks the opening handshake (RFC 6455 §4.2.1) and the
/// limits in the query, and answers 101 with `Sec-WebSocket-Accept` and a `.webSocket` body; the
/// server then hands the connection to the echo (`WebSocketSession`).
///
/// ```
/// GET /websocket/echo?max_message_size=65536   (Upgrade: websocket, Connection: Upgrade,
///     Sec-WebSocket-Version: 13, Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==)
///   → 101, Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
/// the same with Sec-WebSocket-Version: 8
///   → 426, Sec-WebSocket-Version: 13
/// ```
///
/// Refusals are go-httpbin's JSON errors, `{"status_code", "error", "detail"}`.
package enum WebSocketRoutes {
    /// RFC 6455 §1.3: appended to the client's key before hashing.
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    static func echo(_ context: RouteContext) -> Response {
        let request = context.request
        // RFC 6455 §4.1: a GET, over HTTP/1.1 or later (upgrades do not exist in HTTP/1.0).
        guard request.method == "GET" else { return refusal("a WebSocket handshake must be a GET, not \(request.method)") }
        guard request.version == "HTTP/1.1" else { return refusal("a WebSocket handshake needs HTTP/1.1, not \(request.version)") }
        let limits: WebSocketLimits
        switch self.limits(request, maxBodySize: context.configuration.maxBodySize) {
        case .success(let chosen): limits = chosen
        case .failure(let problem): return refusal(problem.message)
        }
        let headers = request.headers
        guard hasToken("websocket", in: headers.values(for: "Upgrade")) else {
            return refusal("missing required `Upgrade: websocket` header")
        }
        guard hasToken("upgrade", in: headers.values(for: "Connection")) else {
            return refusal("missing required `Connection: upgrade` header")
        }
        let version = headers.first("Sec-WebSocket-Version") ?? ""
        guard version == "13" else {
            // RFC 6455 §4.4: say which version this server speaks.
            var response = refusal("only websocket version \"13\" is supported, got \(GoQuote.quote(version))", status: 426)
            response.headers.add("Sec-WebSocket-Version", "13")
            return response
        }
        guard let key = headers.first("Sec-WebSocket-Key"), !key.isEmpty else {
            return refusal("missing required `Sec-Websocket-Key` header")
        }
        // RFC 6455 §4.2.1: the key is 16 random bytes, base64-encoded (24 characters).
        guard key.utf8.count == 24, case .success(let nonce) = Base64.decodeAsGo(key), nonce.count == 16 else {
            return refusal("`Sec-Websocket-Key` must be 16 bytes in base64, got \(GoQuote.quote(key))")
        }
        return Response(
            status: 101,
            headers: ["Upgrade": "websocket", "Connection": "upgrade", "Sec-WebSocket-Accept": acceptValue(key: key)],
            body: .webSocket(limits))
    }

    /// `Sec-WebSocket-Accept` for a client's key: base64 of the SHA-1 of the key and the GUID.
    static func acceptValue(key: String) -> String {
        Base64.encode(HashFunction.sha1.hash((key + acceptGUID).utf8))
    }

    /// go-httpbin's `max_fragment_size` (half the body limit by default) and `max_message_size` (the
    /// body limit), each read as Go's `strconv.ParseInt(s, 10, 32)` and kept within 1 and
    /// `--max-body-size`, the fragment no larger than the message.
    static func limits(_ request: Request, maxBodySize: Int) -> Result<WebSocketLimits, GoRefusal> {
        var limits = WebSocketLimits(maxFragmentSize: maxBodySize / 2, maxMessageSize: maxBodySize)
        for (name, keyPath) in [("max_fragment_size", \WebSocketLimits.maxFragmentSize), ("max_message_size", \.maxMessageSize)] {
            guard let text = request.queryValue(name), !text.isEmpty else { continue }
            switch goParseInt32(text) {
            case .failure(let problem):
                return .failure(GoRefusal(message: "invalid \(name): strconv.ParseInt: parsing \(GoQuote.quote(text)): \(problem.message)"))
            case .success(let value) where value < 1 || value > maxBodySize:
                return .failure(GoRefusal(message: "invalid \(name): \(value) not in range [1, \(maxBodySize)]"))
            case .success(let value):
                limits[keyPath: keyPath] = value
            }
        }
        guard limits.maxFragmentSize <= limits.maxMessageSize else {
            return .failure(GoRefusal(
                message: "max_fragment_size \(limits.maxFragmentSize) must be less than or equal to max_message_size \(limits.maxMessageSize)"))
        }
        return .success(limits)
    }

    /// Go's `strconv.ParseInt(text, 10, 32)`: an optional sign and decimal digits, within 32 bits;
    /// a failure is Go's reason (`invalid syntax`, `value out of range`).
    static func goParseInt32(_ text: String) -> Result<Int, GoRefusal> {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(GoRefusal(message: "invalid syntax"))
        }
        guard let value = Int32(text) else {
            return .failure(GoRefusal(message: "value out of range"))
        }
        return .success(Int(value))
    }

    /// Whether a comma-separated header list (`Connection: keep-alive, Upgrade`) names `token`, in any case.
    static func hasToken(_ token: String, in values: [String]) -> Bool {
        values.contains { value in
            value.split(separator: ",").contains { $0.trimmingSpaces.equalsASCIICaseInsensitive(token) }
        }
    }

    /// A refusal in go-httpbin's JSON, for the route and for the server's own (a HEAD, a stopping server).
    package static func refusal(_ detail: String, status: Int = 400) -> Response {
        GoHTTPBin.error(status, detail)
    }
}
