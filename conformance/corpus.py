"""The requests compare.py sends to python httpbin 0.10.4 and to `httpbun --flavor httpbin`.

Each entry: name (unique), method, path (with query, may hold non-ASCII: sent as UTF-8),
headers (list of pairs, repeats allowed), body, and how to compare the body:
  body: {"text": str} | {"bytes": base64} | {"form": [[k, v], ...]} | {"json": value}
        | {"multipart": [{"name", "filename"?, "content_type"?, "content": str | {"bytes": b64}}]}
        | {"chunked": str}  (sent with Transfer-Encoding: chunked)
  compare: "auto" (JSON as values, images by their first bytes, octet-streams by length, else exact
           text) | "magic" | "length" | "ignore"
  ignore_headers: names not compared for this entry
  digest: (user, password): answer the Digest challenge of the first response, as a client does
DELIBERATE maps an entry's name to why httpbun answers differently on purpose (docs/flavors.md).
"""

import base64

CORPUS = []


def R(name, path, method="GET", headers=(), body=None, compare="auto", ignore_headers=(), digest=None):
    entry = {"name": name, "method": method, "path": path, "headers": [list(h) for h in headers],
             "body": body, "compare": compare, "ignore_headers": list(ignore_headers)}
    if digest:
        entry["digest"] = digest
    CORPUS.append(entry)


BINARY = base64.b64encode(bytes(range(256))).decode()
PNGISH = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe").decode()

# ---- HTTP methods and the echo object
R("get-plain", "/get")
R("get-args", "/get?a=1&b=two")
R("get-repeated-args", "/get?a=1&a=2&a=3&b=x")
R("get-empty-arg", "/get?flag&empty=")
R("get-query-escapes", "/get?x=%41%26%3D%7E%25%2F%3F&y=%ZZ&z=%E9")
R("get-unicode-query-encoded", "/get?q=h%C3%A9llo&emoji=%F0%9F%91%8B")
R("get-plus-and-space", "/get?q=a+b&r=a%20b&s=%2B")
R("get-repeated-headers", "/get", headers=[("X-A", "1"), ("X-A", "2")])
R("get-custom-header-case", "/get", headers=[("x-lower-case", "v"), ("X-UPPER-CASE", "V")])
R("get-unicode-header", "/get", headers=[("X-Unicode", "café")])
R("get-x-forwarded-for", "/get", headers=[("X-Forwarded-For", "203.0.113.9, 10.0.0.1")])
R("get-x-forwarded-proto", "/get", headers=[("X-Forwarded-Proto", "https")])
R("get-show-env", "/get?show_env=1", headers=[("X-Forwarded-For", "203.0.113.9")])
R("get-head", "/get", method="HEAD")
R("get-with-body", "/get", body={"text": "ignored?"})
R("get-wrong-method-post", "/get", method="POST")
R("get-wrong-method-put", "/get", method="PUT")
R("get-options", "/get", method="OPTIONS")
R("get-options-preflight", "/get", method="OPTIONS",
  headers=[("Origin", "http://example.com"), ("Access-Control-Request-Method", "PUT"),
           ("Access-Control-Request-Headers", "X-Custom, Content-Type")])
R("get-origin-header", "/get", headers=[("Origin", "http://example.com")])
R("get-trailing-slash", "/get/")

for method in ("POST", "PUT", "PATCH", "DELETE"):
    m = method.lower()
    R(f"{m}-empty", f"/{m}", method=method)
    R(f"{m}-form", f"/{m}?x=1", method=method, body={"form": [["a", "1"], ["b", "two words"]]})
    R(f"{m}-json", f"/{m}", method=method, body={"json": {"k": "v", "n": 1.5, "list": [1, 2], "nested": {"z": None}}})
    R(f"{m}-text", f"/{m}", method=method, body={"text": "hello world"}, headers=[("Content-Type", "text/plain")])
    R(f"{m}-wrong-method", f"/{m}", method="GET" if method != "GET" else "POST")

