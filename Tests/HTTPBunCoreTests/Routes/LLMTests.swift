@testable import HTTPBunCore
import JSONValue
import Testing

/// The LLM mocks through the router, with a stopped clock and seeded ids. Expected texts and error
/// messages are httpbun's own answers to the same requests (its handlers, run under Go).
private let clock = 1_767_225_600.92

private func llm(
    _ path: String, _ body: String, method: String = "POST", configuration: ServerConfiguration = ServerConfiguration()
) -> Response {
    llm(path, bytes: Array(body.utf8), method: method, configuration: configuration)
}

private func llm(
    _ path: String, bytes: [UInt8], method: String = "POST", configuration: ServerConfiguration = ServerConfiguration()
) -> Response {
    let router = Router(configuration: configuration, services: RouteServices(now: { clock }, seed: 7))
    return router.respond(to: Request(method: method, target: path, headers: ["Host": "example.com"], body: bytes))
}

/// The body with each `prefix` + 24 hex digits id replaced by `prefix` + `ID`, and the ids found.
private func withoutIDs(_ text: String) -> (text: String, ids: [String]) {
    var output = ""
    var ids: [String] = []
    var rest = Substring(text)
    while let quote = rest.firstIndex(of: "\"") {
        output += rest[...quote]
        rest = rest[rest.index(after: quote)...]
        guard let prefix = ["chatcmpl-", "cmpl-", "resp-", "msg-"].first(where: { rest.hasPrefix($0) }) else { continue }
        let digits = rest.dropFirst(prefix.count).prefix(while: { "0123456789abcdef".contains($0) })
        guard digits.count == 24 else { continue }
        ids.append(prefix + digits)
        output += prefix + "ID"
        rest = rest[digits.endIndex...]
    }
    return (output + rest, ids)
}

/// The `data:` payloads of an event stream, with the `event:` name before each (nil for none).
private func events(_ response: Response) -> [(event: String?, data: String)] {
    streamChunks(response).map { chunk in
        let text = String(decoding: chunk.bytes, as: UTF8.self)
        #expect(text.hasSuffix("\n\n"), "each chunk is one whole event")
        var event: String?
        var data = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
        }
        return (event, data)
    }
}

/// Pauses before each chunk: `first`, then `fifties` of 50 ms, then `last` when given.
private func pauses(first: Duration, fifties: Int, last: Duration? = nil) -> [Duration] {
    [first] + Array(repeating: Duration.milliseconds(50), count: fifties) + (last.map { [$0] } ?? [])
}

private let hello = #"{"model":"gpt-5-nano","messages":[{"role":"user","content":"Hello"}]}"#

