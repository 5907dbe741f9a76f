@testable import HTTPBunCore
import JSONValue
import Testing

/// The default flavor answers these routes as httpbun's Go does (`routes.go`, `routes/sse`,
/// `routes/auth`, `routes/svg`), word for word; the httpbin flavor keeps its own.
private let plain = "text/plain; charset=utf-8"
private let httpbin = ServerConfiguration(flavor: .httpbin)

private func headers(_ pairs: (String, String)...) -> HTTPHeaders {
    HTTPHeaders([("Host", "example.com")] + pairs)
}

/// A 400 (or other status) with httpbun's text, as Go sends a string body.
private func expectText(_ response: Response, _ status: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(response.headers["Content-Type"] == plain, sourceLocation: sourceLocation)
    #expect(response.bodyText == text, sourceLocation: sourceLocation)
}

@Suite("httpbun's /sse")
struct HTTPBunSSETests {
    @Test("count ping events with ids from 1, delay seconds apart, and a last pause after the last event")
    func events() {
        let response = respond("GET", "/sse?count=3&delay=2")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        #expect(response.headers["Cache-Control"] == "no-store")
        let chunks = streamChunks(response)
        #expect(chunks.map { String(decoding: $0.bytes, as: UTF8.self) } == [
            "event: ping\nid: 1\ndata: a ping event\n\n",
            "event: ping\nid: 2\ndata: a ping event\n\n",
            "event: ping\nid: 3\ndata: a ping event\n\n",
            "",
        ])
        #expect(chunks.map(\.pause) == [.zero, .seconds(2), .seconds(2), .seconds(2)])
        let defaults = streamChunks(respond("GET", "/sse"))
        #expect(defaults.count == 11, "10 events by default, then the last pause")
        #expect(defaults.dropFirst().allSatisfy { $0.pause == .seconds(1) }, "1 second by default")
        #expect(String(decoding: defaults[9].bytes, as: UTF8.self) == "event: ping\nid: 10\ndata: a ping event\n\n")
    }

    @Test(
        "httpbun's refusals, word for word",
        arguments: [
            ("delay=x", "Invalid delay value"), ("delay=1.5", "Invalid delay value"), ("delay=", "Invalid delay value"),
            ("delay=0", "Delay must be greater than 0"), ("delay=-3", "Delay must be greater than 0"),
            ("delay=11", "Delay must be less than 10"), ("delay=99999999999999999999", "Invalid delay value"),
            ("count=x", "Invalid count value"), ("count=0", "Count must be greater than 0"), ("count=101", "Count must be less than 100"),
            ("delay=0&count=x", "Delay must be greater than 0"), ("count=99999999999999999999", "Invalid count value"),
        ])
    func refusals(query: String, text: String) {
        expectText(respond("GET", "/sse?" + query), 400, text)
    }

    @Test("the bounds themselves are taken; a stream past --max-duration is a 400 naming it")
    func bounds() {
        let long = ServerConfiguration(maxDuration: .seconds(1000))
        #expect(streamChunks(respond("GET", "/sse?count=100&delay=10", configuration: long)).count == 101)
        #expect(respond("GET", "/sse?count=1&delay=1").status == 200)
        #expect(respond("GET", "/sse?count=%2B2").status == 200, "Atoi takes a sign")
        let short = ServerConfiguration(maxDuration: .seconds(5))
        let refused = respond("GET", "/sse?count=6", configuration: short)
        #expect(refused.status == 400)
        #expect(refused.headers["Content-Type"] == plain)
        #expect(refused.bodyText.contains("--max-duration"))
        #expect(respond("GET", "/sse?count=5", configuration: short).status == 200)
    }

    @Test("any method, in both flavors (httpbin has no /sse of its own)")
    func methodsAndFlavors() {
        #expect(respond("POST", "/sse?count=1").status == 200)
        let bin = respond("GET", "/sse?count=1", configuration: httpbin)
        #expect(bin.headers["Cache-Control"] == "no-store")
        #expect(streamChunks(bin).first.map { String(decoding: $0.bytes, as: UTF8.self) } == "event: ping\nid: 1\ndata: a ping event\n\n")
    }
}

