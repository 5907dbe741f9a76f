import HTTPWire
import JSONValue

/// OpenAI's APIs as httpbun mocks them: `/llm/completions`, `/llm/chat/completions`, `/llm/responses`.
extension LLMRoutes {
    static let completionText = "This is a mock completion response from httpbun. Your prompt was received successfully."
    static let chatText =
        "This is a mock chat response from httpbun. I received your messages and I'm responding with this placeholder text."
    static let responsesText =
        "This is a mock responses API response from httpbun. I received your input and I'm responding with this placeholder text."
    /// What httpbun reports as `/llm/responses`' output tokens, whatever the text.
    static let responsesOutputTokens = 29

    /// The fields httpbun's `CompletionRequest` and `ChatCompletionRequest` both have, with their Go
    /// types. Only `model`, `n` and `stream` change the answer; the rest are read for Go's errors.
    struct SharedFields {
        static let names = ["model", "max_tokens", "temperature", "n", "stream", "stop", "user"]
        var model = ""
        var maxTokens = 0
        var temperature = 0.0
        var n = 0
        var stream = false
        var stop: JSON?
        var user = ""

        /// Reads the field `name`, one of `names`.
        mutating func read(_ name: String, _ value: JSON, _ go: inout GoUnmarshal) {
            switch name {
            case "model": go.decode(value, into: &model)
            case "max_tokens": go.decode(value, into: &maxTokens)
            case "temperature": go.decode(value, into: &temperature)
            case "n": go.decode(value, into: &n)
            case "stream": go.decode(value, into: &stream)
            case "stop": go.decode(value, into: &stop)
            default: go.decode(value, into: &user)
            }
        }

        /// httpbun's choice count: `n`, 0 meaning 1.
        var choices: Int { n == 0 ? 1 : n }
    }

    // MARK: /llm/completions

    /// httpbun's `CompletionRequest`.
    struct CompletionRequest: LLMRequestBody {
        static let fieldNames = SharedFields.names + ["prompt", "suffix"]
        var shared = SharedFields()
        var prompt: JSON?
        var suffix = ""

        mutating func read(_ value: JSON, _ go: inout GoUnmarshal) {
            go.fields(of: value, type: "llm.CompletionRequest", names: Self.fieldNames) { go, name, value in
                switch name {
                case "prompt": go.decode(value, into: &prompt)
                case "suffix": go.decode(value, into: &suffix)
                default: shared.read(name, value, &go)
                }
            }
        }

        /// The prompt as httpbun counts it: a string, the strings of a list joined by spaces, or
        /// anything else as Go's `%v` prints it.
        var promptText: String {
            switch prompt {
            case nil: ""
            case .string(let text)?: text
            case .array(let items)?: items.compactMap(\.stringValue).joined(separator: " ")
            case let other?: GoJSON.print(other)
            }
        }
    }

    /// `POST /llm/completions`: the legacy completions API.
    static func completions(_ context: RouteContext) -> Response {
        guard context.request.method == "POST" else { return methodNotAllowed(.openAI) }
        let (request, refusal) = read(context.request, as: CompletionRequest.self)
        if let refusal { return refusal }
        let model = request.shared.model.isEmpty ? "gpt-3.5-turbo-instruct" : request.shared.model
        let promptTokens = estimatedTokens(request.promptText)
        let id = identifier("cmpl-", context)

        if request.shared.stream {
            let words = streamedWords(completionText)
            if let refusal = tooLarge(bytes: (words.count + 2) * (256 + model.utf8.count), pauses: words.count, context) { return refusal }
            var stream = EventStream(context)
            func chunk(_ text: String, finishReason: JSON) -> JSON {
                [
                    "id": .string(id), "object": "text_completion", "created": JSON(stream.now), "model": .string(model),
                    "choices": [["text": .string(text), "index": 0, "logprobs": nil, "finish_reason": finishReason]],
                ]
            }
            for word in words {
                stream.send(chunk(word, finishReason: nil))
                stream.pause()
            }
            stream.send(chunk("", finishReason: "stop"))
            stream.send(data: "[DONE]")
            return stream.response
        }

        let choiceCount = request.shared.choices
        if let refusal = tooLarge(choices: choiceCount, of: completionText, model: model, context) { return refusal }
        let completionTokens = estimatedTokens(completionText)
        let choice: (Int) -> JSON = { ["text": .string(completionText), "index": JSON($0), "logprobs": nil, "finish_reason": "stop"] }
        return answer([
            "id": .string(id), "object": "text_completion", "created": JSON(context.services.secondsSinceEpoch),
            "model": .string(model), "choices": .array((0..<choiceCount).map(choice)),
            "usage": usage(prompt: promptTokens, completion: completionTokens),
        ])
    }