@Suite("LLM mocks: OpenAI chat completions")
struct LLMChatCompletionTests {
    @Test("the mock reply, the model echoed, usage counted from `role: content` lines, httpbun's layout")
    func answer() throws {
        let response = llm("/llm/chat/completions", hello)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let (text, ids) = withoutIDs(response.bodyText)
        #expect(ids.count == 1)
        #expect(text == """
            {
              "choices": [
                {
                  "finish_reason": "stop",
                  "index": 0,
                  "message": {
                    "content": "This is a mock chat response from httpbun. I received your messages and I'm responding with this placeholder text.",
                    "role": "assistant"
                  }
                }
              ],
              "created": 1767225600,
              "id": "chatcmpl-ID",
              "model": "gpt-5-nano",
              "object": "chat.completion",
              "usage": {
                "completion_tokens": 29,
                "prompt_tokens": 3,
                "total_tokens": 32
              }
            }

            """)
    }

    @Test("ids differ per answer and follow the route services' seed")
    func ids() {
        let router = Router(services: RouteServices(now: { clock }, seed: 7))
        let request = Request(method: "POST", target: "/llm/chat/completions", headers: ["Host": "h"], body: Array(hello.utf8))
        let first = withoutIDs(router.respond(to: request).bodyText).ids
        let second = withoutIDs(router.respond(to: request).bodyText).ids
        #expect(first != second)
        #expect(first == withoutIDs(llm("/llm/chat/completions", hello).bodyText).ids, "the same seed, the same first id")
    }

    @Test("usage: every message counts, httpbun.content replaces the reply, n repeats the choice")
    func usageAndOptions() throws {
        let conversation = llm("/llm/chat/completions", #"""
            {"messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello"},
             {"role": "assistant", "content": "Hi there!"}, {"role": "user", "content": "How are you?"}]}
            """#)
        // "system: You are a helpful assistant.\nuser: Hello\nassistant: Hi there!\nuser: How are you?\n" is 89 bytes.
        #expect(try conversation.json["usage"]?["prompt_tokens"] == 23)
        #expect(try conversation.json["model"] == "gpt-4", "httpbun's default model")

        let custom = llm("/llm/chat/completions", #"{"n": 3, "httpbun": {"content": "Custom <b> & reply"}}"#)
        let choices = try #require(try custom.json["choices"]?.arrayValue)
        #expect(choices.count == 3)
        #expect(choices.map { $0["index"] } == [0, 1, 2])
        #expect(choices.allSatisfy { $0["message"]?["content"] == "Custom <b> & reply" })
        #expect(custom.bodyText.contains("Custom <b> & reply"), "no HTML escapes in answers (SetEscapeHTML(false))")
        #expect(try custom.json["usage"] == ["prompt_tokens": 0, "completion_tokens": 5, "total_tokens": 5])

        let empty = llm("/llm/chat/completions", #"{"httpbun": {"content": ""}}"#)
        #expect(try empty.json["choices"]?[0]?["message"]?["content"] == .string(LLMRoutes.chatText))
    }

    @Test("a stream: the role, a chunk per word, the finish, [DONE]; 50 ms apart; created as each is due")
    func stream() throws {
        let response = llm("/llm/chat/completions", #"{"stream": true, "model": "m", "httpbun": {"content": " one  <two>\tthree\n"}}"#)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        #expect(response.headers["Cache-Control"] == "no-cache")
        let chunks = streamChunks(response)
        #expect(chunks.map(\.pause) == pauses(first: .zero, fifties: 4, last: .zero))
        let sent = events(response)
        #expect(sent.allSatisfy { $0.event == nil })
        #expect(sent.last?.data == "[DONE]")
        let (first, ids) = withoutIDs(sent[0].data)
        #expect(
            first == #"{"choices":[{"delta":{"role":"assistant"},"finish_reason":null,"index":0}],"created":1767225600,"id":"chatcmpl-ID","model":"m","object":"chat.completion.chunk"}"#
        )
        #expect(sent[2].data.contains(#""delta":{"content":"\u003ctwo\u003e "}"#), "json.Marshal's HTML escapes in events")
        let parsed = try sent.dropLast().map { try JSON.parse($0.data) }
        #expect(parsed.map { $0["id"]?.stringValue } == Array(repeating: ids[0], count: 5), "one id for the stream")
        #expect(parsed.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue } == ["one ", "<two> ", "three"])
        #expect(parsed[4]["choices"]?[0] == ["index": 0, "delta": [:], "finish_reason": "stop"])
        // 1767225600.92 plus 50 ms per pause: the second pause passes the second.
        #expect(parsed.map { $0["created"] } == [1_767_225_600, 1_767_225_600, 1_767_225_601, 1_767_225_601, 1_767_225_601])
    }

    @Test("a list of content parts is Go's unmarshal error, as httpbun's content is a string")
    func contentParts() throws {
        let response = llm("/llm/chat/completions", #"{"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}"#)
        #expect(response.status == 400)
        #expect(try response.json == [
            "error": [
                "message": "Invalid JSON in request body: json: cannot unmarshal array into Go struct field ChatMessage.messages.content of type string",
                "type": "invalid_request_error",
            ],
        ])
    }

    @Test("choice counts httpbun cannot answer are 400s: negative (httpbun panics), or past --max-body-size")
    func choiceLimits() throws {
        let negative = llm("/llm/chat/completions", #"{"n": -1}"#)
        #expect(negative.status == 400)
        #expect(try negative.json["error"]?["message"] == "invalid n -1: ask for 1 or more choices (0 means 1)")
        let many = llm("/llm/chat/completions", #"{"n": 9223372036854775807}"#)
        #expect(many.status == 400)
        #expect(try many.json["error"]?["message"]?.stringValue?.hasSuffix("(--max-body-size)") == true)
        #expect(llm("/llm/chat/completions", #"{"n": 100}"#, configuration: ServerConfiguration(maxBodySize: 1000)).status == 400)
        #expect(llm("/llm/chat/completions", #"{"n": 2}"#, configuration: ServerConfiguration(maxBodySize: 1000)).status == 200)
        #expect(llm("/llm/chat/completions", #"{"n": -1, "stream": true}"#).status == 200, "streams ignore n, as httpbun's do")
    }

    @Test("a stream longer than --max-duration is a 400 before anything is sent")
    func streamLimit() throws {
        let words = Array(repeating: "word", count: 30).joined(separator: " ")
        let body = #"{"stream": true, "httpbun": {"content": "\#(words)"}}"#
        let response = llm("/llm/chat/completions", body, configuration: ServerConfiguration(maxDuration: .seconds(1)))
        #expect(response.status == 400)
        #expect(try response.json["error"]?["message"]?.stringValue?.hasPrefix("the stream would last 1.55 seconds") == true)
        #expect(llm("/llm/chat/completions", body, configuration: ServerConfiguration(maxDuration: .seconds(2))).status == 200)
    }
}

@Suite("LLM mocks: OpenAI completions and responses")
struct LLMCompletionAndResponsesTests {
    @Test("/llm/completions: the mock text, prompt tokens from a string, a list's strings, or Go's %v")
    func completions() throws {
        let response = llm("/llm/completions", #"{"prompt": "Hello"}"#)
        #expect(response.status == 200)
        let (text, _) = withoutIDs(response.bodyText)
        #expect(text == """
            {
              "choices": [
                {
                  "finish_reason": "stop",
                  "index": 0,
                  "logprobs": null,
                  "text": "This is a mock completion response from httpbun. Your prompt was received successfully."
                }
              ],
              "created": 1767225600,
              "id": "cmpl-ID",
              "model": "gpt-3.5-turbo-instruct",
              "object": "text_completion",
              "usage": {
                "completion_tokens": 22,
                "prompt_tokens": 2,
                "total_tokens": 24
              }
            }

            """)
        func promptTokens(_ prompt: String) throws -> JSON? {
            try llm("/llm/completions", #"{"prompt": \#(prompt)}"#).json["usage"]?["prompt_tokens"]
        }
        #expect(try promptTokens(#"["abcd", 5, "efgh", null]"#) == 3, "\"abcd efgh\": strings only")
        #expect(try promptTokens("1234567") == 3, "%v prints 1.234567e+06")
        #expect(try promptTokens(#"{"b": [1, "x", null], "a": true}"#) == 7, "map[a:true b:[1 x <nil>]]")
        #expect(try promptTokens("null") == 0)
    }

    @Test("/llm/completions streams a chunk per word, a finishing chunk and [DONE]")
    func completionStream() throws {
        let response = llm("/llm/completions", #"{"stream": true, "n": 3}"#)
        let sent = events(response)
        let words = LLMRoutes.completionText.split(separator: " ").count
        #expect(sent.count == words + 2)
        #expect(sent.last?.data == "[DONE]")
        let parsed = try sent.dropLast().map { try JSON.parse($0.data) }
        #expect(parsed.compactMap { $0["choices"]?[0]?["text"]?.stringValue }.joined() == LLMRoutes.completionText)
        #expect(parsed.last?["choices"] == [["text": "", "index": 0, "logprobs": nil, "finish_reason": "stop"]])
        #expect(parsed.allSatisfy { $0["object"] == "text_completion" && $0["model"] == "gpt-3.5-turbo-instruct" })
        #expect(streamChunks(response).map(\.pause) == pauses(first: .zero, fifties: words, last: .zero))
    }

    @Test("/llm/responses: the output message, usage padded by a token, 29 output tokens whatever the text")
    func responses() throws {
        let response = llm("/llm/responses", #"{"model": "gpt-5-nano", "input": "Hello"}"#)
        #expect(response.status == 200)
        let (text, ids) = withoutIDs(response.bodyText)
        #expect(ids.count == 2 && ids[0].hasPrefix("resp-") && ids[1].hasPrefix("msg-"))
        #expect(text == """
            {
              "created_at": 1767225600,
              "error": null,
              "id": "resp-ID",
              "model": "gpt-5-nano",
              "object": "response",
              "output": [
                {
                  "content": [
                    {
                      "annotations": [],
                      "logprobs": null,
                      "text": "This is a mock responses API response from httpbun. I received your input and I'm responding with this placeholder text.",
                      "type": "output_text"
                    }
                  ],
                  "id": "msg-ID",
                  "role": "assistant",
                  "status": "completed",
                  "type": "message"
                }
              ],
              "output_text": "This is a mock responses API response from httpbun. I received your input and I'm responding with this placeholder text.",
              "parallel_tool_calls": false,
              "status": "completed",
              "tool_choice": "auto",
              "tools": [],
              "usage": {
                "input_tokens": 3,
                "input_tokens_details": {
                  "cached_tokens": 0
                },
                "output_tokens": 29,
                "output_tokens_details": {
                  "reasoning_tokens": 0
                },
                "total_tokens": 32
              }
            }

            """)
        let custom = llm("/llm/responses", #"{"input": "", "httpbun": {"output_text": "short"}}"#)
        #expect(try custom.json["output_text"] == "short")
        #expect(try custom.json["model"] == "gpt-4.1-mini")
        #expect(try custom.json["usage"]?["input_tokens"] == 0, "no padding for no input")
        #expect(try custom.json["usage"]?["output_tokens"] == 29)
    }

    @Test("/llm/responses counts messages as `role: content`, parts by text, anything else as json.Marshal writes it")
    func responsesInput() throws {
        func inputTokens(_ input: String) throws -> JSON? {
            try llm("/llm/responses", #"{"input": \#(input)}"#).json["usage"]?["input_tokens"]
        }
        // "system: You are a helpful assistant. user: Hello": 48 bytes, 12 tokens, 13 padded.
        #expect(try inputTokens(#"""
            [{"type": "message", "role": "system", "content": [{"type": "input_text", "text": "You are a helpful assistant."}]},
             {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello"}]}, null, ""]
            """#) == 13)
        // {"a":1.5,"b":"\u003c"}: 22 bytes.
        #expect(try inputTokens(#"{"b": "<", "a": 1.50}"#) == 7)
        #expect(try inputTokens("1e21") == 3, "1e+21")
    }

    @Test("/llm/responses answers a stream request with the whole JSON, as httpbun does")
    func responsesNeverStream() throws {
        let response = llm("/llm/responses", #"{"input": "Hello", "stream": true}"#)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(try response.json["status"] == "completed")
        let wrongType = llm("/llm/responses", #"{"stream": "yes"}"#)
        #expect(try wrongType.json["error"]?["message"]
            == "Invalid JSON in request body: json: cannot unmarshal string into Go struct field ResponsesRequest.stream of type bool")
    }
}

@Suite("LLM mocks: Anthropic messages")
struct LLMAnthropicTests {
    private let hello = #"{"model": "claude-3-5-sonnet-20241022", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}"#

    @Test("the message, the model echoed, usage from `role: text` lines")
    func answer() throws {
        let response = llm("/llm/v1/messages", hello)
        #expect(response.status == 200)
        let (text, ids) = withoutIDs(response.bodyText)
        #expect(ids.count == 1)
        #expect(text == """
            {
              "content": [
                {
                  "citations": null,
                  "text": "This is a mock Anthropic messages API response from httpbun. I received your messages and I'm responding with this placeholder text.",
                  "type": "text"
                }
              ],
              "id": "msg-ID",
              "model": "claude-3-5-sonnet-20241022",
              "role": "assistant",
              "stop_reason": "end_turn",
              "stop_sequence": null,
              "type": "message",
              "usage": {
                "input_tokens": 3,
                "output_tokens": 33
              }
            }

            """)
        // "user: a b c\n": the text blocks and strings of a list, joined by spaces; other blocks skipped.
        let blocks = llm("/llm/v1/messages", #"""
            {"messages": [{"role": "user", "content": ["a", {"type": "image"}, {"type": "text", "text": "b"}, 5, {"text": "no type"}, "c"]}]}
            """#)
        #expect(try blocks.json["usage"]?["input_tokens"] == 3)
        #expect(try llm("/llm/v1/messages", #"{"messages": [{"role": "user", "content": 1e6}]}"#).json["usage"]?["input_tokens"] == 3,
                "user: 1e+06")
    }

    @Test("a stream: httpbun's event sequence, a delta per word, usage in message_start and message_delta")
    func stream() throws {
        let response = llm("/llm/v1/messages", #"{"stream": true, "messages": [{"role": "user", "content": "Hello"}], "httpbun": {"content": "two words"}}"#)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        let sent = events(response)
        #expect(sent.map(\.event) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop",
        ])
        let (start, _) = withoutIDs(sent[0].data)
        #expect(
            start == #"{"message":{"content":[],"id":"msg-ID","model":"claude-3-5-sonnet-20241022","role":"assistant","stop_reason":null,"stop_sequence":null,"type":"message","usage":{"input_tokens":3,"output_tokens":0}},"type":"message_start"}"#
        )
        #expect(sent[1].data == #"{"content_block":{"text":"","type":"text"},"index":0,"type":"content_block_start"}"#)
        #expect(sent[2].data == #"{"delta":{"text":"two ","type":"text_delta"},"index":0,"type":"content_block_delta"}"#)
        #expect(sent[3].data == #"{"delta":{"text":"words","type":"text_delta"},"index":0,"type":"content_block_delta"}"#)
        #expect(sent[4].data == #"{"index":0,"type":"content_block_stop"}"#)
        #expect(sent[5].data == #"{"delta":{"stop_reason":"end_turn","stop_sequence":null},"type":"message_delta","usage":{"output_tokens":3}}"#)
        #expect(sent[6].data == #"{"type":"message_stop"}"#)
        #expect(streamChunks(response).map(\.pause) == pauses(first: .zero, fifties: 6))
    }

    @Test("errors take Anthropic's shape: 405 with a type, 400 invalid_request_error")
    func errors() throws {
        let refused = llm("/llm/v1/messages", "", method: "GET")
        #expect(refused.status == 405)
        #expect(refused.headers["Allow"] == "POST")
        #expect(refused.bodyText == "{\n  \"error\": {\n    \"message\": \"Method not allowed\",\n    \"type\": \"method_not_allowed\"\n  }\n}\n")
        let wrong = llm("/llm/v1/messages", #"{"stop_sequences": ["a", 1]}"#)
        #expect(try wrong.json["error"]?["message"]
            == "Invalid JSON in request body: json: cannot unmarshal number into Go struct field MessagesRequest.stop_sequences of type string")
    }
}

@Suite("LLM mocks: methods and bodies as httpbun reads them")
struct LLMRequestTests {
    static let paths = ["/llm/completions", "/llm/chat/completions", "/llm/responses"]

    @Test("any method but POST: httpbun's 405, its body and Allow: POST", arguments: paths)
    func methodNotAllowed(path: String) {
        // OPTIONS too: in the default flavor handlers answer it, as httpbun's do.
        for method in ["GET", "PUT", "DELETE", "HEAD", "OPTIONS", "BREW"] {
            let response = llm(path, "{}", method: method)
            #expect(response.status == 405, "\(method) \(path)")
            #expect(response.headers["Allow"] == "POST")
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.bodyText == "{\n  \"error\": \"Method not allowed\"\n}\n")
        }
        let httpbin = llm(path, "", method: "OPTIONS", configuration: ServerConfiguration(flavor: .httpbin))
        #expect(httpbin.status == 200, "httpbin's flavor keeps its preflight on every route")
    }

    @Test("bodies that are not JSON get Go's syntax error, naming the byte and the place", arguments: [
        ("", "unexpected end of JSON input"),
        ("not json", "invalid character 'o' in literal null (expecting 'u')"),
        ("{", "unexpected end of JSON input"),
        ("[1,]", "invalid character ']' looking for beginning of value"),
        ("{} x", "invalid character 'x' after top-level value"),
        (#"{"a" 1}"#, "invalid character '1' after object key"),
        (#"{"a":1 "b":2}"#, #"invalid character '"' after object key:value pair"#),
        ("[1 2]", "invalid character '2' after array element"),
        (#"{"a":tru}"#, "invalid character '}' in literal true (expecting 'e')"),
        ("nul", "invalid character ' ' in literal null (expecting 'l')"),
        ("-", "invalid character ' ' in numeric literal"),
        ("1.", "invalid character ' ' after decimal point in numeric literal"),
        ("1e+", "invalid character ' ' in exponent of numeric literal"),
        ("01", "invalid character '1' after top-level value"),
        (#""\x""#, "invalid character 'x' in string escape code"),
        (#""\u12g4""#, #"invalid character 'g' in \u hexadecimal character escape"#),
        ("\"\u{1}\"", #"invalid character '\x01' in string literal"#),
        ("{'a':1}", #"invalid character '\'' looking for beginning of object key string"#),
        (#"{"a":1,}"#, "invalid character '}' looking for beginning of object key string"),
        ("\u{7F}", #"invalid character '\x7f' looking for beginning of value"#),
        ("\u{B}", #"invalid character '\v' looking for beginning of value"#),
        (#"\"#, #"invalid character '\\' looking for beginning of value"#),
    ])
    func syntaxErrors(body: String, message: String) throws {
        let response = llm("/llm/chat/completions", body)
        #expect(response.status == 400)
        #expect(try response.json["error"]?["message"]?.stringValue == "Invalid JSON in request body: " + message)
        #expect(try response.json["error"]?["type"] == "invalid_request_error")
    }

    @Test("bytes Go quotes as runes: a byte-order mark, Latin-1 letters, the unprintable ones")
    func byteErrors() throws {
        func message(_ bytes: [UInt8]) throws -> String? {
            try llm("/llm/completions", bytes: bytes).json["error"]?["message"]?.stringValue
        }
        #expect(try message([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]) == "Invalid JSON in request body: invalid character 'ï' looking for beginning of value")
        #expect(try message([0xE9]) == "Invalid JSON in request body: invalid character 'é' looking for beginning of value")
        #expect(try message([0xA0]) == #"Invalid JSON in request body: invalid character '\u00a0' looking for beginning of value"#)
        #expect(try message([0x00]) == #"Invalid JSON in request body: invalid character '\x00' looking for beginning of value"#)
    }

    @Test("values that do not fit httpbun's Go fields: Go's first type error, with the struct and the field path", arguments: [
        ("/llm/chat/completions", #"{"model": 5}"#, "number into Go struct field ChatCompletionRequest.model of type string"),
        ("/llm/chat/completions", #"{"messages": [5]}"#, "number into Go struct field ChatCompletionRequest.messages of type llm.ChatMessage"),
        ("/llm/chat/completions", #"{"messages": "hi"}"#, "string into Go struct field ChatCompletionRequest.messages of type []llm.ChatMessage"),
        ("/llm/chat/completions", #"{"n": 1.5}"#, "number 1.5 into Go struct field ChatCompletionRequest.n of type int"),
        ("/llm/chat/completions", #"{"n": 99999999999999999999}"#, "number 99999999999999999999 into Go struct field ChatCompletionRequest.n of type int"),
        ("/llm/chat/completions", #"{"temperature": 1e400}"#, "number 1e400 into Go struct field ChatCompletionRequest.temperature of type float64"),
        ("/llm/chat/completions", #"{"httpbun": {"content": true}}"#, "bool into Go struct field HttpbunMock.httpbun.content of type string"),
        ("/llm/chat/completions", #"{"httpbun": "x"}"#, "string into Go struct field ChatCompletionRequest.httpbun of type llm.HttpbunMock"),
        ("/llm/chat/completions", #"{"MAX_TOKENS": "x"}"#, "string into Go struct field ChatCompletionRequest.max_tokens of type int"),
        ("/llm/chat/completions", #"{"user": [], "model": 5}"#, "array into Go struct field ChatCompletionRequest.user of type string"),
        ("/llm/chat/completions", "[]", "array into Go value of type llm.ChatCompletionRequest"),
        ("/llm/completions", #""s""#, "string into Go value of type llm.CompletionRequest"),
        ("/llm/completions", #"{"prompt": [1, {"a": 1e999}]}"#, "number 1e999 into Go struct field CompletionRequest.prompt of type float64"),
        ("/llm/completions", #"{"stream": 1}"#, "number into Go struct field CompletionRequest.stream of type bool"),
        ("/llm/responses", #"{"httpbun": {"output_text": [1]}}"#, "array into Go struct field ResponsesMock.httpbun.output_text of type string"),
        ("/llm/v1/messages", #"{"messages": [5]}"#, "number into Go struct field MessagesRequest.messages of type llm.AnthropicMessage"),
        ("/llm/v1/messages", #"{"top_k": 1.5}"#, "number 1.5 into Go struct field MessagesRequest.top_k of type int"),
    ])
    func typeErrors(path: String, body: String, error: String) throws {
        let response = llm(path, body)
        #expect(response.status == 400)
        #expect(try response.json["error"]?["message"]?.stringValue == "Invalid JSON in request body: json: cannot unmarshal " + error)
    }

    @Test("what Go lets through: null for any field, unknown keys, keys in another case, ſ and K folded to s and k")
    func lenientFields() throws {
        #expect(llm("/llm/chat/completions", "null").status == 200)
        #expect(llm("/llm/chat/completions", #"{"model": null, "n": null, "messages": null, "httpbun": null, "tools": [{}]}"#).status == 200)
        #expect(try llm("/llm/chat/completions", #"{"MODEL": "upper"}"#).json["model"] == "upper")
        #expect(try llm("/llm/chat/completions", #"{"Model": "a", "model": "b"}"#).json["model"] == "b", "later keys win")
        #expect(llm("/llm/chat/completions", "{\"\u{17F}tream\": true}").headers["Content-Type"] == "text/event-stream")
        #expect(try llm("/llm/v1/messages", "{\"top_\u{212A}\": \"x\"}").json["error"]?["message"]
            == "Invalid JSON in request body: json: cannot unmarshal string into Go struct field MessagesRequest.top_k of type int")
        #expect(llm("/llm/v1/messages", #"{"top_p": 1e-400, "extra": 1e999}"#).status == 200, "underflow is 0; unknown keys are not read")
    }

    @Test("members Go has no field for are skipped unread; a repeated key is read each time, as Go reads it")
    func membersInOrder() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(llm("/llm/chat/completions", #"{"tools": \#(deep), "model": "m"}"#).status == 200)
        #expect(try llm("/llm/chat/completions", deep).json["error"]?["message"]
            == "Invalid JSON in request body: json: cannot unmarshal array into Go value of type llm.ChatCompletionRequest")
        #expect(try llm("/llm/completions", #"{"prompt": \#(deep)}"#).json["error"]?["message"]
            == "Invalid JSON in request body: prompt is nested deeper than 512 levels, more than this server reads")
        // An earlier value's type error stands, though a later one fits.
        #expect(try llm("/llm/chat/completions", #"{"model": 5, "model": "a"}"#).json["error"]?["message"]
            == "Invalid JSON in request body: json: cannot unmarshal number into Go struct field ChatCompletionRequest.model of type string")
        // A repeated list is read into the elements already there: "a: z\n", 5 bytes, 2 tokens.
        let merged = llm("/llm/chat/completions", #"""
            {"messages": [{"role": "a", "content": "x"}, {"role": "b", "content": "y"}], "messages": [{"content": "z"}]}
            """#)
        #expect(try merged.json["usage"]?["prompt_tokens"] == 2)
        // A repeated struct keeps what the later one leaves out.
        #expect(try llm("/llm/chat/completions", #"{"httpbun": {"content": "kept"}, "httpbun": {}}"#).json["choices"]?[0]?["message"]?["content"]
            == "kept")
        #expect(try llm("/llm/chat/completions", #"{"x": "}\"{[", "model": "after a tricky string"}"#).json["model"] == "after a tricky string")
    }

    @Test("bytes that are not UTF-8 inside strings count as U+FFFD, one per byte")
    func invalidUTF8() throws {
        // {"messages":[{"role":"u","content":"\xFF\xE2\x82"}]}: "u: " + three U+FFFD + "\n" is 13 bytes.
        let body = Array(#"{"messages":[{"role":"u","content":""#.utf8) + [0xFF, 0xE2, 0x82] + Array(#""}]}"#.utf8)
        #expect(try llm("/llm/v1/messages", bytes: body).json["usage"]?["input_tokens"] == 4)
    }
}

@Suite("LLM mocks: Go's formats")
struct LLMGoFormatTests {
    @Test("float64 as json.Marshal and fmt's %v write it", arguments: [
        (1.0, "1", "1"), (-0.0, "-0", "-0"), (0.1, "0.1", "0.1"), (100_000, "100000", "100000"), (1e6, "1000000", "1e+06"),
        (1_234_567, "1234567", "1.234567e+06"), (0.0001, "0.0001", "0.0001"), (0.00001, "0.00001", "1e-05"),
        (1e-7, "1e-7", "1e-07"), (-1.5e-7, "-1.5e-7", "-1.5e-07"), (1e20, "100000000000000000000", "1e+20"), (1e21, "1e+21", "1e+21"),
        (Double.leastNonzeroMagnitude, "5e-324", "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308", "1.7976931348623157e+308"),
        (12345.678, "12345.678", "12345.678"),
    ])
    func floats(value: Double, marshalled: String, printed: String) {
        #expect(GoFloat.marshal(value) == marshalled)
        #expect(GoFloat.print(value) == printed)
    }

    @Test("json.Marshal: keys sorted, HTML characters and line separators escaped; answers keep HTML")
    func marshal() {
        let value: JSON = ["b": "<a & b>", "a": "line\u{2028}para\u{2029}", "c": [1, nil, true]]
        #expect(String(decoding: GoJSON.marshal(value), as: UTF8.self)
            == #"{"a":"line\u2028para\u2029","b":"\u003ca \u0026 b\u003e","c":[1,null,true]}"#)
        #expect(String(decoding: GoJSON.pretty(value), as: UTF8.self)
            == "{\n  \"a\": \"line\\u2028para\\u2029\",\n  \"b\": \"<a & b>\",\n  \"c\": [\n    1,\n    null,\n    true\n  ]\n}\n")
    }

    @Test("strings.Fields: words split at any Unicode white space, each but the last with one space after it")
    func words() {
        #expect(LLMRoutes.streamedWords("  a\u{A0}b\tc\u{3000}d\n\n") == ["a ", "b ", "c ", "d"])
        #expect(LLMRoutes.streamedWords(" \u{2028} ") == [])
        #expect(LLMRoutes.streamedWords("one") == ["one"])
    }
}
