"""Sends the same requests to httpbun's own LLM handlers (run under Go by run.sh) and to ours, and
compares status, Content-Type, Allow, Cache-Control and body, after replacing ids and timestamps.
Prints a diff for each disagreement and `agree: N / total: M`; exits 0 when every disagreement is
one DELIBERATE names (docs/flavors.md, "LLM mocks")."""

import argparse
import http.client
import re
import sys
from urllib.parse import urlsplit

CHAT, COMPLETIONS, RESPONSES, MESSAGES = (
    "/llm/chat/completions",
    "/llm/completions",
    "/llm/responses",
    "/llm/v1/messages",
)
PATHS = (CHAT, COMPLETIONS, RESPONSES, MESSAGES)
DEEP = "[" * 600 + "]" * 600

# Where we differ on purpose, by the name of the request (see cases()).
DELIBERATE = {
    "negative n": "a negative n is our 400; httpbun's handler panics and the connection drops",
    "deep field value": "a field's value nested past 512 levels is our 400; Go reads 10,000",
}

BODIES = [
    "", "not json", "{", "[", "[]", "null", "true", "5", '"s"', "{}", "{} x", '{"a":1,}', '{"a" 1}', '{"a":tru}',
    '{"a":-}', '{"a":1.}', '{"a":1e}', '{"a":"\\x"}', '{"a":"\\u12g4"}', "\ufeff{}", '{"a":"\x01"}', "{'a':1}",
    '{"model":5}', '{"model":"x"}', '{"MODEL":"upper"}', '{"Model":"a","model":"b"}', '{"model":"a","model":5}',
    '{"\u017ftream":false,"model":"long s"}', '{"top_\u212a":"x"}', '{"max_tokens":true}', '{"max_tokens":null}',
    '{"n":1.5}', '{"n":"2"}', '{"n":2}', '{"n":0}', '{"n":3,"model":"m"}', '{"n":99999999999999999999}', '{"n":1e2}',
    '{"n":-0}', '{"temperature":"hot"}', '{"temperature":1e400}', '{"top_p":1e-400}', '{"top_k":1.5}',
    '{"stream":"yes"}', '{"stream":1}', '{"stream":null}', '{"stop":1e999}', '{"user":[]}', '{"suffix":{}}',
    '{"stop_sequences":["a",1]}', '{"stop_sequences":"a"}',
    '{"messages":5}', '{"messages":"hi"}', '{"messages":[5]}', '{"messages":null}', '{"messages":[]}',
    '{"messages":[{"role":5}]}', '{"messages":[{"role":"user","content":5}]}',
    '{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}',
    '{"messages":[{"role":"user","content":"Hello","name":1}]}',
    '{"messages":[{"role":"user","content":"Hello"},{"role":"assistant","content":"Hi there!"}]}',
    '{"messages":[{"role":"user","content":["s",{"type":"text","text":"t"},{"type":"image"},{"text":"x"},5,null]}]}',
    '{"messages":[{"role":"user","content":{"k":[1,2]}}]}', '{"messages":[{"role":"user","content":true}]}',
    '{"messages":[{"role":"user","content":null}]}', '{"messages":[{"role":"user","content":1e6}]}',
    '{"messages":[{"role":"user","content":"caf\xe9 line\u2028sep"}]}',
    '{"httpbun":5}', '{"httpbun":"x"}', '{"httpbun":null}', '{"httpbun":{}}', '{"httpbun":{"content":7}}',
    '{"httpbun":{"content":"custom <b> & reply"}}', '{"httpbun":{"content":""}}', '{"httpbun":{"content":"   "}}',
    '{"httpbun":{"Content":"folded"}}', '{"httpbun":{"content":"sep\u2028x"}}',
    '{"httpbun":{"output_text":"custom out"}}', '{"httpbun":{"output_text":[1]}}', '{"httpbun":{"output_text":"\u2029<x>"}}',
    '{"prompt":"Hello"}', '{"prompt":["a","b",3,null]}', '{"prompt":true}', '{"prompt":null}',
    '{"prompt":{"b":[1,"x",null],"a":{"z":1.5e300}}}', '{"prompt":1e999}',
    '{"input":"Hello"}', '{"input":""}', '{"input":true}', '{"input":null}',
    '{"input":[{"role":"user","content":"hi"},{"text":"t"},{"x":"<&>"},["a",["b"]],null,""]}',
    '{"input":{"content":null,"text":5}}', '{"input":{"content":"","role":"u"}}', '{"input":{"role":"","content":"c"}}',
    '{"input":[{"type":"message","role":"system","content":[{"type":"input_text","text":"Be brief."}]}]}',
    '{"input":{"a":1.0,"b":[2.50,1e2,-3e-9]}}', '  {"model" : "spaces" }  ',
    # Members skipped or repeated: Go reads each key in turn and never looks inside unknown ones.
    '{"x":"}\\"{[","model":"after a tricky string"}', '{ "a" : [ 1 , { "b" : "]" } ] , "model" : "m" , "n" : 2 }',
    '{"a":1e5,"model":"m"}', '{"model":"m","a":-0.5e-3}', '{"model":5,"model":"a"}', '{"n":2,"N":3}',
    '{"httpbun":{"content":"kept"},"httpbun":{}}', '{"httpbun":{"content":"x"},"httpbun":null}',
    '{"messages":[{"role":"a","content":"x"},{"role":"b","content":"y"}],"messages":[{"content":"z"}]}',
    '{"stream":true,"stream":false}', '{"input":"a","input":5}',
]
NUMBERS = [
    "1e20", "1e21", "123456789", "0.1", "1.7976931348623157e308", "5e-324", "-1.5e-7", "2.5e-5", "100", "1e6",
    "999999", "1000000.5", "-0", "0.000123", "12345.678", "1E+2",
]
BYTES = [b"\x00", b"\x7f", b"\x80", b"\xa0", b"\xad", b"\xe9", b"\\", b"'", b"\x0b", b"\x07", b"\x1f", b"\xff", b"}", b"]", b":", b","]
STREAMS = [
    '{"stream":true}', '{"stream":true,"model":"s","httpbun":{"content":"one two  three\\tfour\\n"}}',
    '{"stream":true,"httpbun":{"content":"   "}}', '{"stream":true,"n":-1}',
    '{"stream":true,"httpbun":{"content":"<a> & \u00a0nbsp\u3000ideo"}}',
]