@Suite("httpbun's /status")
struct HTTPBunStatusTests {
    @Test("JSON code and Go's StatusText; no Location on a 3xx, no challenge on a 401")
    func json() throws {
        let teapot = respond("GET", "/status/418")
        #expect(teapot.status == 418)
        #expect(teapot.headers["Content-Type"] == "application/json")
        #expect(try teapot.json == ["code": 418, "description": "I'm a teapot"])
        for code in [301, 302, 303, 307, 308] {
            let redirect = respond("GET", "/status/\(code)")
            #expect(redirect.status == code)
            #expect(redirect.headers["Location"] == nil, "\(code)")
        }
        let unauthorized = respond("GET", "/status/401")
        #expect(unauthorized.headers["WWW-Authenticate"] == nil)
        #expect(try unauthorized.json == ["code": 401, "description": "Unauthorized"])
        #expect(try respond("GET", "/status/599").json == ["code": 599, "description": ""], "Go has no text for 599")
        #expect(try respond("PATCH", "/status/200").json == ["code": 200, "description": "OK"])
    }

    @Test("the bare text when the last Accept starts with httpbun's text/plain; charset=utf-8")
    func plainText() {
        expectText(respond("GET", "/status/418", headers: headers(("Accept", "text/plain; charset=utf-8"))), 418, "I'm a teapot")
        expectText(
            respond("GET", "/status/500", headers: headers(("Accept", "application/json"), ("Accept", "text/plain; charset=utf-8; q=1"))),
            500, "Internal Server Error")
        let firstOnly = respond("GET", "/status/500", headers: headers(("Accept", "text/plain; charset=utf-8"), ("Accept", "*/*")))
        #expect(firstOnly.headers["Content-Type"] == "application/json", "the last Accept decides")
        let bare = respond("GET", "/status/500", headers: headers(("Accept", "text/plain")))
        #expect(bare.headers["Content-Type"] == "application/json", "httpbun's prefix includes the charset")
        let unknown = respond("GET", "/status/599", headers: headers(("Accept", "text/plain; charset=utf-8")))
        #expect(unknown.status == 599)
        #expect(unknown.bodyBytes.isEmpty && unknown.headers["Content-Type"] == nil, "an empty body has no sniffed type")
    }

    @Test("204 and 304 carry no body; a 204 keeps the JSON type Go leaves on it, a 304 none")
    func bodiless() {
        let noContent = respond("GET", "/status/204")
        #expect(noContent.status == 204 && noContent.bodyBytes.isEmpty)
        #expect(noContent.headers["Content-Type"] == "application/json")
        let notModified = respond("GET", "/status/304")
        #expect(notModified.status == 304 && notModified.bodyBytes.isEmpty)
        #expect(notModified.headers["Content-Type"] == nil)
        let plainNoContent = respond("GET", "/status/204", headers: headers(("Accept", "text/plain; charset=utf-8")))
        #expect(plainNoContent.bodyBytes.isEmpty && plainNoContent.headers["Content-Type"] == nil)
    }

    @Test("a 1xx ends in a 200 with httpbun's body for the code asked for")
    func informational() throws {
        let response = respond("GET", "/status/100")
        #expect(response.status == 200)
        #expect(try response.json == ["code": 100, "description": "Continue"])
        expectText(respond("GET", "/status/103", headers: headers(("Accept", "text/plain; charset=utf-8"))), 200, "Early Hints")
    }

