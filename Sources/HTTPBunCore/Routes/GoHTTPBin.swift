import HTTPWire
import JSONValue

/// The endpoints only go-httpbin has (`/hostname`, `/env`, `/jsonl`, `/dump/request`, `/upload`,
/// `/trailers`), answered in go-httpbin's shapes in every flavor: its JSON layout (`json.Encoder`
/// with a 2-space indent, fields in its structs' order, map keys sorted, HTML left unescaped, a
/// final newline), its error object, and its echo fields (`args` and `headers` as lists, `origin`
/// from the proxy headers it reads, `url` as Go rebuilds it).
enum GoHTTPBin {
    static let jsonContentType = "application/json; charset=utf-8"

    /// `writeJSON`: `value`'s members in the order given (Go's struct order); nested maps are
    /// built sorted by their makers below, as Go sorts map keys.
    static func json(_ value: JSON, status: Int = 200) -> Response {
        Response(status: status, headers: .contentType(jsonContentType), body: .bytes(GoJSON.encoded(value)))
    }

    /// `writeError`: `{"status_code", "error", "detail"}` (no `detail` when there is none).
    static func error(_ status: Int, _ detail: String?) -> Response {
        var object: JSONObject = ["status_code": .number(String(status)), "error": .string(goStatusText(status))]
        if let detail { object["detail"] = .string(detail) }
        return json(.object(object), status: status)
    }

    /// Go's `http.StatusText` where it words a status otherwise than RFC 9110 does.
    private static func goStatusText(_ status: Int) -> String {
        switch status {
        case 413: "Request Entity Too Large"
        case 422: "Unprocessable Entity"
        default: StatusReason.phrase(for: status)
        }
    }

    // MARK: The echo's fields

    /// `args`, `headers`, `method`, `origin`, `url`: go-httpbin's `noBodyResponse`.
    static func echoFields(_ request: Request, method: Bool = true) -> [(key: String, value: JSON)] {
        var fields: [(key: String, value: JSON)] = [("args", args(request)), ("headers", headers(request))]
        if method { fields.append(("method", .string(request.method))) }
        fields.append(("origin", .string(origin(request))))
        fields.append(("url", .string(url(request))))
        return fields
    }

    /// `r.URL.Query()` (`GoForm.parseQuery`): each name's values as a list, names sorted.
    static func args(_ request: Request) -> JSON {
        valueLists(GoForm.parseQuery(request.rawQuery.utf8).pairs)
    }

    /// `http.Header` as JSON: canonical names, sorted, each with its values in order; `Host` is
    /// the request's host alone, as `getRequestHeaders` sets it.
    static func headers(_ request: Request) -> JSON {
        var pairs: [(name: String, value: String)] = []
        var host: String?
        for field in request.headers.fields {
            let name = field.name.canonicalHeaderName
            if name == "Host" {
                if host == nil { host = field.value }
            } else {
                pairs.append((name, field.value))
            }
        }
        pairs.append(("Host", request.targetAuthority ?? host ?? ""))
        return valueLists(pairs)
    }

    /// Names sorted by bytes, as Go's `encoding/json` sorts map keys, each with a list of values.
    private static func valueLists(_ pairs: [(name: String, value: String)]) -> JSON {
        var order: [String] = []
        var values: [String: [JSON]] = [:]
        for pair in pairs {
            if values[pair.name] == nil { order.append(pair.name) }
            values[pair.name, default: []].append(.string(pair.value))
        }
        let sorted = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return .object(JSONObject(sorted.map { (key: $0, value: .array(values[$0]!)) }))
    }

