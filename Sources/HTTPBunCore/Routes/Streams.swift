import HTTPWire
import JSONValue

/// Timed and line streams: `/stream/{n}`, `/drip`, `/drip-lines`, `/sse`.
///
/// Every body is computed up front as a `TimedStream`: the server sends each chunk after its pause
/// and parks the connection in between, so a slow stream holds no thread.
enum StreamRoutes {
    /// httpbin's cap on `/stream/{n}`; larger counts are cut to it, as httpbin does, so a client
    /// asking for 1000 lines still gets a stream rather than an error.
    static let maximumLines = 100
    /// Most chunks a drip is cut into; more bytes than this share chunks.
    static let maximumDripChunks = 10_000

    // MARK: /stream

    static func stream(_ context: RouteContext) throws(HTTPError) -> Response {
        let text = context[parameter: "n"]
        guard DecimalNumber.isDigits(text) else {
            return .error(400, "invalid line count \"\(text)\": use a whole number from 0 to \(maximumLines)")
        }
        // Digits beyond Int's range are still "more than the cap".
        let count = min(Int(text) ?? maximumLines, maximumLines)
        let body = try RequestBody.read(context.request)
        let chunks = (0..<count).map { index in
            let line = Echo.json(context.request, body: body, format: .compact, leading: { writer in
                writer.key("id")
                writer.number(index)
            })
            return TimedStream.Chunk(bytes: line + [UInt8(ascii: "\n")])
        }
        return Response(headers: ["Content-Type": "application/x-ndjson"], body: .stream(TimedStream(chunks)))
    }

    // MARK: /drip

    /// Whose `/drip` this is: httpbun's (`text/octet-stream`, `Cache-Control: no-cache`, 2 s before
    /// the first byte, its errors as text) or python httpbin's (`application/octet-stream`, no wait).
    enum DripStyle {
        case httpbun, httpbin
    }

    /// httpbun's usage text, after an unknown path below `/drip` or `/drip-lines`.
    static let dripUsage = """
        Use `/drip` or `/drip-lines` with query params:
          duration: Total number of seconds over which to stream the data. Default: 2.
          numbytes: Total number of bytes to stream. Default: 10.
          code: The HTTP status code to be used in their response. Default: 200.
          delay: An initial delay, in seconds. Default: 2.

        """

    static func drip(_ context: RouteContext, lines: Bool, style: DripStyle = .httpbun) throws(HTTPError) -> Response {
        do {
            return try dripStream(context, lines: lines, style: style)
        } catch {
            // httpbun's refusals are text (`numbytes must be an integer`); httpbin's flavor keeps ours.
            guard style == .httpbun else { throw error }
            return .text(error.message, status: error.status)
        }
    }

