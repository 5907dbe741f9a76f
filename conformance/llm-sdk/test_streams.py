"""Our checks beside httpbun's llm-sdk-tests, which stream nothing and leave /llm/completions out:
the official SDKs read our streams (sync and async), the legacy completions API, the mock text a
request sets, and our 400s as the SDKs' BadRequestError. Run by run.sh with BASE_URL set."""

import os

import anthropic
import httpx
import openai
import pytest

BASE_URL = os.environ["BASE_URL"]
CHAT_TEXT = (
    "This is a mock chat response from httpbun. "
    "I received your messages and I'm responding with this placeholder text."
)
COMPLETION_TEXT = (
    "This is a mock completion response from httpbun. Your prompt was received successfully."
)
MESSAGES_TEXT = (
    "This is a mock Anthropic messages API response from httpbun. "
    "I received your messages and I'm responding with this placeholder text."
)
HELLO = [{"role": "user", "content": "Hello"}]


def test_openai_chat_stream_sync():
    client = openai.OpenAI(base_url=BASE_URL, api_key="dummy-key")
    chunks = list(client.chat.completions.create(model="gpt-5-nano", messages=HELLO, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == CHAT_TEXT
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert {c.id for c in chunks} == {chunks[0].id} and chunks[0].id.startswith("chatcmpl-")
    assert all(c.model == "gpt-5-nano" and c.object == "chat.completion.chunk" for c in chunks)
    # One chunk for the role, one per word, one to finish.
    assert len(chunks) == 2 + len(CHAT_TEXT.split())


async def test_openai_chat_stream_async():
    client = openai.AsyncOpenAI(base_url=BASE_URL, api_key="dummy-key")
    try:
        stream = await client.chat.completions.create(
            model="gpt-5-nano",
            messages=HELLO,
            stream=True,
            extra_body={"httpbun": {"content": "a custom reply"}},
        )
        text = "".join([c.choices[0].delta.content or "" async for c in stream])
        assert text == "a custom reply"
    finally:
        await client.close()


def test_openai_chat_custom_content_and_choices():
    client = openai.OpenAI(base_url=BASE_URL, api_key="dummy-key")
    response = client.chat.completions.create(
        model="m", messages=HELLO, n=2, extra_body={"httpbun": {"content": "two of these"}}
    )
    assert [c.message.content for c in response.choices] == ["two of these"] * 2
    assert [c.index for c in response.choices] == [0, 1]
    assert response.usage.completion_tokens == 3  # 12 bytes, a token per 4


def test_openai_completions():
    client = openai.OpenAI(base_url=BASE_URL, api_key="dummy-key")
    response = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello")
    assert response.object == "text_completion" and response.id.startswith("cmpl-")
    assert response.choices[0].text == COMPLETION_TEXT
    assert response.choices[0].finish_reason == "stop"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (2, 22)


def test_openai_completions_stream():
    client = openai.OpenAI(base_url=BASE_URL, api_key="dummy-key")
    chunks = list(client.completions.create(model="m", prompt="Hello", stream=True))
    assert "".join(c.choices[0].text for c in chunks) == COMPLETION_TEXT
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_openai_bad_request():
    client = openai.OpenAI(base_url=BASE_URL, api_key="dummy-key")
    # httpbun's ChatMessage.content is a Go string: a list of parts is Go's unmarshal error.
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
        )
    assert raised.value.status_code == 400
    assert raised.value.body["message"] == (
        "Invalid JSON in request body: json: cannot unmarshal array into Go struct field "
        "ChatMessage.messages.content of type string"
    )
    assert raised.value.body["type"] == "invalid_request_error"


def test_openai_responses_stream_answers_json():
    # httpbun reads `stream` on /llm/responses but answers the whole response as JSON.
    answer = httpx.post(f"{BASE_URL}/responses", json={"input": "Hello", "stream": True})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["usage"]["input_tokens"] == 3


def test_anthropic_stream_sync():
    client = anthropic.Anthropic(base_url=BASE_URL, api_key="dummy-key")
    with client.messages.stream(model="claude-x", max_tokens=64, messages=HELLO) as stream:
        text = "".join(stream.text_stream)
        message = stream.get_final_message()
    assert text == MESSAGES_TEXT
    assert message.content[0].text == MESSAGES_TEXT
    assert message.id.startswith("msg-") and message.model == "claude-x"
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (3, 33)


def test_anthropic_stream_events():
    client = anthropic.Anthropic(base_url=BASE_URL, api_key="dummy-key")
    events = list(
        client.messages.create(
            model="claude-x",
            max_tokens=64,
            messages=HELLO,
            stream=True,
            extra_body={"httpbun": {"content": "two words"}},
        )
    )
    assert [e.type for e in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert [e.delta.text for e in events if e.type == "content_block_delta"] == ["two ", "words"]


async def test_anthropic_stream_async():
    client = anthropic.AsyncAnthropic(base_url=BASE_URL, api_key="dummy-key")
    try:
        async with client.messages.stream(
            model="claude-x", max_tokens=64, messages=HELLO
        ) as stream:
            message = await stream.get_final_message()
        assert message.content[0].text == MESSAGES_TEXT
        assert message.usage.output_tokens == 33
    finally:
        await client.close()


def test_anthropic_bad_request():
    client = anthropic.Anthropic(base_url=BASE_URL, api_key="dummy-key")
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(
            model="m", max_tokens=64, messages=HELLO, extra_body={"httpbun": "not an object"}
        )
    assert raised.value.status_code == 400
    assert raised.value.body["error"]["message"] == (
        "Invalid JSON in request body: json: cannot unmarshal string into Go struct field "
        "MessagesRequest.httpbun of type llm.HttpbunMock"
    )
