import HTTPWire
import JSONValue

/// Anthropic's messages API as httpbun mocks it: `/llm/v1/messages`.
extension LLMRoutes {
    static let messagesText =
        "This is a mock Anthropic messages API response from httpbun. I received your messages and I'm responding with this placeholder text."

    /// httpbun's `MessagesRequest`.
    struct MessagesRequest: LLMRequestBody {
        static let fieldNames = ["model", "messages", "max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "httpbun"]
        /// httpbun's `AnthropicMessage`: `content` is a string or a list of content blocks.
        struct Message {
            var role = ""
            var content: JSON?

            /// The content as httpbun counts it: a string, the `text` blocks and strings of a list
            /// joined by spaces, or anything else as Go's `%v` prints it.
            var text: String {
                switch content {
                case nil: ""
                case .string(let text)?: text
                case .array(let blocks)?:
                    blocks.compactMap { block -> String? in
                        if case .string(let text) = block { return text }
                        guard block["type"]?.stringValue == "text" else { return nil }
                        return block["text"]?.stringValue
                    }.joined(separator: " ")
                case let other?: GoJSON.print(other)
                }
            }
        }

        var model = ""
        var messages: [Message]?
        var maxTokens = 0
        var stream = false
        var temperature = 0.0
        var topP = 0.0
        var topK = 0
        var stopSequences: [String]?
        /// `httpbun.content`: the answer's text instead of the mock one.
        var mockContent: String?

        mutating func read(_ value: JSON, _ go: inout GoUnmarshal) {
            go.fields(of: value, type: "llm.MessagesRequest", names: Self.fieldNames) { go, name, value in
                switch name {
                case "model": go.decode(value, into: &model)
                case "messages":
                    go.decode(value, into: &messages, elementType: "llm.AnthropicMessage", empty: Message()) { go, value, message in
                        go.fields(of: value, type: "llm.AnthropicMessage", names: ["role", "content"]) { go, name, value in
                            if name == "role" { go.decode(value, into: &message.role) } else { go.decode(value, into: &message.content) }
                        }
                    }
                case "max_tokens": go.decode(value, into: &maxTokens)
                case "stream": go.decode(value, into: &stream)
                case "temperature": go.decode(value, into: &temperature)
                case "top_p": go.decode(value, into: &topP)
                case "top_k": go.decode(value, into: &topK)
                case "stop_sequences":
                    go.decode(value, into: &stopSequences, elementType: "string", empty: "") { go, value, text in go.decode(value, into: &text) }
                default: LLMRoutes.readMock(value, field: "content", type: "llm.HttpbunMock", into: &mockContent, &go)
                }
            }
        }
    }

    /// `POST /llm/v1/messages`: Anthropic's messages API.
    static func messages(_ context: RouteContext) -> Response {
        guard context.request.method == "POST" else { return methodNotAllowed(.anthropic) }
        let (request, refusal) = read(context.request, as: MessagesRequest.self)
        if let refusal { return refusal }
        let model = request.model.isEmpty ? "claude-3-5-sonnet-20241022" : request.model
        let prompt = (request.messages ?? []).map { $0.role + ": " + $0.text + "\n" }.joined()
        let inputTokens = estimatedTokens(prompt)
        let content = mock(request.mockContent, else: messagesText)
        let outputTokens = estimatedTokens(content)
        let id = identifier("msg-", context)

        if request.stream {
            let words = streamedWords(content)
            let bytes = content.utf8.count + (words.count + 5) * (192 + model.utf8.count)
            if let refusal = tooLarge(bytes: bytes, pauses: words.count + 4, context) { return refusal }
            var stream = EventStream(context)
            func send(_ event: String, _ data: JSON) {
                var data = data
                if case .object(var object) = data {
                    object["type"] = .string(event)
                    data = .object(object)
                }
                stream.send(event: event, data)
            }
            send("message_start", [
                "message": [
                    "id": .string(id), "type": "message", "role": "assistant", "content": [], "model": .string(model),
                    "stop_reason": nil, "stop_sequence": nil, "usage": ["input_tokens": JSON(inputTokens), "output_tokens": 0],
                ],
            ])
            stream.pause()
            send("content_block_start", ["index": 0, "content_block": ["type": "text", "text": ""]])
            stream.pause()
            for word in words {
                send("content_block_delta", ["index": 0, "delta": ["type": "text_delta", "text": .string(word)]])
                stream.pause()
            }
            send("content_block_stop", ["index": 0])
            stream.pause()
            send("message_delta", [
                "delta": ["stop_reason": "end_turn", "stop_sequence": nil], "usage": ["output_tokens": JSON(outputTokens)],
            ])
            stream.pause()
            send("message_stop", [:])
            return stream.response
        }

        return answer([
            "id": .string(id), "type": "message", "role": "assistant",
            "content": [["type": "text", "text": .string(content), "citations": nil]],
            "model": .string(model), "stop_reason": "end_turn", "stop_sequence": nil,
            "usage": ["input_tokens": JSON(inputTokens), "output_tokens": JSON(outputTokens)],
        ])
    }
}
