import HTTPWire
import JSONValue

/// httpbun's mock LLM APIs under `/llm`, for testing code written with the OpenAI and Anthropic
/// SDKs without a key or a network: OpenAI's `/llm/completions`, `/llm/chat/completions` and
/// `/llm/responses` (LLMOpenAI.swift) and Anthropic's `/llm/v1/messages` (LLMAnthropic.swift).
/// Point an SDK's base URL at `http://host/llm`.
///
/// Every answer is httpbun's: a fixed text (or the request's `httpbun.content` / `httpbun.output_text`),
/// the request's `model` echoed, usage estimated as a token per 4 bytes, ids in the SDKs' prefixes
/// with 24 hex digits, bodies as Go writes them (keys sorted), streams word by word 50 ms apart.
/// Bodies are read as Go's `json.Unmarshal` reads them into httpbun's structs, so a 400 carries Go's
/// words. The clock and the ids come from the route services, so a test's answers repeat.
///
/// Where we differ from httpbun, and why: docs/flavors.md, "LLM mocks" (a negative `n`, answers
/// past `--max-body-size`, streams past `--max-duration`, bodies past 10,000 bytes, deep values).
enum LLMRoutes {
    /// The pause httpbun makes after a streamed event (after most: each stream shows where).
    static let eventPause: Duration = .milliseconds(50)

    /// Whose error shapes an endpoint answers with.
    enum Vendor { case openAI, anthropic }

    /// httpbun's answer to any method but POST (its handlers check; the route takes every method).
    static func methodNotAllowed(_ vendor: Vendor) -> Response {
        let error: JSON =
            switch vendor {
            case .openAI: "Method not allowed"
            case .anthropic: ["type": "method_not_allowed", "message": "Method not allowed"]
            }
        var response = answer(["error": error], status: 405)
        response.headers.add("Allow", "POST")
        return response
    }

    /// httpbun's 400 (both vendors): `{"error": {"message": ..., "type": "invalid_request_error"}}`.
    static func invalidRequest(_ message: String) -> Response {
        answer(["error": ["message": .string(message), "type": "invalid_request_error"]], status: 400)
    }

    /// A JSON answer as httpbun finishes one: keys sorted, 2-space indent, `application/json`.
    static func answer(_ value: JSON, status: Int = 200) -> Response {
        .bytes(GoJSON.pretty(value), contentType: "application/json", status: status)
    }

    /// The request body read as httpbun's `json.Unmarshal` reads it into `Body`, or httpbun's 400
    /// with Go's error.
    static func read<Body: LLMRequestBody>(_ request: Request, as _: Body.Type = Body.self) -> (body: Body, refusal: Response?) {
        var body = Body()
        switch GoJSON.parse(request.body, fields: Body.fieldNames) {
        case .failure(let failure):
            return (body, invalidRequest("Invalid JSON in request body: " + failure.message))
        case .success(let value):
            var go = GoUnmarshal()
            body.read(value, &go)
            return (body, go.error.map { invalidRequest("Invalid JSON in request body: " + $0) })
        }
    }

    /// Reads httpbun's `httpbun` member, a pointer to a struct of one string field, `field`, into
    /// `target`: nil for no struct (absent or `null`), else the field's value.
    static func readMock(_ value: JSON, field: String, type: String, into target: inout String?, _ go: inout GoUnmarshal) {
        go.decode(value, into: &target, empty: "") { go, value, text in
            go.fields(of: value, type: type, names: [field]) { go, _, value in go.decode(value, into: &text) }
        }
    }

    /// The mock text: the request's own when it gave a non-empty one, else `fallback`.
    static func mock(_ requested: String?, else fallback: String) -> String {
        guard let requested, !requested.isEmpty else { return fallback }
        return requested
    }

    /// httpbun's token estimate: a token per 4 bytes of UTF-8, rounded up.
    static func estimatedTokens(_ text: String) -> Int {
        (text.utf8.count + 3) / 4
    }

    /// The pieces httpbun streams: the words of `text` (Go's `strings.Fields`, split at Unicode
    /// white space), each but the last followed by one space.
    static func streamedWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !scalar.properties.isWhitespace {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current) + " ")
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty {
            words.append(String(current))
        } else if let last = words.popLast() {
            words.append(String(last.dropLast()))
        }
        return words
    }

    /// An id as httpbun makes one: `prefix` and 24 random hex digits (`chatcmpl-5f0c...`).
    static func identifier(_ prefix: String, _ context: RouteContext) -> String {
        var generator = context.services.randomNumbers
        return prefix + RandomIdentifiers.hex(byteCount: 12, using: &generator)
    }

    /// A 400 when an answer of about `bytes` bytes would pass `--max-body-size`, or a stream with
    /// `pauses` pauses of 50 ms would last longer than `--max-duration`. httpbun has no limits but
    /// its 10,000-byte cut of request bodies.
    static func tooLarge(bytes: Int, pauses: Int = 0, _ context: RouteContext) -> Response? {
        let maximumBytes = context.configuration.maxBodySize
        if bytes > maximumBytes {
            return invalidRequest(
                "the answer would be about \(bytes) bytes, more than the server's maximum of \(maximumBytes) (--max-body-size)")
        }
        let maximum = context.configuration.maxDuration
        if eventPause * pauses > maximum {
            let seconds = DurationParameter.formatSeconds((eventPause * pauses).secondsValue)
            return invalidRequest(
                "the stream would last \(seconds) seconds (a word every 0.05 s), longer than the server's maximum of "
                    + "\(DurationParameter.formatSeconds(maximum.secondsValue)) seconds (--max-duration): send shorter content")
        }
        return nil
    }

    /// Server-sent events as httpbun writes them: each event flushed on its own, 50 ms apart where
    /// httpbun sleeps, each stamped with the time it is due (httpbun reads the clock as it writes).
    struct EventStream {
        private let start: Double
        private var chunks: [TimedStream.Chunk] = []
        private var pending: Duration = .zero
        private var elapsed: Duration = .zero

        init(_ context: RouteContext) { start = context.services.now() }

        /// The Unix time httpbun reads for the next event.
        var now: Int { Int((start + elapsed.secondsValue).rounded(.down)) }

        /// `data: {json}` and a blank line (OpenAI), or with an `event:` line before it (Anthropic).
        mutating func send(event: String? = nil, _ data: JSON) {
            send(data: String(decoding: GoJSON.marshal(data), as: UTF8.self), event: event)
        }

        /// A `data:` line of text (OpenAI's `[DONE]`).
        mutating func send(data: String, event: String? = nil) {
            let text = (event.map { "event: \($0)\n" } ?? "") + "data: " + data + "\n\n"
            chunks.append(TimedStream.Chunk(pause: pending, bytes: Array(text.utf8)))
            pending = .zero
        }

        /// httpbun's sleep after an event.
        mutating func pause() {
            pending += LLMRoutes.eventPause
            elapsed += LLMRoutes.eventPause
        }

        /// The answer: `text/event-stream`, `Cache-Control: no-cache`, sent chunk by chunk.
        var response: Response {
            Response(headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"], body: .stream(TimedStream(chunks)))
        }
    }
}

/// One of httpbun's request structs, read field by field as `json.Unmarshal` reads it.
protocol LLMRequestBody {
    /// The struct's JSON field names.
    static var fieldNames: [String] { get }
    init()
    mutating func read(_ value: JSON, _ go: inout GoUnmarshal)
}