    @Test("empty items are skipped; a list picks one of its codes")
    func lists() {
        #expect(respond("GET", "/status/201,").status == 201)
        #expect(respond("GET", "/status/,,202").status == 202)
        for _ in 0..<20 { #expect([200, 503].contains(respond("GET", "/status/200,503").status)) }
        let ninetyNine = Array(repeating: "200", count: 25).joined(separator: ",")
        #expect(ninetyNine.utf8.count == 99)
        #expect(respond("GET", "/status/" + ninetyNine).status == 200)
    }

    @Test(
        "httpbun's refusals, word for word",
        arguments: [
            ("abc", "Invalid status code: abc"), ("99", "Invalid status code: 99"), ("600", "Invalid status code: 600"),
            ("200,x", "Invalid status code: x"), ("2_00", "Invalid status code: 2_00"),
            ("99999999999999999999", "Invalid status code: 99999999999999999999"),
            (String(repeating: "2", count: 100), "Too many status codes"),
            (String(repeating: ",", count: 99) + "2", "Too many status codes"),
        ])
    func refusals(codes: String, text: String) {
        expectText(respond("GET", "/status/" + codes), 400, text)
    }

    @Test("what httpbun's [\\w,]+ pattern refuses is its 404, unless a : marks our weighted list")
    func unrouted() {
        for codes in ["+200", "-200", "%20200", "2.0", "200;201"] {
            #expect(respond("GET", "/status/" + codes).bodyText == "404 page not found\n", "\(codes)")
        }
        #expect(respond("GET", "/status/200:0.5,503:0.5").status != 404)
    }

    @Test("the weighted extension still works, and its refusals are text too")
    func weighted() {
        for _ in 0..<20 { #expect(respond("GET", "/status/200:1,500:0").status == 200) }
        expectText(respond("GET", "/status/200:x"), 400, "Invalid status weight: 200:x")
        expectText(respond("GET", "/status/x:1"), 400, "Invalid status code: x:1")
        let overflowing = respond("GET", "/status/200:1e308,500:1e308")
        #expect(overflowing.status == 400 && overflowing.headers["Content-Type"] == plain)
        expectText(respond("GET", "/status/,"), 400, "Specify a status code, example `/status/200`")
    }

    @Test("the httpbin flavor keeps its own status answers")
    func httpbinKept() {
        #expect(respond("GET", "/status/302", configuration: httpbin).headers["Location"] == "/redirect/1")
        #expect(respond("GET", "/status/401", configuration: httpbin).headers["WWW-Authenticate"] == "Basic realm=\"Fake Realm\"")
        let informational = respond("GET", "/status/100", configuration: httpbin)
        #expect(informational.status == 200 && informational.bodyBytes.isEmpty)
        #expect(respond("GET", "/status/abc", configuration: httpbin).bodyText == "Invalid status code")
    }
}

@Suite("httpbun's /bearer and bare /digest-auth")
struct HTTPBunBearerTests {
    @Test("no token in the path is a 404 that says how to call it")
    func missingToken() {
        for path in ["/bearer", "/bearer/"] {
            expectText(respond("GET", path, headers: headers(("Authorization", "Bearer abc"))), 404,
                       "missing/non-empty token, use /bearer/<expected_token> instead")
        }
    }

    @Test("no Bearer credential: a bare 401 with httpbun's challenge")
    func challenge() {
        for authorization in [nil, "Basic YTpi", "bearer abc", "Bearer", "Bearer "] as [String?] {
            let response = respond("GET", "/bearer/abc", headers: authorization.map { headers(("Authorization", $0)) } ?? headers())
            #expect(response.status == 401, "\(authorization ?? "none")")
            #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"httpbun realm\"")
            #expect(response.headers["Content-Type"] == nil)
            #expect(response.bodyBytes.isEmpty)
        }
    }

    @Test("a Bearer credential: 200 saying whether it is the path's token")
    func verdict() throws {
        let right = respond("GET", "/bearer/abc", headers: headers(("Authorization", "Bearer abc")))
        #expect(right.status == 200)
        #expect(try right.json == ["authenticated": true, "token": "abc"])
        let wrong = respond("POST", "/bearer/abc", headers: headers(("Authorization", "Bearer xyz")))
        #expect(wrong.status == 200)
        #expect(try wrong.json == ["authenticated": false, "token": "xyz"])
        let last = respond("GET", "/bearer/abc", headers: headers(("Authorization", "Bearer xyz"), ("Authorization", "Bearer abc")))
        #expect(try last.json == ["authenticated": true, "token": "abc"], "the last Authorization counts")
        let plus = respond("GET", "/bearer/a+b", headers: headers(("Authorization", "Bearer a b")))
        #expect(try plus.json == ["authenticated": true, "token": "a b"], "the path's token is unescaped as a query value")
        let decomposed = respond("GET", "/bearer/%C3%A9", headers: headers(("Authorization", "Bearer e\u{301}")))
        #expect(try decomposed.json["authenticated"] == false, "bytes compare, not canonical equivalence")
        let slash = respond("GET", "/bearer/abc/", headers: headers(("Authorization", "Bearer abc")))
        #expect(try slash.json["authenticated"] == true)
    }

    @Test("the httpbin flavor keeps its /bearer")
    func httpbinKept() throws {
        let response = respond("GET", "/bearer", headers: headers(("Authorization", "Bearer t")), configuration: httpbin)
        #expect(try response.json == ["authenticated": true, "token": "t"])
        #expect(respond("POST", "/bearer", configuration: httpbin).status == 405)
    }

    @Test("bare /digest-auth is a 404 that says what the path needs; Flask's 404 in the httpbin flavor")
    func bareDigest() {
        for path in ["/digest-auth", "/digest-auth/"] {
            expectText(respond("GET", path), 404, "missing/non-empty username/password, use /digest-auth/<username>/<password> instead")
            #expect(respond("POST", path).status == 404)
        }
        let bin = respond("GET", "/digest-auth", configuration: httpbin)
        #expect(bin.status == 404)
        #expect(bin.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(respond("GET", "/digest-auth/x").bodyText == "404 page not found\n", "no route, as in httpbun")
    }
}

@Suite("httpbun's /svg/{seed}")
struct HTTPBunSVGTests {
    static func svg(fill: String, text: String, label: String) -> String {
        "<svg width=\"100\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\">\n\t\t<circle cx=\"50%\" cy=\"50%\" r=\"45%\" fill=\"\(fill)\" stroke=\"none\" />\n\t\t<text x=\"50%\" y=\"53%\" text-anchor=\"middle\" dominant-baseline=\"middle\" font-size=\"36\" font-family=\"sans-serif\" fill=\"\(text)\">\(label)</text>\n\t</svg>"
    }

    @Test("httpbun's template byte for byte: MD5 fill, luma-picked text colour, the first two letters upper-cased")
    func template() {
        let response = respond("GET", "/svg/httpbun")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "image/svg+xml")
        #expect(response.bodyText == """
            <svg width="100" height="100" xmlns="http://www.w3.org/2000/svg">
            \t\t<circle cx="50%" cy="50%" r="45%" fill="#d6c674" stroke="none" />
            \t\t<text x="50%" y="53%" text-anchor="middle" dominant-baseline="middle" font-size="36" font-family="sans-serif" fill="#222e">HT</text>
            \t</svg>
            """)
        #expect(respond("POST", "/svg/xy").bodyText == Self.svg(fill: "#3e4410", text: "#eeee", label: "XY"), "a dark fill, light text")
        #expect(respond("GET", "/svg/zz").bodyText == Self.svg(fill: "#25ed1b", text: "#222e", label: "ZZ"))
    }

    @Test("the seed is unescaped as a query value and runs to the end of the path")
    func seedText() {
        #expect(respond("GET", "/svg/a+b").bodyText == Self.svg(fill: "#0cc9cd", text: "#222e", label: "A "))
        #expect(respond("GET", "/svg/a/b").bodyText == Self.svg(fill: "#a7e861", text: "#222e", label: "A/"))
    }

    @Test("non-ASCII: a two-byte letter upper-cased, half a character as U+FFFD; markup escaped")
    func unusualSeeds() {
        #expect(respond("GET", "/svg/%C3%A9t").bodyText == Self.svg(fill: "#f63909", text: "#eeee", label: "É"))
        #expect(respond("GET", "/svg/%E6%97%A5").bodyText == Self.svg(fill: "#3edddd", text: "#222e", label: "\u{FFFD}\u{FFFD}"))
        #expect(respond("GET", "/svg/%3Cx").bodyText == Self.svg(fill: "#192b40", text: "#eeee", label: "&lt;X"))
        #expect(SVGRoutes.label(Array("ß!".utf8)) == "ß", "no one-letter upper case: kept, as Go keeps it")
        #expect(SVGRoutes.label([0x01, 0x61]) == "\u{FFFD}A", "no control characters in the XML")
    }

    @Test("a seed under two bytes is a 400 that says so; no seed is no route")
    func shortSeeds() {
        expectText(respond("GET", "/svg/a"), 400, "The seed must be at least two bytes long, example `/svg/httpbun`")
        #expect(respond("GET", "/svg/%C3%A9").status == 200, "two bytes, one letter")
        #expect(respond("GET", "/svg/").bodyText == "404 page not found\n")
        #expect(respond("GET", "/svg").status == 404)
    }
}

@Suite("httpbun's /ip.txt and /ip.json")
struct HTTPBunIPTests {
    @Test("the /ip origin as bare text, and as /ip's JSON")
    func formats() throws {
        let forwarded = headers(("X-Httpbun-Forwarded-For", "203.0.113.9"))
        let json = respond("GET", "/ip", headers: forwarded)
        let origin = try #require(try json.json["origin"]?.stringValue)
        #expect(origin == "203.0.113.9")
        let text = respond("GET", "/ip.txt", headers: forwarded)
        #expect(text.status == 200)
        #expect(text.headers["Content-Type"] == plain)
        #expect(text.bodyText == origin, "no newline")
        let alias = respond("POST", "/ip.json", headers: forwarded)
        #expect(alias.headers["Content-Type"] == "application/json")
        #expect(alias.bodyBytes == json.bodyBytes)
        #expect(respond("GET", "/ip.xml").status == 404)
    }
}

@Suite("httpbun's /base64 and /b64")
struct HTTPBunBase64Tests {
    @Test("no value decodes httpbun's example; /b64 is the same route")
    func example() {
        for path in ["/base64", "/base64/", "/b64", "/b64/"] {
            expectText(respond("GET", path), 200, "HTTPBUN is awesomer!")
        }
        expectText(respond("POST", "/b64/aGk="), 200, "hi")
    }

    @Test("Go's StdEncoding: padding required, no URL-safe alphabet; a + in the path is a space, as in httpbun")
    func strict() {
        let refusal = "Incorrect Base64 data try: 'SFRUUEJVTiBpcyBhd2Vzb21lciE='."
        for value in ["aGk", "Pz8_", "Pz8-", "Pz8+", "!!!", "a", "aGk=x"] {
            expectText(respond("GET", "/base64/" + value), 400, refusal)
            expectText(respond("GET", "/b64/" + value), 400, refusal)
        }
        expectText(respond("GET", "/base64/Pz8%2B"), 200, "??>")
        expectText(respond("GET", "/base64/Pz8/Pz8/"), 200, "??????")
        expectText(respond("GET", "/base64/Pz8%2FPz8%2F"), 200, "??????")
    }

    @Test("Go's sniffed type for the decoded bytes, but never HTML or XML")
    func contentType() {
        // A + in the path is a space to httpbun: sent as %2B.
        let script = Base64.encode(Array("<html><script>alert(1)</script></html>".utf8)).replacing("+", with: "%2B")
        expectText(respond("GET", "/base64/" + script), 200, "<html><script>alert(1)</script></html>")
        let xml = Base64.encode(Array("<?xml version=\"1.0\"?><a/>".utf8)).replacing("+", with: "%2B")
        #expect(respond("GET", "/base64/" + xml).headers["Content-Type"] == plain)
        #expect(respond("GET", "/base64/iVBORw0KGgo=").headers["Content-Type"] == "image/png")
        #expect(respond("GET", "/base64/AAEC").headers["Content-Type"] == "application/octet-stream")
        let empty = respond("GET", "/base64/%0A")
        #expect(empty.status == 200 && empty.bodyBytes.isEmpty && empty.headers["Content-Type"] == nil)
    }

    @Test("the httpbin flavor keeps its lenient decoder and hint")
    func httpbinKept() {
        #expect(respond("GET", "/base64/aGk", configuration: httpbin).bodyText == "Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l")
        #expect(respond("POST", "/base64/aGk=", configuration: httpbin).status == 405)
    }
}

@Suite("httpbun's /bytes")
struct HTTPBunBytesTests {
    @Test("n random bytes as octet-stream, by any method; ?seed= still repeats them")
    func bytes() {
        let response = respond("POST", "/bytes/16?seed=1")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        var generator = SeededRandom(seed: 1)
        #expect(response.bodyBytes == generator.bytes(16))
        #expect(respond("GET", "/bytes/0").bodyBytes.isEmpty)
        #expect(respond("GET", "/bytes/0012").bodyBytes.count == 12, "Atoi reads leading zeros")
    }

    @Test(
        "httpbun's refusals, word for word",
        arguments: [
            ("/bytes", "specify size in bytes, example `/bytes/10`"), ("/bytes/abc", "Invalid size: abc"),
            ("/bytes/1.5", "Invalid size: 1.5"), ("/bytes/1e3", "Invalid size: 1e3"), ("/bytes/+5", "Invalid size:  5"),
            ("/bytes/%20", "Invalid size:  "), ("/bytes/99999999999999999999", "Invalid size: 99999999999999999999"),
            ("/bytes/1001", "Size can't be greater than 1000"), ("/bytes/-1", "Size can't be less than 0"),
            ("/bytes/4?seed=abc", "invalid seed \"abc\": use a whole number such as 42"),
        ])
    func refusals(target: String, text: String) {
        expectText(respond("GET", target, configuration: ServerConfiguration(maxBodySize: 1000)), 400, text)
    }

    @Test("our limit, not httpbun's 90; /bytes/ is no route, as in httpbun")
    func limits() {
        #expect(respond("GET", "/bytes/1000", configuration: ServerConfiguration(maxBodySize: 1000)).bodyBytes.count == 1000)
        #expect(respond("GET", "/bytes/91").bodyBytes.count == 91)
        #expect(respond("GET", "/bytes/").bodyText == "404 page not found\n")
    }

    @Test("the httpbin flavor keeps Flask's 404 for /bytes and GET only for /bytes/{n}")
    func httpbinKept() {
        let bare = respond("GET", "/bytes", configuration: httpbin)
        #expect(bare.status == 404 && bare.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(respond("POST", "/bytes/10", configuration: httpbin).status == 405)
        #expect(respond("GET", "/bytes/200000", configuration: httpbin).bodyBytes.count == 102_400)
    }
}

@Suite("httpbun's routes take any method")
struct HTTPBunMethodTests {
    static let paths = [
        "/bytes/1", "/links/2", "/links/2/0", "/range/4", "/drip?numbytes=1&duration=0&delay=0", "/drip-lines?numbytes=1&duration=0&delay=0",
        "/sse?count=1", "/base64/aGk=", "/html", "/robots.txt", "/deny", "/response-headers?A=b",
    ]

    @Test("the default flavor answers each with any method", arguments: paths)
    func anyMethod(path: String) {
        for method in ["POST", "PUT", "DELETE", "BREW"] {
            let response = respond(method, path)
            #expect(response.status == 200, "\(method) \(path)")
            #expect(response.headers["Allow"] == nil)
        }
    }

    @Test("the httpbin flavor keeps Flask's methods where python httpbin has the route", arguments: paths)
    func httpbinMethods(path: String) {
        let response = respond("PUT", path, configuration: httpbin)
        if path.hasPrefix("/drip-lines") || path.hasPrefix("/sse") {
            #expect(response.status == 200, "not httpbin's: served as httpbun serves it")
        } else {
            #expect(response.status == 405, "\(path)")
            let get = respond("GET", path, configuration: httpbin).status
            #expect(get != 404 && get != 405, "\(path)")
        }
    }

    @Test("/html in the httpbin flavor is the same page, GET only")
    func html() {
        let bun = respond("GET", "/html")
        let bin = respond("GET", "/html", configuration: httpbin)
        #expect(bin.bodyBytes == bun.bodyBytes)
        #expect(bin.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(respond("POST", "/html", configuration: httpbin).headers["Allow"] == "GET, HEAD, OPTIONS")
    }
}