    // MARK: /llm/chat/completions

    /// httpbun's `ChatCompletionRequest`.
    struct ChatCompletionRequest: LLMRequestBody {
        /// httpbun's `ChatMessage`: `content` is a string (a list of parts is Go's 400).
        struct Message {
            var role = ""
            var content = ""
            var name = ""
        }

        static let fieldNames = SharedFields.names + ["messages", "httpbun"]
        var shared = SharedFields()
        var messages: [Message]?
        /// `httpbun.content`: the answer's text instead of the mock one.
        var mockContent: String?

        mutating func read(_ value: JSON, _ go: inout GoUnmarshal) {
            go.fields(of: value, type: "llm.ChatCompletionRequest", names: Self.fieldNames) { go, name, value in
                switch name {
                case "messages":
                    go.decode(value, into: &messages, elementType: "llm.ChatMessage", empty: Message()) { go, value, message in
                        go.fields(of: value, type: "llm.ChatMessage", names: ["role", "content", "name"]) { go, name, value in
                            switch name {
                            case "role": go.decode(value, into: &message.role)
                            case "content": go.decode(value, into: &message.content)
                            default: go.decode(value, into: &message.name)
                            }
                        }
                    }
                case "httpbun": LLMRoutes.readMock(value, field: "content", type: "llm.HttpbunMock", into: &mockContent, &go)
                default: shared.read(name, value, &go)
                }
            }
        }
    }

    /// `POST /llm/chat/completions`: the chat completions API.
    static func chatCompletions(_ context: RouteContext) -> Response {
        guard context.request.method == "POST" else { return methodNotAllowed(.openAI) }
        let (request, refusal) = read(context.request, as: ChatCompletionRequest.self)
        if let refusal { return refusal }
        let model = request.shared.model.isEmpty ? "gpt-4" : request.shared.model
        let prompt = (request.messages ?? []).map { $0.role + ": " + $0.content + "\n" }.joined()
        let promptTokens = estimatedTokens(prompt)
        let content = mock(request.mockContent, else: chatText)
        let id = identifier("chatcmpl-", context)

        if request.shared.stream {
            let words = streamedWords(content)
            let bytes = content.utf8.count + (words.count + 3) * (256 + model.utf8.count)
            if let refusal = tooLarge(bytes: bytes, pauses: words.count + 1, context) { return refusal }
            var stream = EventStream(context)
            func chunk(_ delta: JSON, finishReason: JSON) -> JSON {
                [
                    "id": .string(id), "object": "chat.completion.chunk", "created": JSON(stream.now), "model": .string(model),
                    "choices": [["index": 0, "delta": delta, "finish_reason": finishReason]],
                ]
            }
            stream.send(chunk(["role": "assistant"], finishReason: nil))
            stream.pause()
            for word in words {
                stream.send(chunk(["content": .string(word)], finishReason: nil))
                stream.pause()
            }
            stream.send(chunk([:], finishReason: "stop"))
            stream.send(data: "[DONE]")
            return stream.response
        }

        let choiceCount = request.shared.choices
        if let refusal = tooLarge(choices: choiceCount, of: content, model: model, context) { return refusal }
        let choice: (Int) -> JSON = {
            ["index": JSON($0), "message": ["role": "assistant", "content": .string(content)], "finish_reason": "stop"]
        }
        return answer([
            "id": .string(id), "object": "chat.completion", "created": JSON(context.services.secondsSinceEpoch),
            "model": .string(model), "choices": .array((0..<choiceCount).map(choice)),
            "usage": usage(prompt: promptTokens, completion: estimatedTokens(content)),
        ])
    }

    // MARK: /llm/responses

