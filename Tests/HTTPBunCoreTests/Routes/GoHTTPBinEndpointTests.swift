@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("go-httpbin's /hostname, /env, /dump/request, /jsonl, /upload, /trailers, in every flavor")
struct GoHTTPBinEndpointTests {
    @Test("/hostname answers the configured name, in go-httpbin's layout", arguments: Flavor.allCases)
    func hostname(flavor: Flavor) throws {
        var configuration = ServerConfiguration(flavor: flavor)
        #expect(respond("GET", "/hostname", configuration: configuration).bodyText == "{\n  \"hostname\": \"httpbun\"\n}\n")
        configuration.hostname = "box-7"
        let response = respond("GET", "/hostname", configuration: configuration)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(try response.json["hostname"] == "box-7")
    }

    @Test("/env shows the exposed variables sorted, and null when there are none (Go's nil map)", arguments: Flavor.allCases)
    func env(flavor: Flavor) {
        var configuration = ServerConfiguration(flavor: flavor)
        #expect(respond("GET", "/env", configuration: configuration).bodyText == "{\n  \"env\": null\n}\n")
        configuration.environment = ["HTTPBUN_ENV_B": "2", "HTTPBUN_ENV_A": "<1>"]
        #expect(respond("GET", "/env", configuration: configuration).bodyText == """
            {
              "env": {
                "HTTPBUN_ENV_A": "<1>",
                "HTTPBUN_ENV_B": "2"
              }
            }

            """, "sorted, HTML left unescaped as go-httpbin's encoder leaves it")
    }

    @Test("/dump/request is the request as received: line, fields in order with names as sent, body", arguments: Flavor.allCases)
    func dumpRequest(flavor: Flavor) {
        let response = respond(
            "POST", "/dump/request?foo=bar", headers: ["Host": "test-host", "x-lower": "1", "X-Repeat": "a", "X-Repeat": "b"], body: Array("body\u{0}!".utf8),
            configuration: ServerConfiguration(flavor: flavor))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.bodyText == "POST /dump/request?foo=bar HTTP/1.1\r\nHost: test-host\r\nx-lower: 1\r\nX-Repeat: a\r\nX-Repeat: b\r\n\r\nbody\u{0}!")
    }

    @Test("/jsonl: count lines of go-httpbin's stream response, ids from 0, compact JSON")
    func jsonlLines() throws {
        let response = respond("GET", "/jsonl?count=3&a=1&a=2", headers: ["Host": "example.com", "x-b": "1", "X-B": "2"])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8")
        guard case .stream = response.body else { Issue.record("a chunked stream"); return }
        let lines = response.bodyText.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"id":0,"args":{"a":["1","2"],"count":["3"]},"headers":{"Host":["example.com"],"X-B":["1","2"]},"origin":"127.0.0.1","url":"http://example.com/jsonl?count=3\u0026a=1\u0026a=2"}"#, "json.Marshal escapes &")
        #expect(lines[2].hasPrefix(#"{"id":2,"#))
        #expect(respond("GET", "/jsonl").bodyText.split(separator: "\n").count == 10, "10 by default")
        #expect(respond("GET", "/jsonl?count=0").bodyText.split(separator: "\n").count == 1, "clamped to 1")
        #expect(respond("GET", "/jsonl?count=-5").bodyText.split(separator: "\n").count == 1)
        let small = ServerConfiguration(maxBodySize: 2000)
        let cap = GoHTTPBin.maximumJSONLCount(maxBodySize: 2000)
        #expect(cap > 5 && cap < 20)
        #expect(respond("GET", "/jsonl?count=500", configuration: small).bodyText.split(separator: "\n").count == cap, "clamped to what the body limit holds")
    }

    @Test("/jsonl paces lines: delay before the head, duration spread over the gaps (rounded up), none after the last")
    func jsonlTiming() throws {
        let response = respond("GET", "/jsonl?count=3&duration=100ms&delay=0.5")
        #expect(response.delay == .milliseconds(500))
        guard case .stream(let stream) = response.body else { Issue.record("a stream"); return }
        #expect(stream.chunks.map(\.pause) == [.zero, .milliseconds(50), .milliseconds(50)])
        guard case .stream(let single) = respond("GET", "/jsonl?count=1&duration=100ms").body else { Issue.record("a stream"); return }
        #expect(single.chunks.map(\.pause) == [.zero])
        guard case .stream(let uneven) = respond("GET", "/jsonl?count=4&duration=10ns").body else { Issue.record("a stream"); return }
        #expect(uneven.chunks.map(\.pause) == [.zero, .nanoseconds(4), .nanoseconds(4), .nanoseconds(4)], "ceil(10/3)")
        guard case .stream(let jittered) = respond("GET", "/jsonl?count=50&duration=49s&jitter=0.5").body else { Issue.record("a stream"); return }
        let pauses = jittered.chunks.dropFirst().map(\.pause)
        #expect(pauses.allSatisfy { $0 >= .milliseconds(500) && $0 <= .milliseconds(1500) })
        #expect(Set(pauses).count > 1, "jitter varies the pauses")
    }

    @Test("/jsonl refusals are go-httpbin's, with Go's error texts", arguments: [
        ("count=foo", "invalid count: strconv.Atoi: parsing \"foo\": invalid syntax"),
        ("count=3.14", "invalid count: strconv.Atoi: parsing \"3.14\": invalid syntax"),
        ("count=99999999999999999999", "invalid count: strconv.Atoi: parsing \"99999999999999999999\": value out of range"),
        ("duration=foo", "invalid duration: strconv.ParseFloat: parsing \"foo\": invalid syntax"),
        ("duration=0", "invalid duration: duration 0s shorter than 1ns"),
        ("duration=90s", "invalid duration: duration 1m30s longer than 1m0s"),
        ("delay=-1", "invalid delay: duration -1s shorter than 0s"),
        ("delay=1e400", "invalid delay: strconv.ParseFloat: parsing \"1e400\": value out of range"),
        ("delay=1%00s", "invalid delay: strconv.ParseFloat: parsing \"1\\x00s\": invalid syntax"),
        ("jitter=-0.1", "invalid jitter: must be a float in [0, 1]"),
        ("jitter=1.5", "invalid jitter: must be a float in [0, 1]"),
        ("jitter=abc", "invalid jitter: must be a float in [0, 1]"),
    ])
    func jsonlRefusals(query: String, detail: String) throws {
        let response = respond("GET", "/jsonl?" + query)
        #expect(response.status == 400)
        #expect(try response.json == ["status_code": 400, "error": "Bad Request", "detail": .string(detail)])
    }

    @Test("/jsonl refuses duration plus delay past the maximum as go-httpbin does: plain text")
    func jsonlTooMuchTime() {
        let response = respond("GET", "/jsonl?duration=40s&delay=30s")
        #expect(response.status == 400)
        #expect(response.bodyText == "Too much time\n")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
    }

    @Test("Go durations: time.ParseDuration, then seconds, printed as Duration.String()")
    func goDurations() throws {
        #expect(GoDuration.parseGoSyntax("100ms") == 100_000_000)
        #expect(GoDuration.parseGoSyntax("1h2m3.5s") == 3_723_500_000_000)
        #expect(GoDuration.parseGoSyntax("1.5µs") == 1_500)
        #expect(GoDuration.parseGoSyntax("-0") == 0)
        #expect(GoDuration.parseGoSyntax("5") == nil, "a number needs a unit, but 0")
        #expect(GoDuration.parseGoSyntax(".s") == nil)
        #expect(GoDuration.parseGoSyntax("9999999999h") == nil, "overflow")
        #expect(try GoDuration.parse("0.25").get() == 250_000_000)
        #expect(try GoDuration.parse("2").get() == 2_000_000_000)
        #expect(GoDuration.string(0) == "0s")
        #expect(GoDuration.string(1) == "1ns")
        #expect(GoDuration.string(1_500) == "1.5µs")
        #expect(GoDuration.string(100_000_000) == "100ms")
        #expect(GoDuration.string(60_000_000_000) == "1m0s")
        #expect(GoDuration.string(3_723_500_000_000) == "1h2m3.5s")
        #expect(GoDuration.string(-1_000_000_000) == "-1s")
        #expect(GoDuration.string(Int64.min) == "-2562047h47m16.854775808s")
    }

    @Test("/upload answers go-httpbin's discarded-body response, with the time taken", arguments: ["POST", "PUT", "PATCH"])
    func upload(method: String) throws {
        var request = Request(method: method, target: "/upload?x=1", headers: ["Host": "example.com", "Content-Type": "image/png"])
        request.discardedBody = DiscardedBody(byteCount: 1_000_000, duration: .milliseconds(250))
        let response = Router().respond(to: request)
        #expect(response.status == 200)
        let json = try response.json
        #expect(json["method"] == .string(method))
        #expect(json["bytes_received"] == 1_000_000)
        #expect(json["receive_seconds"] == 0.25)
        #expect(json["args"] == ["x": ["1"]])
        #expect(Array(json.objectValue?.keys ?? []) == ["args", "headers", "method", "origin", "url", "bytes_received", "receive_seconds"])
        #expect(try respond(method, "/upload", text: "12345").json["bytes_received"] == 5, "a body kept in the request is counted")
        #expect(respond("GET", "/upload").status == 405)
    }

    @Test("/upload is the route whose body the server discards, under the prefix too")
    func discardingRoute() {
        #expect(Router().discardsBody(method: "POST", path: "/upload"))
        #expect(!Router().discardsBody(method: "GET", path: "/upload"))
        #expect(!Router().discardsBody(method: "POST", path: "/post"))
        let prefixed = Router(configuration: ServerConfiguration(pathPrefix: "/api"))
        #expect(prefixed.discardsBody(method: "PUT", path: "/api/upload"))
        #expect(!prefixed.discardsBody(method: "PUT", path: "/upload"))
    }

    @Test("/trailers: the echo as a chunked body, each query argument a canonical trailer, announced first", arguments: Flavor.allCases)
    func trailers(flavor: Flavor) throws {
        let response = respond("GET", "/trailers?test-trailer-1=v1&Test-Trailer-2=a&Test-Trailer-2=b", configuration: ServerConfiguration(flavor: flavor))
        #expect(response.status == 200)
        guard case .stream(let stream) = response.body else { Issue.record("trailers need a chunked body"); return }
        #expect(response.headers.values(for: "Trailer") == ["Test-Trailer-1", "Test-Trailer-2"])
        #expect(stream.trailers.fields.map { "\($0.name): \($0.value)" } == ["Test-Trailer-1: v1", "Test-Trailer-2: b"], "the last value, as Header.Set keeps")
        let json = try response.json
        #expect(Array(json.objectValue?.keys ?? []) == ["args", "headers", "method", "origin", "url", "data", "files", "form", "json"])
        guard case .stream(let plain) = respond("GET", "/trailers").body else { Issue.record("a stream"); return }
        #expect(plain.trailers.fields.isEmpty)
    }

    @Test("/trailers refuses forbidden and unsendable names with go-httpbin's 400", arguments: [
        ("test-trailer-1&Authorization=Bearer", "forbidden trailer: Authorization"),
        ("content-length=1", "forbidden trailer: content-length"),
        ("te=trailers", "forbidden trailer: te"),
        ("bad%20name=1", "invalid trailer: bad name"),
        ("X-A=line%0Abreak", "invalid trailer: X-A"),
    ])
    func trailerRefusals(query: String, detail: String) throws {
        let response = respond("GET", "/trailers?" + query)
        #expect(response.status == 400)
        #expect(try response.json["detail"] == .string(detail))
    }

    @Test("/trailers echoes the body as go-httpbin's bodyResponse reads it")
    func trailersBody() throws {
        let form = try respond("POST", "/trailers", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array("a=1&a=2&b=%20".utf8)).json
        #expect(form["form"] == ["a": ["1", "2"], "b": [" "]])
        #expect(form["data"] == "a=1&a=2&b=%20")
        let json = try respond("POST", "/trailers", headers: ["Content-Type": "application/json"], body: Array(#"{"n": 1}"#.utf8)).json
        #expect(json["json"] == ["n": 1])
        let bad = respond("POST", "/trailers", headers: ["Content-Type": "application/json"], body: Array("{x".utf8))
        #expect(bad.status == 400)
        #expect(try bad.json["detail"]?.stringValue?.hasPrefix("error parsing request body: invalid character 'x'") == true)
    }

    @Test("go-httpbin's echo fields: origin from the platforms' headers, url as Go rebuilds it")
    func echoFields() {
        let request = Request(
            method: "GET", target: "/a%2Fb/%7Bc%7D?q=1",
            headers: ["Host": "h", "X-Forwarded-For": " 10.0.0.1 , 10.0.0.2", "X-Forwarded-Proto": "https"])
        #expect(GoHTTPBin.origin(request) == "10.0.0.1")
        #expect(GoHTTPBin.url(request) == "https://h/a%2Fb/%7Bc%7D?q=1")
        let platform = Request(method: "GET", target: "/", headers: ["CF-Connecting-IP": "1.2.3.4", "X-Forwarded-For": "5.6.7.8"])
        #expect(GoHTTPBin.origin(platform) == "1.2.3.4")
        #expect(GoHTTPBin.escapedPath("/a b\"") == "/a%20b%22", "re-escaped where Go counts the raw path invalid")
        #expect(GoForm.parseQuery("a=1;b=2&c=%zz&d=%41+x&=e".utf8).pairs.map { "\($0.name)=\($0.value)" } == ["d=A x", "=e"])
    }
}