R("post-form-repeated", "/post", method="POST", body={"form": [["a", "1"], ["a", "2"], ["b", "3"]]})
R("post-form-unicode", "/post", method="POST", body={"form": [["naïve", "café ☕"]]})
R("post-json-unicode", "/post", method="POST", body={"json": {"greeting": "こんにちは", "emoji": "👋"}})
R("post-json-array", "/post", method="POST", body={"json": [1, "two", None, True]})
R("post-json-scalar", "/post", method="POST", body={"json": 42})
R("post-json-malformed", "/post", method="POST", body={"text": "{not json"}, headers=[("Content-Type", "application/json")])
R("post-json-charset", "/post", method="POST", body={"text": '{"a": 1}'},
  headers=[("Content-Type", "application/json; charset=utf-8")])
R("post-json-vendor-type", "/post", method="POST", body={"text": '{"a": 1}'},
  headers=[("Content-Type", "application/vnd.api+json")])
R("post-json-without-type", "/post", method="POST", body={"text": '{"a": [1, 2]}'})
R("post-text-unicode", "/post", method="POST", body={"text": "grüße 🌍"}, headers=[("Content-Type", "text/plain; charset=utf-8")])
R("post-binary", "/post", method="POST", body={"bytes": BINARY}, headers=[("Content-Type", "application/octet-stream")])
R("post-binary-no-type", "/post", method="POST", body={"bytes": PNGISH})
R("post-xml", "/post", method="POST", body={"text": "<a>1</a>"}, headers=[("Content-Type", "application/xml")])
R("post-form-malformed-percent", "/post", method="POST", body={"text": "a=%zz&b=%41"},
  headers=[("Content-Type", "application/x-www-form-urlencoded")])