    /// httpbun's `ResponsesRequest`. `stream` is read (a string there is Go's 400) and ignored:
    /// httpbun answers a stream request with the whole response as JSON.
    struct ResponsesRequest: LLMRequestBody {
        static let fieldNames = ["model", "input", "user", "stream", "httpbun"]
        var model = ""
        var input: JSON?
        var user = ""
        var stream = false
        /// `httpbun.output_text`: the answer's text instead of the mock one.
        var mockOutputText: String?

        mutating func read(_ value: JSON, _ go: inout GoUnmarshal) {
            go.fields(of: value, type: "llm.ResponsesRequest", names: Self.fieldNames) { go, name, value in
                switch name {
                case "model": go.decode(value, into: &model)
                case "input": go.decode(value, into: &input)
                case "user": go.decode(value, into: &user)
                case "stream": go.decode(value, into: &stream)
                default: LLMRoutes.readMock(value, field: "output_text", type: "llm.ResponsesMock", into: &mockOutputText, &go)
                }
            }
        }

        /// The input as httpbun counts it: strings as they are, lists joined by spaces, a message
        /// as `role: content`, a part by its `text`, anything else as Go's `json.Marshal` writes it.
        static func text(_ input: JSON?) -> String {
            switch input {
            case nil, .null?: return ""
            case .string(let text)?: return text
            case .array(let items)?: return items.map { text($0) }.filter { !$0.isEmpty }.joined(separator: " ")
            case .object(let object)?:
                if let content = object["content"] {
                    let contentText = text(content)
                    if !contentText.isEmpty {
                        if case .string(let role)? = object["role"], !role.isEmpty { return role + ": " + contentText }
                        return contentText
                    }
                }
                if case .string(let text)? = object["text"] { return text }
                return GoJSON.marshalAny(.object(object))
            case let other?: return GoJSON.marshalAny(other)
            }
        }
    }

    /// `POST /llm/responses`: the responses API (never streamed).
    static func responses(_ context: RouteContext) -> Response {
        guard context.request.method == "POST" else { return methodNotAllowed(.openAI) }
        let (request, refusal) = read(context.request, as: ResponsesRequest.self)
        if let refusal { return refusal }
        let model = request.model.isEmpty ? "gpt-4.1-mini" : request.model
        let outputText = mock(request.mockOutputText, else: responsesText)
        // httpbun pads a non-empty input's estimate by one token.
        let estimate = estimatedTokens(ResponsesRequest.text(request.input))
        let inputTokens = estimate == 0 ? 0 : estimate + 1
        let message: JSON = [
            "id": .string(identifier("msg-", context)), "type": "message", "role": "assistant", "status": "completed",
            "content": [["type": "output_text", "text": .string(outputText), "annotations": [], "logprobs": nil]],
        ]
        return answer([
            "id": .string(identifier("resp-", context)), "object": "response",
            "created_at": JSON(context.services.secondsSinceEpoch), "model": .string(model), "status": "completed",
            "error": nil, "output": [message], "output_text": .string(outputText),
            "usage": [
                "input_tokens": JSON(inputTokens), "output_tokens": JSON(responsesOutputTokens),
                "total_tokens": JSON(inputTokens + responsesOutputTokens),
                "input_tokens_details": ["cached_tokens": 0], "output_tokens_details": ["reasoning_tokens": 0],
            ],
            "parallel_tool_calls": false, "tool_choice": "auto", "tools": [],
        ])
    }

    // MARK: Shared by the OpenAI routes

    private static func usage(prompt: Int, completion: Int) -> JSON {
        ["prompt_tokens": JSON(prompt), "completion_tokens": JSON(completion), "total_tokens": JSON(prompt + completion)]
    }

    /// A 400 for a choice count httpbun cannot answer: negative (its handler panics and the
    /// connection drops) or too many for `--max-body-size`.
    private static func tooLarge(choices: Int, of text: String, model: String, _ context: RouteContext) -> Response? {
        guard choices > 0 else {
            return invalidRequest("invalid n \(choices): ask for 1 or more choices (0 means 1)")
        }
        let (bytes, overflow) = choices.multipliedReportingOverflow(by: text.utf8.count + 128)
        return tooLarge(bytes: overflow ? .max : bytes + model.utf8.count, context)
    }
}