    /// `getClientIP`: the hosting platforms' own headers, then the first `X-Forwarded-For` entry,
    /// then the peer's address.
    static func origin(_ request: Request) -> String {
        for name in ["Fly-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "True-Client-IP"] {
            if let value = request.headers.first(name), !value.isEmpty { return value }
        }
        if let forwarded = request.headers.first("X-Forwarded-For"), !forwarded.isEmpty {
            let first = forwarded.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)[0]
            // `strings.TrimSpace`, for the ASCII spaces a field value can hold.
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            guard let start = first.firstIndex(where: { !isSpace($0) }), let end = first.lastIndex(where: { !isSpace($0) }) else { return "" }
            return String(first[start...end])
        }
        return request.remoteAddress
    }

    /// `getURL(r).String()`: the scheme the proxy headers name (or the connection's), the host,
    /// the path as `URL.EscapedPath` gives it, and the raw query.
    static func url(_ request: Request) -> String {
        let scheme: String
        if let proto = nonEmpty(request.headers.first("X-Forwarded-Proto")) ?? nonEmpty(request.headers.first("X-Forwarded-Protocol")) {
            scheme = proto
        } else if request.headers.first("X-Forwarded-Ssl") == "on" {
            scheme = "https"
        } else {
            scheme = request.scheme
        }
        let host = request.targetAuthority ?? request.headers.first("Host") ?? ""
        let query = request.rawQuery
        return scheme + "://" + host + escapedPath(request.rawPath) + (query.isEmpty ? "" : "?" + query)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `URL.EscapedPath`: the path as sent when Go counts it validly encoded, else the decoded
    /// path escaped again in Go's path mode.
    static func escapedPath(_ raw: Substring) -> String {
        let bytes = Array(raw.utf8)
        if bytes.allSatisfy({ PercentCoding.isUnreserved($0) || validInPath.contains($0) }) && GoUnescape.firstBadEscape(bytes[...]) == nil {
            return String(raw)
        }
        let decoded = GoUnescape.firstBadEscape(bytes[...]) == nil ? PercentCoding.decodeBytes(bytes, plusAsSpace: false) : bytes
        var output: [UInt8] = []
        for byte in decoded {
            if PercentCoding.isUnreserved(byte) || pathMayKeep.contains(byte) {
                output.append(byte)
            } else {
                PercentCoding.appendEscape(byte, to: &output)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// What `validEncoded` lets stand in a raw path besides unreserved bytes.
    private static let validInPath: Set<UInt8> = Set("!$&'()*+,;=:@[]%/".utf8)
    /// What `escape(_, encodePath)` leaves unescaped besides unreserved bytes.
    private static let pathMayKeep: Set<UInt8> = Set("$&+,/:;=@".utf8)

    // MARK: Endpoints

    /// `/hostname`: the configured name (`--hostname`; go-httpbin's `-use-real-hostname` is
    /// `--use-real-hostname`), never the machine's unless asked.
    static func hostname(_ context: RouteContext) -> Response {
        json(["hostname": .string(context.configuration.hostname)])
    }

    /// `/env`: the `HTTPBUN_ENV_*` variables the server was started with (go-httpbin shows its
    /// `HTTPBIN_ENV_*` ones), names sorted; `null` when there are none, as Go writes a nil map.
    static func env(_ context: RouteContext) -> Response {
        let variables = context.configuration.environment.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        guard !variables.isEmpty else { return json(["env": .null]) }
        return json(["env": .object(JSONObject(variables.map { (key: $0.key, value: .string($0.value)) }))])
    }

    /// `/dump/request`: the request as this server received it: the request line, every field in
    /// arrival order with its name as sent, an empty line, and the body (de-chunked). go-httpbin
    /// prints Go's re-serialisation instead (`httputil.DumpRequest`: `Host` first, names
    /// canonical and sorted): see docs/flavors.md.
    static func dumpRequest(_ context: RouteContext) -> Response {
        let request = context.request
        var text: [UInt8] = []
        text.reserveCapacity(512 + request.body.count)
        let target = request.targetAuthority.map { "\(request.scheme)://\($0)\(request.target)" } ?? request.target
        text.append(contentsOf: "\(request.method) \(target) \(request.version)\r\n".utf8)
        for field in request.headers.fields {
            text.append(contentsOf: field.name.utf8)
            text.append(contentsOf: ": ".utf8)
            text.append(contentsOf: field.value.utf8)
            text.append(contentsOf: "\r\n".utf8)
        }
        text.append(contentsOf: "\r\n".utf8)
        text.append(contentsOf: request.body)
        return .bytes(text, contentType: "text/plain; charset=utf-8")
    }

    // MARK: /jsonl

    static let jsonlContentType = "application/x-ndjson; charset=utf-8"
    /// Lines up to this many bytes share one chunk when no pause separates them.
    private static let jsonlBatchBytes = 64 * 1024

    /// One `/jsonl` line: go-httpbin's `streamResponse` (`id`, `args`, `headers`, `origin`, `url`).
    private static func jsonlLine(id: Int, fields: [(key: String, value: JSON)]) -> [UInt8] {
        GoJSON.marshal(.object(JSONObject([(key: "id", value: .number(String(id)))] + fields)), sorted: false) + [UInt8(ascii: "\n")]
    }

    /// How many lines fit in `maxBodySize`, judged as go-httpbin judges it: by the size of a
    /// representative line.
    static func maximumJSONLCount(maxBodySize: Int) -> Int {
        let sample = jsonlLine(id: 999, fields: [
            ("args", .object(["sample": ["value"]])),
            ("headers", .object(["Host": ["example.com"], "User-Agent": ["sample-agent/1.0"]])),
            ("origin", "127.0.0.1"), ("url", "http://example.com/jsonl?count=100"),
        ])
        return maxBodySize / sample.count
    }

    /// `/jsonl?count=&duration=&delay=&jitter=`: `count` lines (10; at least 1, at most what
    /// `--max-body-size` holds), the first at once after `delay`, the rest `duration / (count - 1)`
    /// apart, each pause varied by ±`jitter`.
    static func jsonl(_ context: RouteContext) -> Response {
        let request = context.request
        let maximum = context.configuration.maxDuration
        var count = 10
        if let text = nonEmpty(request.queryValue("count")) {
            switch GoFloatParse.atoi(text) {
            case .failure(let refusal): return error(400, "invalid count: \(refusal.message)")
            case .success(let value): count = min(max(value, 1), max(1, maximumJSONLCount(maxBodySize: context.configuration.maxBodySize)))
            }
        }
        var duration: Int64 = 0
        var delay: Int64 = 0
        if let text = nonEmpty(request.queryValue("duration")) {
            switch boundedDuration(text, minimum: 1, maximum: maximum) {
            case .failure(let refusal): return error(400, "invalid duration: \(refusal.message)")
            case .success(let value): duration = value
            }
        }
        if let text = nonEmpty(request.queryValue("delay")) {
            switch boundedDuration(text, minimum: 0, maximum: maximum) {
            case .failure(let refusal): return error(400, "invalid delay: \(refusal.message)")
            case .success(let value): delay = value
            }
        }
        var jitter = 0.0
        if let text = nonEmpty(request.queryValue("jitter")) {
            guard case .success(let value) = GoFloatParse.parse(text), value >= 0, value <= 1 else {
                return error(400, "invalid jitter: must be a float in [0, 1]")
            }
            jitter = value
        }
        guard duration.addingReportingOverflow(delay).partialValue <= nanoseconds(maximum) else {
            var response = Response.text("Too much time\n", status: 400)
            response.headers.set("X-Content-Type-Options", "nosniff")
            return response
        }
        // `computePausePerWrite`: the pauses come between lines, rounded up so they add up to at
        // least `duration`.
        let pause = count > 1 ? (duration + Int64(count - 2)) / Int64(count - 1) : duration
        let fields = echoFields(request, method: false)
        var random = context.services.randomNumbers
        var chunks: [TimedStream.Chunk] = []
        var pending: [UInt8] = []
        for id in 0..<count {
            var wait: Int64 = 0
            if id > 0 && pause > 0 {
                wait = pause
                if jitter > 0 {
                    let scale = 1 + jitter * (2 * Double.random(in: 0..<1, using: &random) - 1)
                    wait = max(0, Int64(Double(pause) * scale))
                }
            }
            let line = jsonlLine(id: id, fields: fields)
            if wait > 0 {
                if !pending.isEmpty { chunks.append(TimedStream.Chunk(bytes: pending)) }
                pending = []
                chunks.append(TimedStream.Chunk(pause: .nanoseconds(wait), bytes: line))
            } else {
                pending += line
                if pending.count >= jsonlBatchBytes {
                    chunks.append(TimedStream.Chunk(bytes: pending))
                    pending = []
                }
            }
        }
        if !pending.isEmpty { chunks.append(TimedStream.Chunk(bytes: pending)) }
        return Response(
            headers: .contentType(jsonlContentType), body: .stream(TimedStream(chunks)), delay: .nanoseconds(delay))
    }

    /// `parseBoundedDuration`: a Go duration or seconds, within `minimum...maximum` nanoseconds.
    private static func boundedDuration(_ text: String, minimum: Int64, maximum: Duration) -> Result<Int64, GoRefusal> {
        switch GoDuration.parse(text) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let value):
            let upper = nanoseconds(maximum)
            if value > upper {
                return .failure(GoRefusal(message: "duration \(GoDuration.string(value)) longer than \(GoDuration.string(upper))"))
            }
            if value < minimum {
                return .failure(GoRefusal(message: "duration \(GoDuration.string(value)) shorter than \(GoDuration.string(minimum))"))
            }
            return .success(value)
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    // MARK: /upload

    /// `/upload` (`POST`, `PUT`, `PATCH`): go-httpbin's `discardedBodyResponse`, the echo fields and
    /// `bytes_received`, plus `receive_seconds`, how long the body took to arrive. The server counts
    /// the body as it streams and keeps none of it (`Request.discardedBody`), up to
    /// `--max-upload-size`; a request built by hand is counted from its `body`.
    static func upload(_ context: RouteContext) -> Response {
        let request = context.request
        let received = request.discardedBody ?? DiscardedBody(byteCount: request.body.count, duration: .zero)
        var fields = echoFields(request)
        fields.append(("bytes_received", .number(String(received.byteCount))))
        fields.append(("receive_seconds", JSON(received.duration.secondsValue)))
        return json(.object(JSONObject(fields)))
    }

    // MARK: /trailers

    /// Names a trailer may not carry (go-httpbin's `forbiddenTrailers`, after MDN's list).
    static let forbiddenTrailers: Set<String> = [
        "Authorization", "Cache-Control", "Content-Encoding", "Content-Length", "Content-Range", "Content-Type", "Host",
        "Max-Forwards", "Set-Cookie", "Te", "Trailer", "Transfer-Encoding",
    ]

    /// `/trailers?name=value...`: the echo (go-httpbin's `bodyResponse`) as a chunked body, then each
    /// query argument as a trailer field (names canonical, the last value of a name), each name
    /// announced in a `Trailer` field first.
    static func trailers(_ context: RouteContext) -> Response {
        let request = context.request
        let pairs = GoForm.parseQuery(request.rawQuery.utf8).pairs
        var names: [String] = []
        var values: [String: String] = [:]
        for pair in pairs {
            let name = pair.name.canonicalHeaderName
            if forbiddenTrailers.contains(name) { return error(400, "forbidden trailer: \(pair.name)") }
            // Go's server drops a trailer it cannot write; one that cannot be sent is refused here.
            guard HTTPToken.isValid(pair.name), !pair.value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                return error(400, "invalid trailer: \(pair.name)")
            }
            if values[name] == nil { names.append(name) }
            values[name] = pair.value
        }
        let echo: JSON
        switch bodyEcho(request) {
        case .failure(let refusal): return error(400, "error parsing request body: \(refusal.message)")
        case .success(let value): echo = value
        }
        var response = json(echo)
        var trailers = HTTPHeaders()
        for name in names {
            response.headers.add("Trailer", name)
            trailers.add(name, values[name]!)
        }
        response.body = .stream(TimedStream([TimedStream.Chunk(bytes: response.bodyBytes)], trailers: trailers))
        return response
    }

    /// go-httpbin's `bodyResponse`: the echo fields, then `data` (the body as text), `files` and
    /// `form` (lists by name), and `json`, read by the `Content-Type` before any `;`, exactly.
    static func bodyEcho(_ request: Request) -> Result<JSON, GoRefusal> {
        var form: [(name: String, value: String)] = []
        var files: [(name: String, value: String)] = []
        var decoded: JSON = .null
        let body = request.body
        let contentType = request.headers.first("Content-Type").map { String($0.prefix { $0 != ";" }) } ?? ""
        if !body.isEmpty {
            switch contentType {
            case "application/x-www-form-urlencoded":
                form = GoForm.parseQuery(body).pairs
            case "multipart/form-data":
                guard let boundary = request.headers.first("Content-Type").flatMap({ MediaType.parse($0).parameter("boundary") }),
                    !boundary.isEmpty
                else { return .failure(GoRefusal(message: "no multipart boundary param in Content-Type")) }
                do {
                    for part in try Multipart.parse(body, boundary: boundary) {
                        let text = String(decoding: part.body, as: UTF8.self)
                        if part.filename != nil { files.append((part.name, text)) } else { form.append((part.name, text)) }
                    }
                } catch {
                    return .failure(GoRefusal(message: error.message))
                }
            case "application/json":
                if let problem = GoJSON.syntaxError(in: body) { return .failure(GoRefusal(message: problem)) }
                decoded = (try? JSON.parse(body)).map(GoJSON.asFloats) ?? .null
            default: break
            }
        }
        var fields = echoFields(request)
        fields.append(("data", .string(String(decoding: GoJSON.replacingInvalidUTF8(body), as: UTF8.self))))
        fields.append(("files", valueLists(files)))
        fields.append(("form", valueLists(form)))
        fields.append(("json", decoded))
        return .success(.object(JSONObject(fields)))
    }
}

/// What the server counted of a body it read and threw away (`/upload`).
public struct DiscardedBody: Sendable, Hashable {
    /// Bytes of body received (after de-chunking).
    public var byteCount: Int
    /// From the request's head to its body's last byte.
    public var duration: Duration

    public init(byteCount: Int, duration: Duration) {
        self.byteCount = byteCount
        self.duration = duration
    }
}