R("post-form-with-charset", "/post", method="POST", body={"text": "a=1&b=%C3%A9"},
  headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
R("post-multipart-fields", "/post", method="POST", body={"multipart": [
    {"name": "field", "content": "value"}, {"name": "field", "content": "second"}, {"name": "other", "content": "ünï"}]})
R("post-multipart-file", "/post", method="POST", body={"multipart": [
    {"name": "file", "filename": "a.txt", "content_type": "text/plain", "content": "file content\nline 2"}]})
R("post-multipart-file-and-field", "/post", method="POST", body={"multipart": [
    {"name": "note", "content": "hi"},
    {"name": "upload", "filename": "data.json", "content_type": "application/json", "content": '{"x": 1}'}]})
R("post-multipart-two-files-one-field", "/post", method="POST", body={"multipart": [
    {"name": "f", "filename": "1.txt", "content": "one"}, {"name": "f", "filename": "2.txt", "content": "two"}]})
R("post-multipart-binary-file", "/post", method="POST", body={"multipart": [
    {"name": "bin", "filename": "b.bin", "content_type": "application/octet-stream", "content": {"bytes": BINARY}}]})
R("post-multipart-binary-file-png", "/post", method="POST", body={"multipart": [
    {"name": "img", "filename": "x.png", "content_type": "image/png", "content": {"bytes": PNGISH}}]})
R("post-multipart-file-no-type", "/post", method="POST", body={"multipart": [
    {"name": "bin", "filename": "b.bin", "content": {"bytes": PNGISH}}]})
R("post-multipart-malformed", "/post", method="POST", body={"text": "--nope\r\nbroken"},
  headers=[("Content-Type", "multipart/form-data; boundary=xyz")])
R("post-chunked-text", "/post", method="POST", body={"chunked": "chunked upload body text"},
  headers=[("Content-Type", "text/plain")])
R("post-chunked-json", "/post", method="POST", body={"chunked": '{"chunked": true}'},
  headers=[("Content-Type", "application/json")])

for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
    R(f"anything-{method.lower()}", "/anything", method=method, body=None if method == "GET" else {"form": [["k", "v"]]})
R("anything-trace", "/anything", method="TRACE")
R("anything-path", "/anything/some/deep/path?x=1")
R("anything-unicode-path", "/anything/caf%C3%A9/%E2%98%83")
R("anything-json", "/anything/json", method="POST", body={"json": {"a": [1, {"b": None}]}})
R("anything-multipart", "/anything", method="PUT", body={"multipart": [
    {"name": "f", "filename": "t.txt", "content": "text"}, {"name": "g", "content": "plain"}]})
R("anything-head", "/anything", method="HEAD")
R("anything-options", "/anything", method="OPTIONS")

# ---- request inspection
R("headers", "/headers")
R("headers-repeated", "/headers", headers=[("X-A", "1"), ("X-A", "2"), ("Cookie", "a=1")])
R("headers-hidden-env", "/headers", headers=[("X-Forwarded-For", "1.2.3.4"), ("Via", "proxy"), ("X-Request-Id", "abc")])
R("ip", "/ip")
R("ip-forwarded", "/ip", headers=[("X-Forwarded-For", "203.0.113.9, 10.0.0.1")])
R("user-agent", "/user-agent", headers=[("User-Agent", "MyBot/1.0 (+ünicode)")])
R("user-agent-post", "/user-agent", method="POST")
R("uuid", "/uuid")

# ---- status codes
for code in (200, 201, 202, 204, 206, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405,
             406, 407, 409, 410, 418, 429, 500, 502, 503, 504, 599):
    R(f"status-{code}", f"/status/{code}")
R("status-post", "/status/201", method="POST")
R("status-put-418", "/status/418", method="PUT")
R("status-list-same", "/status/202,202")
R("status-weighted-same", "/status/203:0.5,203:0.5")
R("status-invalid-word", "/status/abc")
R("status-invalid-list", "/status/200,abc")
R("status-100", "/status/100")
R("status-600", "/status/600")
R("status-head", "/status/418", method="HEAD")

# ---- cookies
R("cookies-none", "/cookies")
R("cookies-some", "/cookies", headers=[("Cookie", "a=1; b=two")])
R("cookies-quoted", "/cookies", headers=[("Cookie", 'q="x y"')])
R("cookies-env-hidden", "/cookies", headers=[("Cookie", "__utma=1; keep=2")])
R("cookies-set-query", "/cookies/set?a=1&b=2")
R("cookies-set-space", "/cookies/set?b=x%20y")
R("cookies-set-path", "/cookies/set/name/value")
R("cookies-set-repeated", "/cookies/set?a=1&a=2")
R("cookies-delete", "/cookies/delete?a&b")
R("cookies-delete-with-values", "/cookies/delete?a=1")
R("cookies-post", "/cookies", method="POST")
R("cookies-set-quoted", '/cookies/set?foo=%22bar:baz%22')
R("cookies-set-special", "/cookies/set?a=x;y&b=%C3%A9&c=back%5Cslash&d=a,b")
R("cookies-set-path-quoted", "/cookies/set/foo/%22bar%22")
R("cookies-quoted-escapes", "/cookies", headers=[("Cookie", 'foo="\\"bar:baz\\""; e="x\\073y"; n="\\303\\251"')])
R("cookies-werkzeug-edges", "/cookies", headers=[("Cookie", 'q="unterminated; r=1; b; c=d"e; sp=a b; z=9; dup=1; dup=2')])

# ---- auth
AUTH_OK = "Basic " + base64.b64encode(b"user:passwd").decode()
AUTH_BAD = "Basic " + base64.b64encode(b"user:wrong").decode()
R("basic-auth-ok", "/basic-auth/user/passwd", headers=[("Authorization", AUTH_OK)])
R("basic-auth-wrong", "/basic-auth/user/passwd", headers=[("Authorization", AUTH_BAD)])
R("basic-auth-none", "/basic-auth/user/passwd")
R("basic-auth-unicode", "/basic-auth/us%C3%A9r/p%C3%A4ss",
  headers=[("Authorization", "Basic " + base64.b64encode("usér:päss".encode()).decode())])
R("basic-auth-post", "/basic-auth/user/passwd", method="POST", headers=[("Authorization", AUTH_OK)])
R("hidden-basic-auth-ok", "/hidden-basic-auth/user/passwd", headers=[("Authorization", AUTH_OK)])
R("hidden-basic-auth-none", "/hidden-basic-auth/user/passwd")
R("bearer-ok", "/bearer", headers=[("Authorization", "Bearer abc.def")])
R("bearer-none", "/bearer")
R("bearer-basic", "/bearer", headers=[("Authorization", AUTH_OK)])
R("digest-challenge", "/digest-auth/auth/user/passwd")
R("digest-challenge-sha256", "/digest-auth/auth/user/passwd/SHA-256")
R("digest-challenge-auth-int", "/digest-auth/auth-int/user/passwd/MD5/never")
R("digest-answered-md5", "/digest-auth/auth/user/passwd", digest=("user", "passwd"))
R("digest-answered-sha256", "/digest-auth/auth/user/passwd/SHA-256", digest=("user", "passwd"))
R("digest-answered-sha512", "/digest-auth/auth/user/passwd/SHA-512/never", digest=("user", "passwd"))
R("digest-answered-wrong", "/digest-auth/auth/user/passwd", digest=("user", "nope"))
R("digest-challenge-wrong-qop", "/digest-auth/wrong-qop/user/passwd")
R("digest-challenge-both-qops", "/digest-auth/auth,auth-int/user/passwd")
R("digest-challenge-unknown-algorithm", "/digest-auth/auth/user/passwd/MD4")
R("digest-answered-wrong-qop", "/digest-auth/wrong-qop/user/passwd", digest=("user", "passwd"))

# ---- redirects
R("redirect-1", "/redirect/1")
R("redirect-3", "/redirect/3")
R("redirect-absolute", "/redirect/2?absolute=true")
R("redirect-absolute-1", "/redirect/1?absolute=true")
R("redirect-zero", "/redirect/0")
R("redirect-word", "/redirect/abc")
R("relative-redirect-1", "/relative-redirect/1")
R("relative-redirect-2", "/relative-redirect/2")
R("absolute-redirect-1", "/absolute-redirect/1")
R("absolute-redirect-2", "/absolute-redirect/2")
R("redirect-to-path", "/redirect-to?url=/get")
R("redirect-to-status", "/redirect-to?url=/get&status_code=307")
R("redirect-to-status-bad", "/redirect-to?url=/get&status_code=200")
R("redirect-to-post", "/redirect-to?url=/post&status_code=308", method="POST")
R("redirect-to-loopback", "/redirect-to?url=http://127.0.0.1/get")
R("redirect-to-external", "/redirect-to?url=http://example.com/")
# example.com is on the default list (httpbun's); another host is what the guard refuses.
R("redirect-to-unlisted", "/redirect-to?url=http://unlisted.example/")

# ---- bytes, streams, range, drip
R("bytes-0", "/bytes/0")
R("bytes-16", "/bytes/16")
R("bytes-seeded", "/bytes/64?seed=42", compare="bytes")
R("bytes-seeded-case", "/bytes/20?SEED=-7", compare="bytes")
R("bytes-seeded-big", "/bytes/20?seed=1000000000000000000000000000000", compare="bytes")
R("stream-bytes-100", "/stream-bytes/100?chunk_size=10")
R("stream-1", "/stream/1")
R("stream-3", "/stream/3?x=1")
R("stream-0", "/stream/0")
R("range-full", "/range/26", compare="auto")
R("range-partial", "/range/100", headers=[("Range", "bytes=10-19")])
R("range-suffix", "/range/100", headers=[("Range", "bytes=-5")])
R("range-open", "/range/30", headers=[("Range", "bytes=25-")])
R("range-unsatisfiable", "/range/10", headers=[("Range", "bytes=20-30")])
R("range-too-big", "/range/200000")
R("range-zero", "/range/0")
R("drip-short", "/drip?duration=0.2&numbytes=5&delay=0")
R("drip-code", "/drip?duration=0.1&numbytes=3&code=201")
R("drip-zero", "/drip?numbytes=0&duration=0")
R("range-timed", "/range/30?duration=0.2&chunk_size=10")
R("range-timed-partial", "/range/30?duration=0.1", headers=[("Range", "bytes=5-14")])

# ---- encodings
R("gzip", "/gzip")
R("deflate", "/deflate")
R("brotli", "/brotli")
R("gzip-post", "/gzip", method="POST")
R("base64-text", "/base64/SFRUUEJJTiBpcyBhd2Vzb21l")
R("base64-urlsafe", "/base64/aGk_dGhlcmU-")
R("base64-invalid", "/base64/!!!")
R("base64-unicode", "/base64/w6l0w6k=")
R("encoding-utf8", "/encoding/utf8", compare="ignore")

# ---- documents
R("html", "/html", compare="ignore")
R("json", "/json")
R("xml", "/xml")
R("robots", "/robots.txt")
R("deny", "/deny")
R("forms-post", "/forms/post", compare="ignore")
R("links-3", "/links/3")
R("links-3-1", "/links/3/1")
R("links-0-0", "/links/0/0")

# ---- images
R("image-default", "/image")
R("image-accept-png", "/image", headers=[("Accept", "image/png")])
R("image-accept-jpeg", "/image", headers=[("Accept", "image/jpeg")])
R("image-accept-webp", "/image", headers=[("Accept", "image/webp")])
R("image-accept-svg", "/image", headers=[("Accept", "image/svg+xml")])
R("image-accept-any-image", "/image", headers=[("Accept", "image/*")])
R("image-accept-text", "/image", headers=[("Accept", "text/plain")])
R("image-png", "/image/png")
R("image-jpeg", "/image/jpeg")
R("image-webp", "/image/webp")
R("image-svg", "/image/svg")

# ---- caching
R("cache", "/cache")
R("cache-if-modified-since", "/cache", headers=[("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")])
R("cache-if-none-match", "/cache", headers=[("If-None-Match", "x")])
R("cache-60", "/cache/60")
R("etag", "/etag/abc")
R("etag-if-none-match", "/etag/abc", headers=[("If-None-Match", '"abc"')])
R("etag-if-none-match-star", "/etag/abc", headers=[("If-None-Match", "*")])
R("etag-if-none-match-other", "/etag/abc", headers=[("If-None-Match", '"xyz"')])
R("etag-if-match-ok", "/etag/abc", headers=[("If-Match", '"abc"')])
R("etag-if-match-fail", "/etag/abc", headers=[("If-Match", '"xyz"')])

# ---- response headers
R("response-headers", "/response-headers?X-Custom=1")
R("response-headers-repeated", "/response-headers?X-Custom=1&X-Custom=2")
R("response-headers-post", "/response-headers?X-Custom=v", method="POST")
R("response-headers-unicode-free", "/response-headers?freeform=hello%20world")

# ---- delay
R("delay-0", "/delay/0")
R("delay-fraction", "/delay/0.3?a=1")
R("delay-post", "/delay/0", method="POST", body={"form": [["a", "1"]]})
R("delay-invalid", "/delay/abc")

# ---- unknown routes and odd requests
R("unknown-route", "/nope")
R("unknown-route-post", "/nope", method="POST")
R("unknown-nested", "/status")
R("root-robots-head", "/robots.txt", method="HEAD")
R("wrong-method-bytes", "/bytes/10", method="POST")
R("wrong-method-cache", "/cache", method="DELETE")
R("options-status", "/status/200", method="OPTIONS",
  headers=[("Origin", "http://a.example"), ("Access-Control-Request-Method", "DELETE")])

# ---- more edges
R("get-forwarded-protocol", "/get", headers=[("X-Forwarded-Protocol", "https")])
R("get-forwarded-ssl", "/get", headers=[("X-Forwarded-Ssl", "on")])
R("get-host-header", "/get?x=1", headers=[("Host", "example.com:8080")])
R("anything-path-escapes", "/anything/a%20b/%41%3F%23/x?y=%C3%A9%20%2B")
R("anything-double-slash", "/anything/x//y")
R("anything-trailing-slash-empty", "/anything/")
R("headers-trailing-slash", "/headers/")
R("post-json-empty-with-type", "/post", method="POST", body={"text": ""}, headers=[("Content-Type", "application/json")])
R("post-form-empty-value", "/post", method="POST", body={"text": "a=&b&c=3"},
  headers=[("Content-Type", "application/x-www-form-urlencoded")])
R("cookies-show-env", "/cookies?show_env=1", headers=[("Cookie", "__utma=1; keep=2")])
R("cookies-repeated-name", "/cookies", headers=[("Cookie", "a=1; a=2")])
R("bearer-empty-token", "/bearer", headers=[("Authorization", "Bearer ")])
R("bearer-lowercase-scheme", "/bearer", headers=[("Authorization", "bearer abc")])
R("basic-auth-malformed", "/basic-auth/user/passwd", headers=[("Authorization", "Basic !!!")])
R("redirect-absolute-upper", "/redirect/2?absolute=TRUE")
R("links-clamped", "/links/300/0", compare="length")
R("links-word", "/links/abc")
R("range-chunked", "/range/50?chunk_size=7", headers=[("Range", "bytes=0-9")])
R("etag-weak", "/etag/abc", headers=[("If-None-Match", 'W/"abc"')])
R("etag-list", "/etag/abc", headers=[("If-None-Match", '"x", "abc"')])
R("cache-word", "/cache/abc")
R("stream-word", "/stream/abc")
R("stream-over-cap", "/stream/150", compare="length")
R("image-accept-q", "/image", headers=[("Accept", "image/png;q=0.5, image/jpeg;q=0.9")])
R("status-weighted-zero", "/status/200:0,204:1")
R("response-headers-none", "/response-headers")
R("response-headers-content-type", "/response-headers?Content-Type=text/plain")
R("bytes-over-cap", "/bytes/200000")
R("stream-bytes-over-cap", "/stream-bytes/200000")
R("options-unknown", "/nope", method="OPTIONS")
R("head-status-200", "/status/200", method="HEAD")
R("cookies-set-path-escaped", "/cookies/set/a%21b/c%20d")
R("basic-auth-colon-password", "/basic-auth/user/pa:ss",
  headers=[("Authorization", "Basic " + base64.b64encode(b"user:pa:ss").decode())])
R("etag-if-match-star", "/etag/abc", headers=[("If-Match", "*")])
R("range-multiple", "/range/20", headers=[("Range", "bytes=0-1,5-6")])
R("range-past-end", "/range/20", headers=[("Range", "bytes=5-100")])
R("range-other-unit", "/range/20", headers=[("Range", "items=0-1")])
R("drip-code-500", "/drip?duration=0&numbytes=2&code=500")
R("redirect-to-uppercase-arg", "/redirect-to?URL=/get")
R("redirect-to-put", "/redirect-to?url=/put&status_code=307", method="PUT")
R("anything-json-null", "/anything", method="POST", body={"text": "null"}, headers=[("Content-Type", "application/json")])
R("get-comma-header", "/get", headers=[("X-List", "a, b"), ("X-List", "c")])
R("post-multipart-empty-filename", "/post", method="POST", body={"multipart": [
    {"name": "f", "filename": "", "content": "x"}]})
R("cache-post", "/cache", method="POST")
R("uuid-head", "/uuid", method="HEAD")
R("links-10-3", "/links/10/3")
R("stream-bytes-seeded", "/stream-bytes/50?seed=1&chunk_size=8", compare="bytes")
R("stream-bytes-chunk-zero", "/stream-bytes/5?seed=3&chunk_size=0", compare="bytes")
R("anything-show-env-proto", "/anything?show_env=1", headers=[("X-Forwarded-Proto", "https")])
R("headers-post", "/headers", method="POST")
R("gzip-head", "/gzip", method="HEAD")
R("status-with-spaces", "/status/%20200")


DELIBERATE = {
    # WSGI reads header bytes as latin-1, so httpbin shows UTF-8 header values as mojibake ("cafÃ©").
    "get-unicode-header": "non-ASCII header values are shown as the UTF-8 the client sent, not as latin-1 mojibake",
    "user-agent": "non-ASCII header values are shown as the UTF-8 the client sent, not as latin-1 mojibake",
    # gunicorn closes the connection for a 1xx; httpbun answers the 200 a 1xx ends in.
    "status-100": "a lone 1xx hangs or breaks clients; httpbun answers 200 instead of closing the connection",
    "status-600": "codes outside 100-599 are not HTTP status codes; httpbun answers 400 with the reason",
    # httpbin crashes (assert, float('abc')) and answers Flask's 500 page.
    "redirect-zero": "httpbin's 500 is a crash (assert n > 0); httpbun answers 400 with the reason",
    "delay-invalid": "httpbin's 500 is a crash (float('abc')); httpbun answers 400 with the reason",
    "redirect-to-unlisted": "no open redirector: a host off the allowed list (example.com, httpbun.com, --allow-redirect-host) is a 403",
    # text/html would let any page run script in the server's origin through a crafted link.
    "base64-text": "decoded text is served as text/plain, not text/html (no reflected XSS)",
    "base64-urlsafe": "decoded text is served as text/plain, not text/html (no reflected XSS)",
    "base64-invalid": "decoded text is served as text/plain, not text/html (no reflected XSS)",
    "base64-unicode": "decoded text is served as text/plain, not text/html (no reflected XSS)",
    "response-headers-content-type": "a client-chosen Content-Type is dropped: JSON stays JSON (no reflected XSS)",
}
