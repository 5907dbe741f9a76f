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
    static let maximumEvents = 1000

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

    static func drip(_ context: RouteContext, lines: Bool) throws(HTTPError) -> Response {
        let request = context.request
        let maximum = context.configuration.maxDuration
        let duration: Duration
        let delay: Duration
        let count: Int
        let code: Int
        duration = try DurationParameter.parse(request.queryValue("duration") ?? "2", name: "duration", maximum: maximum)
        // httpbun waits 2 seconds before the first byte unless told otherwise.
        delay = try DurationParameter.parse(request.queryValue("delay") ?? "2", name: "delay", maximum: maximum)
        guard duration + delay <= maximum else {
            return .error(400, "duration plus delay is longer than the server's maximum of \(DurationParameter.formatSeconds(maximum.secondsValue)) seconds (--max-duration)")
        }
        let unit = lines ? 2 : 1
        count = try WholeNumberParameter.parse(request.queryValue("numbytes"), name: "numbytes", default: 10, range: 0...max(0, context.configuration.maxBodySize / unit))
        code = try WholeNumberParameter.parse(request.queryValue("code"), name: "code", default: 200, range: 200...599)
        if StatusReason.forbidsBody(code) {
            // 204 and 304 cannot carry the drip; answer the status alone, after the wait.
            return Response(status: code, delay: delay + duration)
        }
        let item: [UInt8] = lines ? [UInt8(ascii: "*"), UInt8(ascii: "\n")] : [UInt8(ascii: "*")]
        // httpbun's type for both, lines or not.
        let contentType = "text/octet-stream"
        let chunkCount = min(count, maximumDripChunks)
        guard chunkCount > 0 else {
            // Nothing to drip: the empty body still comes after the wait the client asked for.
            let stream = TimedStream([TimedStream.Chunk(pause: delay + duration, bytes: [])])
            return Response(status: code, headers: ["Content-Type": contentType, "Cache-Control": "no-cache"], body: .stream(stream))
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
            chunks.append(TimedStream.Chunk(pause: index == 0 ? delay : pause, bytes: bytes))
        }
        // httpbin sleeps after every byte, the last one too: an empty last chunk after one more
        // pause makes the whole answer last `delay + duration`.
        chunks.append(TimedStream.Chunk(pause: pause, bytes: []))
        return Response(status: code, headers: ["Content-Type": contentType, "Cache-Control": "no-cache"], body: .stream(TimedStream(chunks)))
    }

    // MARK: /sse

    static func sse(_ context: RouteContext) throws(HTTPError) -> Response {
        let request = context.request
        let maximum = context.configuration.maxDuration
        let count: Int
        let delay: Duration
        count = try WholeNumberParameter.parse(request.queryValue("count"), name: "count", default: 10, range: 0...maximumEvents)
        delay = try DurationParameter.parse(request.queryValue("delay") ?? "1", name: "delay", maximum: maximum)
        guard delay * count <= maximum else {
            return .error(400, "count × delay is longer than the server's maximum of \(DurationParameter.formatSeconds(maximum.secondsValue)) seconds (--max-duration): ask for fewer events or a shorter delay")
        }
        // The chunks are made now, so each timestamp is when its event is due, not when it left.
        // Wall-clock time: SSE clients compare it with their own clocks.
        let start = Int((context.services.now() * 1000).rounded(.down))
        let delayMilliseconds = Int(delay.secondsValue * 1000)
        let chunks = (0..<count).map { id -> TimedStream.Chunk in
            let data: JSON = ["id": JSON(id), "timestamp": JSON(start + id * delayMilliseconds)]
            let event = "event: ping\nid: \(id)\ndata: \(data.serialized(.compact))\n\n"
            return TimedStream.Chunk(pause: id == 0 ? .zero : delay, bytes: Array(event.utf8))
        }
        return Response(
            headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"],
            body: .stream(TimedStream(chunks)))
    }
}