    private static func dripStream(_ context: RouteContext, lines: Bool, style: DripStyle) throws(HTTPError) -> Response {
        let request = context.request
        let maximum = context.configuration.maxDuration
        // httpbun reads each as an integer (Go's Atoi); we also take decimal seconds.
        func seconds(_ name: String, default defaultValue: String) throws(HTTPError) -> Duration {
            let text = request.queryValue(name) ?? defaultValue
            guard DecimalNumber.decimal(text) != nil || Int(text) != nil else { throw .badRequest("\(name) must be an integer") }
            return try DurationParameter.parse(text, name: name, maximum: maximum)
        }
        func whole(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(HTTPError) -> Int {
            if let text = request.queryValue(name), Int(text) == nil { throw .badRequest("\(name) must be an integer") }
            return try WholeNumberParameter.parse(request.queryValue(name), name: name, default: defaultValue, range: range)
        }
        let duration = try seconds("duration", default: "2")
        let delay = try seconds("delay", default: style == .httpbun ? "2" : "0")
        guard duration + delay <= maximum else {
            throw .badRequest("duration plus delay is longer than the server's maximum of \(DurationParameter.formatSeconds(maximum.secondsValue)) seconds (--max-duration)")
        }
        let unit = lines ? 2 : 1
        let count = try whole("numbytes", default: 10, range: 0...max(0, context.configuration.maxBodySize / unit))
        let code = try whole("code", default: 200, range: 200...599)
        var headers: HTTPHeaders
        switch style {
        case .httpbun: headers = ["Cache-Control": "no-cache", "Content-Type": "text/octet-stream"]
        case .httpbin: headers = ["Content-Type": lines ? "text/plain; charset=utf-8" : "application/octet-stream"]
        }
        // The wait comes before the head, as both originals sleep before they answer.
        if StatusReason.forbidsBody(code) {
            // 204 and 304 cannot carry the drip; answer the status alone, after the wait.
            return Response(status: code, delay: delay + duration)
        }
        let item: [UInt8] = lines ? [UInt8(ascii: "*"), UInt8(ascii: "\n")] : [UInt8(ascii: "*")]
        let chunkCount = min(count, maximumDripChunks)
        guard chunkCount > 0 else {
            // Nothing to drip: the empty body still comes after the wait the client asked for.
            let stream = TimedStream([TimedStream.Chunk(pause: duration, bytes: [])])
            return Response(status: code, headers: headers, body: .stream(stream), delay: delay)
        }
        let pause = duration / chunkCount
        var chunks: [TimedStream.Chunk] = []
        chunks.reserveCapacity(chunkCount + 1)
        for index in 0..<chunkCount {
            // Spread the remainder over the first chunks so sizes differ by at most one item.
            let items = count / chunkCount + (index < count % chunkCount ? 1 : 0)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(items * item.count)
            for _ in 0..<items { bytes.append(contentsOf: item) }
            chunks.append(TimedStream.Chunk(pause: index == 0 ? .zero : pause, bytes: bytes))
        }
        // Both originals sleep after every byte, the last one too: an empty last chunk after one
        // more pause makes the whole answer last `delay + duration`.
        chunks.append(TimedStream.Chunk(pause: pause, bytes: []))
        return Response(status: code, headers: headers, body: .stream(TimedStream(chunks)), delay: delay)
    }

    // MARK: /sse

    /// httpbun's events: `count` pings (ids from 1), `delay` whole seconds apart, and the pause after
    /// the last one too, as httpbun sleeps after every event. Its 400s word each refusal; this server
    /// also refuses a stream longer than `--max-duration`.
    static func sse(_ context: RouteContext) -> Response {
        let request = context.request
        // Go's `strconv.Atoi` reads what Swift's `Int(_:)` reads: an optional sign and decimal digits.
        let delaySeconds: Int
        let count: Int
        if let text = request.queryValue("delay") {
            guard let value = Int(text) else { return .text("Invalid delay value", status: 400) }
            delaySeconds = value
        } else {
            delaySeconds = 1
        }
        if delaySeconds < 1 { return .text("Delay must be greater than 0", status: 400) }
        if delaySeconds > 10 { return .text("Delay must be less than 10", status: 400) }
        if let text = request.queryValue("count") {
            guard let value = Int(text) else { return .text("Invalid count value", status: 400) }
            count = value
        } else {
            count = 10
        }
        if count < 1 { return .text("Count must be greater than 0", status: 400) }
        if count > 100 { return .text("Count must be less than 100", status: 400) }
        let maximum = context.configuration.maxDuration
        let delay = Duration.seconds(delaySeconds)
        guard delay * count <= maximum else {
            return .text("count × delay is longer than the server's maximum of \(DurationParameter.formatSeconds(maximum.secondsValue)) seconds (--max-duration): ask for fewer events or a shorter delay", status: 400)
        }
        var chunks = (1...count).map { id in
            TimedStream.Chunk(pause: id == 1 ? .zero : delay, bytes: Array("event: ping\nid: \(id)\ndata: a ping event\n\n".utf8))
        }
        // httpbun sleeps after the last event too: the stream ends one more delay later.
        chunks.append(TimedStream.Chunk(pause: delay, bytes: []))
        return Response(
            headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store"],
            body: .stream(TimedStream(chunks)))
    }
}
