@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/status")
struct StatusTests {
    @Test("one code: that status, its reason, and the headers clients expect")
    func single() throws {
        let teapot = respond("GET", "/status/418")
        #expect(teapot.status == 418)
        #expect(teapot.bodyText == "{\n  \"code\": 418,\n  \"description\": \"I'm a teapot\"\n}\n")
        // httpbun's: no challenge with a 401, no Location with a 3xx (the httpbin flavor adds them).
        let unauthorized = respond("GET", "/status/401")
        #expect(unauthorized.headers["WWW-Authenticate"] == nil)
        let redirect = respond("POST", "/status/302")
        #expect(redirect.status == 302)
        #expect(redirect.headers["Location"] == nil)
        #expect(respond("GET", "/status/304").headers["Location"] == nil)
        #expect(respond("GET", "/status/204").bodyBytes.isEmpty)
        #expect(respond("GET", "/status/304").bodyBytes.isEmpty)
        #expect(respond("GET", "/status/599").status == 599)
        #expect(respond("GET", "/status/100").status == 200, "1xx ends in 200, as behind Go's server")
        #expect(try respond("GET", "/status/100").json == ["code": 100, "description": "Continue"], "the body Go sends after the 1xx")
    }

    @Test("out of range or malformed codes are httpbun's 400 text; what its pattern refuses is its 404")
    func invalid() throws {
        for bad in ["99", "600", "abc", ",", "200:x", "200:-1", "99999999999999999999", "200:0", "1e3"] {
            let response = respond("GET", "/status/" + bad)
            #expect(response.status == 400, "\(bad)")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(bad)")
        }
        #expect(respond("GET", "/status/200,").status == 200, "empty items are skipped")
        for unrouted in ["%20", "-200", "+200", "2.0"] {
            #expect(respond("GET", "/status/" + unrouted).bodyText == "404 page not found\n", "\(unrouted)")
        }
    }

    @Test("lists pick among their codes; weights steer the pick")
    func choices() throws {
        let uniform = try StatusChoice.parse("200,500")
        #expect(uniform.codes == [200, 500])
        let weighted = try StatusChoice.parse("200:0.9, 500:0.1")
        #expect(weighted.weights == [0.9, 0.1])
        var generator = SeededRandom(seed: 7)
        var counts: [Int: Int] = [:]
        for _ in 0..<10_000 { counts[weighted.pick(using: &generator), default: 0] += 1 }
        #expect((8_500...9_500).contains(counts[200] ?? 0))
        #expect(Set(counts.keys) == [200, 500])
        let zeroWeight = try StatusChoice.parse("200:1,500:0")
        for _ in 0..<1000 { #expect(zeroWeight.pick(using: &generator) == 200) }
        for _ in 0..<20 { #expect([200, 500].contains(respond("GET", "/status/200,500").status)) }
    }
}

@Suite("/delay")
struct DelayTests {
    @Test("httpbun's OK, to be sent after the asked delay, whatever the method")
    func delay() throws {
        let response = respond("GET", "/delay/0.25?x=1")
        #expect(response.status == 200)
        #expect(response.delay == .milliseconds(250))
        #expect(response.bodyText == "OK")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(respond("POST", "/delay/2").delay == .seconds(2))
    }

    @Test("negative, non-numeric and over-the-maximum delays are 400 in httpbun's words")
    func invalid() throws {
        let configuration = ServerConfiguration(maxDuration: .seconds(5))
        for bad in ["-1", "abc", "1e308", "nan", "inf", "6", "0x10", "", "301"] {
            let response = respond("GET", "/delay/" + bad, configuration: configuration)
            #expect(response.status == (bad.isEmpty ? 404 : 400), "\(bad)")
            #expect(response.delay == .zero)
        }
        #expect(respond("GET", "/delay/abc").bodyText == "Invalid delay: strconv.ParseFloat: parsing \"abc\": invalid syntax")
        #expect(respond("GET", "/delay/-1").bodyText == "Delay can't be greater than 300 or less than 0")
        #expect(respond("GET", "/delay/301", configuration: ServerConfiguration(maxDuration: .seconds(400))).bodyText
            == "Delay can't be greater than 300 or less than 0")
        let over = respond("GET", "/delay/6", configuration: configuration)
        #expect(over.bodyText.contains("--max-duration"))
        #expect(respond("GET", "/delay/5", configuration: configuration).status == 200)
    }
}

@Suite("/cookies")
struct CookieRouteTests {
    @Test("/cookies lists every pair of every Cookie header")
    func list() throws {
        let response = respond("GET", "/cookies", headers: ["Cookie": "a=1; b=\"two\"", "cookie": "c=3"])
        #expect(response.bodyText == "{\n  \"cookies\": {\n    \"a\": \"1\",\n    \"b\": \"two\",\n    \"c\": \"3\"\n  }\n}\n")
        #expect(respond("GET", "/cookies", headers: [:]).bodyText == "{\n  \"cookies\": {}\n}\n")
    }

    @Test("/cookies/set?k=v sets each pair and redirects to /cookies")
    func setQuery() {
        let response = respond("GET", "/cookies/set?mycookie=value&b=has%20space")
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/cookies")
        #expect(response.headers.values(for: "Set-Cookie") == ["mycookie=value; Path=/", "b=\"has space\"; Path=/"])
    }

    @Test("/cookies/set/{name}/{value}")
    func setPath() {
        let response = respond("GET", "/cookies/set/foo/bar")
        #expect(response.status == 302)
        #expect(response.headers.values(for: "Set-Cookie") == ["foo=bar; Path=/"])
    }

    @Test("an invalid cookie name is 400; a value loses the bytes no cookie may carry, as Go's do")
    func invalid() {
        #expect(respond("GET", "/cookies/set?a;b=1").status == 400)
        #expect(respond("GET", "/cookies/set?a=x%3By").headers["Set-Cookie"] == "a=xy; Path=/")
        #expect(respond("GET", "/cookies/set?a=x%0D%0Ay").headers["Set-Cookie"] == "a=xy; Path=/")
        #expect(respond("GET", "/cookies/set?n=%C3%A9").headers["Set-Cookie"] == "n=; Path=/")
    }

    @Test("/cookies/delete expires each named cookie")
    func delete() throws {
        let response = respond("GET", "/cookies/delete?a&b=")
        #expect(response.status == 302)
        #expect(
            response.headers.values(for: "Set-Cookie") == [
                "a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
                "b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
            ])
        #expect(response.headers["Location"] == "/cookies")
        #expect(response.bodyText.contains("<a href=\"/cookies\">/cookies</a>"), "httpbun's redirect page")
        #expect(respond("GET", "/cookie/delete?a").headers["Set-Cookie"] == "a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
        #expect(respond("GET", "/cookie/set/a/1").headers["Set-Cookie"] == "a=1; Path=/")
        #expect(try respond("GET", "/cookie", headers: ["Cookie": "a=1"]).json == ["cookies": ["a": "1"]])
    }
}