def cases():
    """(name, method, path, body) for every request, names unique."""
    for path in PATHS:
        for method in ("GET", "PUT", "DELETE", "PATCH", "HEAD", "BREW"):
            yield f"{method} {path}", method, path, "{}"
        yield f"OPTIONS {path}", "OPTIONS", path, None
        for index, body in enumerate(BODIES + STREAMS):
            yield f"{path} #{index}", "POST", path, body
        yield f"{path} invalid UTF-8", "POST", path, (
            b'{"messages":[{"role":"user","content":"bad \xff\xfe \xe2\x82"}],"prompt":"\xc3","input":"\xed\xa0\x80"}'
        )
        yield f"deep top-level array {path}", "POST", path, DEEP
        yield f"deep unknown member {path}", "POST", path, '{"extra":' + DEEP + "}"
        yield f"deep field value {path}", "POST", path, '{"prompt":' + DEEP + ',"input":' + DEEP + "}"
        yield f"repeated messages {path}", "POST", path, (
            '{"messages":[{"role":"a","content":"x"}],"messages":[{"content":"y"}]}'
        )
    for number in NUMBERS:
        yield f"prompt {number}", "POST", COMPLETIONS, '{"prompt":%s}' % number
        yield f"input {number}", "POST", RESPONSES, '{"input":%s}' % number
        yield f"input object {number}", "POST", RESPONSES, '{"input":[{"x":%s}]}' % number
        yield f"content object {number}", "POST", MESSAGES, '{"messages":[{"role":"u","content":{"x":%s}}]}' % number
    for raw in BYTES:
        yield f"byte {raw!r}", "POST", CHAT, raw
        yield f"byte {raw!r} as a value", "POST", CHAT, b'{"a":' + raw
        yield f"byte {raw!r} in a string", "POST", CHAT, b'{"a":"' + raw + b'"}'
        yield f"byte {raw!r} in a list", "POST", CHAT, b"[1" + raw
    yield "negative n chat", "POST", CHAT, '{"n":-1}'
    yield "negative n completions", "POST", COMPLETIONS, '{"n":-3}'


def send(base, method, path, body):
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path, body=body.encode() if isinstance(body, str) else body)
        answer = connection.getresponse()
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return answer.status, headers, answer.read()
    except (ConnectionError, http.client.HTTPException) as error:
        return type(error).__name__, {}, b""
    finally:
        connection.close()


def normalized(body):
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(chatcmpl|cmpl|resp|msg)-[0-9a-f]{24}", r"\1-ID", text)
    text = re.sub(r'"(created|created_at)": ?\d+', r'"\1": T', text)
    # Go 1.22 writes \b and \f short; the Go that builds the oracle may be older.
    return text.replace("\\u0008", "\\b").replace("\\u000c", "\\f")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True, help="our server's base URL")
    parser.add_argument("--httpbun", required=True, help="the oracle's base URL")
    parser.add_argument("-v", action="store_true", help="print the deliberate differences too")
    arguments = parser.parse_args()
    agree = deliberate = total = 0
    undeclared = []
    for name, method, path, body in cases():
        total += 1
        ours = send(arguments.ours, method, path, body)
        theirs = send(arguments.httpbun, method, path, body)
        fields = ("content-type", "allow", "cache-control")
        key = lambda answer: (answer[0], *(answer[1].get(f) for f in fields), normalized(answer[2]))
        if key(ours) == key(theirs):
            agree += 1
            continue
        reason = next((why for prefix, why in DELIBERATE.items() if name.startswith(prefix)), None)
        if reason:
            deliberate += 1
            if not arguments.v:
                continue
        else:
            undeclared.append(name)
        print(f"--- {name}: {method} {path} {body!r:.100}" + (f" (deliberate: {reason})" if reason else ""))
        for label, mine, other in zip(("status", *fields, "body"), key(ours), key(theirs)):
            if mine != other:
                print(f"  {label}:\n    ours:    {str(mine)[:400]!r}\n    httpbun: {str(other)[:400]!r}")
    print(f"agree: {agree} / total: {total} ({deliberate} deliberate differences, {len(undeclared)} others)")
    sys.exit(1 if undeclared else 0)


if __name__ == "__main__":
    main()
