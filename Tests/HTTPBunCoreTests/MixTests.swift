@testable import HTTPBunCore
import HTTPWire
import JSONValue
import Testing

// httpbun's response composer (routes/mix in sharat87/httpbun): `/mix` with its directives in the
// path or the query, `/mixer`, `/help/mixer`, and the Go behaviours it leans on (base64 errors,
// content sniffing, URL unescaping). Expected texts are httpbun's and Go's, word for word.

private let deletedCookieSuffix = "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"

/// Answers `/mix` with the directives in the path (`/mix/a/b`) or in the query (`/mix?a&b`).
private func mix(_ directives: [String], query: Bool = false, method: String = "GET", headers: HTTPHeaders = ["Host": "example.com"]) -> Response {
    respond(method, query ? "/mix?" + directives.joined(separator: "&") : "/mix/" + directives.joined(separator: "/"), headers: headers)
}

@Suite("/mix, /mixer, /help/mixer and the Go behaviours behind them")
struct MixTests {
    // MARK: Status

    @Test("no directives: an empty 200 with no header of its own", arguments: ["/mix", "/mix/", "/mix//", "/mix?", "/mix?&&"])
    func empty(target: String) {
        let response = respond("GET", target)
        #expect(response.status == 200, "\(target)")
        #expect(response.bodyBytes.isEmpty, "\(target)")
        #expect(response.headers.fields.map(\.name) == ["X-Powered-By"], "\(target)")
        #expect(response.delay == .zero)
    }

    @Test("s=: the status, in either form, for any method; the last one wins", arguments: [false, true])
    func status(query: Bool) {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let response = mix(["s=404"], query: query, method: method)
            #expect(response.status == 404, "\(method)")
            #expect(response.bodyBytes.isEmpty)
        }
        #expect(mix(["s=200"], query: query).status == 200)
        #expect(mix(["s=201", "s=418"], query: query).status == 418)
        #expect(mix(["s=0"], query: query).status == 200, "httpbun's 0 is Go's default, 200")
        #expect(mix(["s=599"], query: query).status == 599)
        // httpbun reads the digits out of the value (`\d+`).
        #expect(mix(["s=x202y"], query: query).status == 202)
    }

    @Test("s=200,500 picks one of them at random, from the route's randomness")
    func statusChoice() {
        var seen: Set<Int> = []
        for seed in 0..<64 as Range<UInt64> {
            let router = Router(services: RouteServices(now: { 0 }, seed: seed))
            for target in ["/mix/s=200,500", "/mix?s=200,500", "/mix/s=200%2C500"] {
                let status = router.respond(to: Request(method: "GET", target: target)).status
                #expect(status == 200 || status == 500, "seed \(seed) \(target): \(status)")
                seen.insert(status)
            }
        }
        #expect(seen == [200, 500], "both codes come up")
        // Same seed, same pick.
        let first = Router(services: RouteServices(now: { 0 }, seed: 9)).respond(to: Request(method: "GET", target: "/mix/s=201,202,203,204")).status
        let second = Router(services: RouteServices(now: { 0 }, seed: 9)).respond(to: Request(method: "GET", target: "/mix/s=201,202,203,204")).status
        #expect(first == second)
        #expect((201...204).contains(first))
    }

    @Test("s= that names no usable status: 400, never a crash")
    func badStatus() {
        for value in ["abc", "", "99", "1", "600", "1000", "100"] {
            let response = mix(["s=" + value])
            #expect(response.status == 400, "\(value)")
            #expect(!response.bodyBytes.isEmpty, "\(value)")
        }
        let huge = mix(["s=99999999999999999999"])
        #expect(huge.status == 400)
        #expect(huge.bodyText == "strconv.Atoi: parsing \"99999999999999999999\": value out of range")
    }

    // MARK: Headers

    @Test("h=name:value: canonical names, decoded values, repeats kept in order", arguments: [false, true])
    func headers(query: Bool) throws {
        let one = mix(["h=x-one:great"], query: query)
        #expect(one.status == 200)
        #expect(one.bodyBytes.isEmpty)
        #expect(one.headers.fields.map(\.name) == ["X-One", "X-Powered-By"])
        #expect(one.headers["X-One"] == "great")
        // httpbun's own test: spaces, a content type with parameters, symbols.
        let special = mix(["h=x-special-header:value%20with%20spaces", "h=content-type:application%2Fjson%3Bcharset%3Dutf-8", "h=x-symbols:!%40%23%24%25"],
                          query: query)
        #expect(special.headers["X-Special-Header"] == "value with spaces")
        #expect(special.headers.values(for: "Content-Type") == ["application/json;charset=utf-8"])
        #expect(special.headers["X-Symbols"] == "!@#$%")
        let repeated = mix(["h=x-multi:value1", "h=x-multi:value2", "h=X-Multi:value3"], query: query)
        #expect(repeated.headers.values(for: "X-Multi") == ["value1", "value2", "value3"])
        #expect(repeated.headers.fields.filter { $0.name == "X-Multi" }.count == 3)
        #expect(mix(["h=x-key:val%2fmore"], query: query).headers["X-Key"] == "val/more")
        #expect(mix(["h=x-a:b:c"], query: query).headers["X-A"] == "b:c", "split at the first colon")
        #expect(mix(["h=x-empty"], query: query).headers.values(for: "X-Empty") == [""], "no colon: an empty value")
        #expect(mix(["h=x-key:val", "h=x-key2:val2"], query: query).headers["X-Key2"] == "val2")
    }

    @Test("h= that would break the answer is dropped or tamed")
    func unsafeHeaders() {
        // The body's framing is the server's.
        let framed = mix(["h=content-length:999", "h=Transfer-Encoding:chunked", "h=connection:close", "b64=c2FtcGxl"])
        #expect(framed.status == 200)
        #expect(framed.bodyText == "sample")
        for name in ["Content-Length", "Transfer-Encoding", "Connection"] {
            #expect(framed.headers[name] == nil, "\(name)")
        }
        // A name that is no token is no header (Go's server drops it).
        let badName = mix(["h=bad%20name:x", "h=:empty-name", "h=x-ok:1"])
        #expect(badName.headers.fields.map(\.name) == ["X-Ok", "X-Powered-By"])
        // Line breaks cannot split the field (Go writes them as spaces).
        let split = mix(["h=x-a:line1%0D%0ASet-Cookie:%20evil=1"])
        #expect(split.headers["X-A"] == "line1  Set-Cookie: evil=1")
        #expect(split.headers["Set-Cookie"] == nil)
        #expect(!(split.headers["X-A"] ?? "").contains { $0 == "\r" || $0 == "\n" })
        #expect(!(mix(["h=x-nul:a%00b"]).headers["X-Nul"] ?? "\u{0}").unicodeScalars.contains { $0.value < 0x20 })
    }

    // MARK: Cookies

    @Test("c=name:value sets a cookie with Path=/, Go's way", arguments: [false, true])
    func cookies(query: Bool) {
        #expect(mix(["c=name:content"], query: query).headers.values(for: "Set-Cookie") == ["name=content; Path=/"])
        #expect(mix(["c=name:content", "c=another:more"], query: query).headers.values(for: "Set-Cookie")
                == ["name=content; Path=/", "another=more; Path=/"])
        // A space or a comma: the value quoted.
        #expect(mix(["c=complex-cookie:value%20with%20spaces%20%26%20symbols%21%40%23%25"], query: query).headers["Set-Cookie"]
                == "complex-cookie=\"value with spaces & symbols!@#%\"; Path=/")
        #expect(mix(["c=a:x%2Cy"], query: query).headers["Set-Cookie"] == "a=\"x,y\"; Path=/")
        #expect(mix(["c=a:%20lead"], query: query).headers["Set-Cookie"] == "a=\" lead\"; Path=/")
        // Bytes no cookie value may carry are dropped, as Go drops them.
        #expect(mix(["c=a:x%3By"], query: query).headers["Set-Cookie"] == "a=xy; Path=/")
        #expect(mix(["c=a:q%22u%5Co"], query: query).headers["Set-Cookie"] == "a=quo; Path=/")
        #expect(mix(["c=a:%C3%A9"], query: query).headers["Set-Cookie"] == "a=; Path=/")
        #expect(mix(["c=a"], query: query).headers["Set-Cookie"] == "a=; Path=/", "no colon: an empty value")
        // The value may hold a colon: only the first one splits.
        #expect(mix(["c=t:12:30"], query: query).headers["Set-Cookie"] == "t=12:30; Path=/")
        // No cookie without a valid name.
        #expect(mix(["c=bad%20name:v", "c=:v"], query: query).headers["Set-Cookie"] == nil)
    }

    @Test("cd=name deletes a cookie: expired at once", arguments: [false, true])
    func deleteCookies(query: Bool) {
        #expect(mix(["cd=name"], query: query).headers.values(for: "Set-Cookie") == ["name" + deletedCookieSuffix])
        #expect(mix(["cd=name", "cd=another"], query: query).headers.values(for: "Set-Cookie")
                == ["name" + deletedCookieSuffix, "another" + deletedCookieSuffix])
        #expect(mix(["c=a:1", "cd=b", "c=c:3"], query: query).headers.values(for: "Set-Cookie")
                == ["a=1; Path=/", "b" + deletedCookieSuffix, "c=3; Path=/"], "in the order given")
        #expect(mix(["cd=bad%20name"], query: query).headers["Set-Cookie"] == nil)
        let response = mix(["cd=name"], query: query)
        #expect(response.status == 200)
        #expect(response.bodyBytes.isEmpty)
    }

    // MARK: Redirects

    @Test("r=url: 307 there, or the status s= gives; unescaped once more, as a query value", arguments: [false, true])
    func redirect(query: Bool) {
        let plain = mix(["r=https%3A%2F%2Fexample.com"], query: query)
        #expect(plain.status == 307)
        #expect(plain.headers.values(for: "Location") == ["https://example.com"])
        #expect(plain.bodyBytes.isEmpty)
        #expect(plain.headers["Content-Type"] == nil)
        let http = mix(["r=http%3A%2F%2Fexample.com"], query: query)
        #expect(http.headers["Location"] == "http://example.com")
        #expect(mix(["s=301", "r=https%3A%2F%2Fexample.com"], query: query).status == 301)
        #expect(mix(["r=https%3A%2F%2Fexample.com", "s=308"], query: query).status == 308, "s= after r= counts too")
        // httpbun's own test: a query and a fragment in the target.
        let full = mix(["r=https%3A%2F%2Fexample.com%2Fpath%3Fkey%3Dvalue%26other%3Dthing%20value%23fragment"], query: query)
        #expect(full.status == 307)
        #expect(full.headers["Location"] == "https://example.com/path?key=value&other=thing value#fragment")
        #expect(mix(["r=%2Fget"], query: query).headers["Location"] == "/get")
        // The second unescaping: %25 becomes %, then the escape it makes is decoded; + becomes a space.
        #expect(mix(["r=%252Fget%253Fa%253D1"], query: query).headers["Location"] == "/get?a=1")
        #expect(mix(["r=%2Fget%3Fa%3D1%2Bb"], query: query).headers["Location"] == "/get?a=1 b")
        // r= wins over a Location from h=.
        #expect(mix(["h=location:%2Fh", "r=%2Fr"], query: query).headers.values(for: "Location") == ["/r"])
        // Cookies and headers ride along.
        let along = mix(["c=a:1", "h=x-b:2", "r=%2Fget"], query: query)
        #expect(along.status == 307)
        #expect(along.headers["Set-Cookie"] == "a=1; Path=/")
        #expect(along.headers["X-B"] == "2")
        // A Location from h= alone is sent as it is, with whatever status s= says.
        let byHeader = mix(["s=302", "h=location:%2Felsewhere"], query: query)
        #expect(byHeader.status == 302)
        #expect(byHeader.headers["Location"] == "/elsewhere")
    }

    @Test("a second r=: 400, multiple redirects not allowed")
    func multipleRedirects() {
        for directives in [["r=http%3A%2F%2Fexample.com", "r=another"], ["r=%2Fa", "r=%2Fa"],
                           ["r=https%3A%2F%2Fexample1.com", "r=https%3A%2F%2Fexample2.com"]] {
            for query in [false, true] {
                let response = mix(directives, query: query)
                #expect(response.status == 400, "\(directives)")
                #expect(response.bodyText == "multiple redirects not allowed")
                #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
                #expect(response.headers["Location"] == nil)
            }
        }
    }

    /// httpbun sets `Location` only for a non-empty `r=` (`if redirectTo != ""`), and its
    /// `multiple redirects` check is `redirectTo != ""` too, so a later `r=` follows an empty one.
    @Test("an empty r= is no redirect", arguments: [false, true])
    func emptyRedirect(query: Bool) {
        let empty = mix(["r="], query: query)
        #expect(empty.status == 200, "httpbun: 200, no Location")
        #expect(empty.headers["Location"] == nil)
        let thenOne = mix(["r=", "r=%2Fget"], query: query)
        #expect(thenOne.status == 307, "httpbun: the second r= is the redirect")
        #expect(thenOne.headers["Location"] == "/get")
        // A non-empty one still counts: an empty one after it changes nothing, another one is refused.
        let kept = mix(["r=%2Fa", "r="], query: query)
        #expect(kept.status == 400)
        #expect(kept.bodyText == "multiple redirects not allowed")
        // Either way, an empty r= with a status keeps that status and sends no body.
        let withStatus = mix(["s=201", "r="], query: query)
        #expect(withStatus.status == 201)
        #expect(withStatus.bodyBytes.isEmpty)
    }

    @Test("r= to a host the guard refuses: httpbun's 403, cookies and all dropped")
    func refusedRedirect() {
        for directives in [["r=https%3A%2F%2Ftarget-url"], ["s=301", "h=location:https%3A%2F%2Ftarget-url"], ["c=a:1", "r=%2F%2Fevil.test"],
                           ["r=javascript%3Aalert(1)"], ["r=%2F%255Cevil.test"]] {
            let response = mix(directives, headers: ["Host": "server.test"])
            #expect(response.status == 403, "\(directives)")
            #expect(response.bodyText == "Forbidden redirect URL. Please be careful with this link.")
            #expect(response.headers["Location"] == nil)
            #expect(response.headers["Set-Cookie"] == nil)
        }
    }

    // MARK: Body

    @Test("b64=: the body, decoded; its type sniffed as Go's server sniffs it unless h= names one", arguments: [false, true])
    func body(query: Bool) {
        let sample = mix(["b64=c2FtcGxl"], query: query)
        #expect(sample.status == 200)
        #expect(sample.bodyText == "sample")
        #expect(sample.headers.values(for: "Content-Type") == ["text/plain; charset=utf-8"])
        let ok = mix(["s=200", "b64=b2s="], query: query)
        #expect(ok.bodyText == "ok")
        #expect(ok.headers.fields.map(\.name) == ["Content-Type", "X-Powered-By"])
        let html = mix(["b64=PGh0bWw%2B"], query: query)
        #expect(html.bodyText == "<html>")
        #expect(html.headers["Content-Type"] == "text/html; charset=utf-8")
        // httpbun's own test: an explicit type wins, whatever the body looks like.
        let xss = mix(["h=Content-Type:text%2Fhtml", "b64=PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4="], query: query)
        #expect(xss.bodyText == "<script>alert('XSS')</script>")
        #expect(xss.headers.values(for: "Content-Type") == ["text/html"])
        let csv = mix(["b64=PGh0bWw%2B", "h=content-type:text%2Fcsv"], query: query)
        #expect(csv.headers.values(for: "Content-Type") == ["text/csv"], "h= after b64= still wins")
        #expect(mix(["b64=AAEC"], query: query).headers["Content-Type"] == "application/octet-stream")
        #expect(mix(["b64=iVBORw0KGgo%3D"], query: query).headers["Content-Type"] == "image/png")
        // Without a body, no type at all.
        #expect(mix(["b64="], query: query).headers["Content-Type"] == nil)
        #expect(mix(["b64="], query: query).bodyBytes.isEmpty)
        // The last b64= is the body.
        #expect(mix(["b64=Zmlyc3Q%3D", "b64=c2Vjb25k"], query: query).bodyText == "second")
        // A `/` of the alphabet goes escaped in a path.
        #expect(mix(["b64=%2F%2F8%3D"], query: query).bodyBytes == [0xFF, 0xFF])
    }

    /// Go's server sniffs only when the answer names no Content-Encoding (net/http server.go,
    /// `if !hasCE && !haveType && !hasTE && len(p) > 0`).
    @Test("h=content-encoding: no sniffed type, as Go's server does not sniff an encoded body")
    func encodedBodyNotSniffed() {
        let encoded = mix(["h=content-encoding:gzip", "b64=H4sIAAAAAAAAAw%3D%3D"])
        #expect(encoded.headers["Content-Type"] == nil)
        // An empty Content-Encoding is none: sniffed as usual.
        let blank = mix(["h=content-encoding:", "b64=c2FtcGxl"])
        #expect(blank.headers["Content-Type"] == "text/plain; charset=utf-8")
    }

    @Test("a body with a status and headers, all at once")
    func composed() {
        let response = mix(["s=201", "h=x-composed:yes", "c=k:v", "b64=aGVsbG8="])
        #expect(response.status == 201)
        #expect(response.bodyText == "hello")
        #expect(response.headers["X-Composed"] == "yes")
        #expect(response.headers["Set-Cookie"] == "k=v; Path=/")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.headers["X-Powered-By"] == "httpbun/")
    }

    @Test("b64= or t= that Go cannot decode: 400 naming the byte, as Go's error does")
    func badBase64() {
        for (value, byte) in [("invalid!base64", 7), ("invalid", 4), ("abc", 0), ("YQ=", 3), ("YQ", 0), ("Y===", 1), ("YQ==x", 4), ("-_-_", 0),
                              ("YWI=YQ==", 4), ("YQ=x", 2)] {
            for directive in ["b64", "t"] {
                let response = mix([directive + "=" + value])
                #expect(response.status == 400, "\(directive)=\(value)")
                #expect(response.bodyText == "illegal base64 data at input byte \(byte)", "\(directive)=\(value)")
                #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
            }
        }
        // In the query a `+` is a space, which base64 has not.
        let plus = respond("GET", "/mix?b64=PGh0bWw+")
        #expect(plus.status == 400)
        #expect(plus.bodyText == "illegal base64 data at input byte 7")
        // In the path it is the alphabet's own.
        #expect(respond("GET", "/mix/b64=PGh0bWw+").bodyText == "<html>")
    }

    @Test("t= (a Go template) is not served: 400 even when it decodes")
    func template() {
        let response = mix(["t=bGVuZ3RoIGlzIHt7bGVuICJhYmMifX0="])
        #expect(response.status == 400)
        #expect(!response.bodyText.isEmpty)
        #expect(response.headers["Location"] == nil)
    }

    // MARK: Delay

    @Test("d=seconds: the answer waits, up to 10 seconds", arguments: [false, true])
    func delay(query: Bool) {
        #expect(mix(["d=1.5"], query: query).delay == .milliseconds(1500))
        #expect(mix(["d=0"], query: query).delay == .zero)
        #expect(mix(["d=10"], query: query).delay == .seconds(10))
        #expect(mix(["d=2", "d=0.5"], query: query).delay == .milliseconds(500), "the last one")
        let composed = mix(["s=202", "d=0.25", "b64=b2s="], query: query)
        #expect(composed.status == 202)
        #expect(composed.bodyText == "ok")
        #expect(composed.delay == .milliseconds(250))
        #expect(composed.headers["Content-Type"] == "text/plain; charset=utf-8")
    }

    @Test("d= errors in httpbun's words, not delayed")
    func badDelay() {
        for (value, message) in [
            ("x", "invalid delay value: 'x'"), ("invalid", "invalid delay value: 'invalid'"), ("", "invalid delay value: ''"),
            ("1s", "invalid delay value: '1s'"), ("-1", "delay must be a positive number"), ("-0.5", "delay must be a positive number"),
            ("11", "delay must be less than 10 seconds"), ("10.5", "delay must be less than 10 seconds"),
        ] {
            let response = mix(["d=" + value])
            #expect(response.status == 400, "d=\(value)")
            #expect(response.bodyText == message, "d=\(value)")
            #expect(response.delay == .zero, "d=\(value)")
        }
        // This server's --max-duration is a ceiling too.
        let capped = Router(configuration: ServerConfiguration(maxDuration: .seconds(2))).respond(to: Request(method: "GET", target: "/mix/d=3"))
        #expect(capped.status == 400)
        #expect(capped.bodyText.contains("--max-duration"))
        #expect(capped.delay == .zero)
    }

    // MARK: Parsing

    @Test("end stops the directives; whatever follows, however broken, is not read")
    func end() {
        #expect(mix(["s=202", "end", "s=500"]).status == 202)
        #expect(mix(["s=202", "end", "s=500"], query: true).status == 202)
        #expect(mix(["end", "s=500"]).status == 200)
        let ignored = mix(["h=x-a:1", "end", "h=x-b:%zz", "b64=!!", "r=a", "r=b"])
        #expect(ignored.status == 200)
        #expect(ignored.headers["X-A"] == "1")
        #expect(ignored.headers["X-B"] == nil)
        // Only `end` itself: `end=1` is an unknown directive, and reading goes on.
        #expect(mix(["end=1", "s=201"]).status == 201)
    }

    @Test("unknown directives are skipped; a directive's name is not unescaped")
    func unknown() {
        #expect(mix(["zzz=1", "s=201", "slack=a%2Fb%2Fc"]).status == 201)
        #expect(mix(["%73=404"]).status == 200)
        #expect(mix(["S=404"]).status == 200)
        // Every value is unescaped before its directive is looked at: a bad escape fails even here.
        let bad = mix(["zz=%zz"])
        #expect(bad.status == 400)
        #expect(bad.bodyText == "invalid URL escape \"%zz\"")
    }

    @Test("bad escapes: 400 with Go's words", arguments: [false, true])
    func badEscapes(query: Bool) {
        for (value, escape) in [("%zz", "%zz"), ("a%4", "%4"), ("%4g", "%4g"), ("%g4", "%g4"), ("%", "%"), ("ok%z", "%z")] {
            let response = mix(["h=x:" + value], query: query)
            #expect(response.status == 400, "\(value)")
            #expect(response.bodyText == "invalid URL escape \"\(escape)\"", "\(value)")
            #expect(response.headers["X"] == nil)
        }
        // r= is unescaped twice: a bad escape in the second pass is reported as well.
        let twice = mix(["r=%25zz"], query: query)
        #expect(twice.status == 400)
        #expect(twice.bodyText == "invalid URL escape \"%zz\"")
    }

    @Test("path and query forms: a path wins; + is a space only in the query")
    func forms() {
        #expect(respond("GET", "/mix/s=201?s=500").status == 201, "a path means the query is not read")
        #expect(respond("GET", "/mix?s=203&h=x-a:1&c=n:v").status == 203)
        #expect(respond("GET", "/mix/h=x-a:a+b").headers["X-A"] == "a+b")
        #expect(respond("GET", "/mix?h=x-a:a+b").headers["X-A"] == "a b")
        #expect(respond("GET", "/mix?h=x-a:a%2Bb").headers["X-A"] == "a+b")
        // Empty parts are nothing.
        #expect(respond("GET", "/mix//s=201//").status == 201)
        #expect(respond("GET", "/mix?&&s=201&").status == 201)
        // A `/` in a query value is just a character; a `&` in a path value too.
        #expect(respond("GET", "/mix?h=x-a:a/b").headers["X-A"] == "a/b")
        #expect(respond("GET", "/mix/h=x-a:a&b").headers["X-A"] == "a&b")
        // The fragment is not part of the query.
        #expect(respond("GET", "/mix?s=201#s=500").status == 201)
    }

    @Test("under a path prefix the directives are read below it")
    func pathPrefix() {
        let configuration = ServerConfiguration(pathPrefix: "/bun")
        #expect(respond("GET", "/bun/mix/s=201/h=x-a:1", configuration: configuration).status == 201)
        #expect(respond("GET", "/bun/mix/s=201/h=x-a:1", configuration: configuration).headers["X-A"] == "1")
        #expect(respond("GET", "/bun/mix?s=202", configuration: configuration).status == 202)
        #expect(respond("GET", "/mix/s=201", configuration: configuration).status == 404)
    }

    // MARK: /mixer and /help/mixer

    /// Every `href` of a page.
    private static func links(_ html: String) -> [String] {
        html.matches(of: /href="([^"]*)"/).map { String($0.1) }
    }

    @Test("/mixer and /help/mixer: HTML pages whose links stay under the path prefix", arguments: ["", "/bun", "/a/b/"])
    func pages(prefix: String) throws {
        let configuration = ServerConfiguration(pathPrefix: prefix)
        let normalized = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        for page in ["/mixer", "/help/mixer"] {
            for method in ["GET", "POST"] {
                let response = respond(method, normalized + page, configuration: configuration)
                #expect(response.status == 200, "\(prefix) \(page)")
                #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
                #expect(response.headers["X-Powered-By"] == "httpbun/")
                #expect(response.bodyText.hasPrefix("<!doctype html>"))
                #expect(ContentSniffer.goContentType(of: response.bodyBytes) == "text/html; charset=utf-8")
                let links = Self.links(response.bodyText)
                #expect(!links.isEmpty, "\(prefix) \(page)")
                for link in links {
                    #expect(link.hasPrefix(normalized + "/"), "\(prefix) \(page): \(link)")
                    // Each link reaches a route under this configuration (`/mix/s=404` answers 404 on purpose).
                    let target = link.replacing("&amp;", with: "&")
                    let followed = respond("GET", target, configuration: configuration)
                    #expect(followed.bodyText != "404 page not found\n", "\(prefix) \(page): \(link)")
                }
            }
            // Not outside the prefix.
            if !normalized.isEmpty { #expect(respond("GET", page, configuration: configuration).status == 404) }
        }
        let mixer = respond("GET", normalized + "/mixer", configuration: configuration).bodyText
        #expect(mixer.contains("href=\"\(normalized)/help/mixer\""))
        #expect(mixer.contains("href=\"\(normalized)/mix\""))
        // The script builds links under the prefix too.
        #expect(mixer.contains("\"\(normalized)\" + \"/mix\""))
        let help = respond("GET", normalized + "/help/mixer", configuration: configuration).bodyText
        #expect(help.contains("href=\"\(normalized)/mixer\""))
        for directive in ["s", "h", "c", "cd", "r", "b64", "d", "end"] {
            #expect(help.contains("<code>\(directive)"), "/help/mixer documents \(directive)")
        }
        // Every form field is a directive /mix reads.
        for name in mixer.matches(of: /<input name="([^"]*)"/).map({ String($0.1) }) {
            #expect(MixRoutes.singleValued.contains(name) || MixRoutes.pairValued.contains(name), "\(name)")
        }
    }

    @Test("the help page's examples answer as they say")
    func helpExamples() {
        #expect(respond("GET", "/mix/s=404").status == 404)
        #expect(respond("GET", "/mix/s=202/end/s=500").status == 202)
        #expect(respond("GET", "/mix/r=%2Fget").headers["Location"] == "/get")
        #expect(respond("GET", "/mix/b64=aGVsbG8=").bodyText == "hello")
        #expect(respond("GET", "/mix/cd=session").headers["Set-Cookie"] == "session" + deletedCookieSuffix)
        #expect(respond("GET", "/mix/s=201/h=x-composed:yes/b64=aGVsbG8=").status == 201)
    }

    // MARK: Go's behaviours, as functions

    @Test("Base64.decodeAsGo: Go's StdEncoding, its results and its error offsets", arguments: [
        ("", [UInt8]()), ("YQ==", Array("a".utf8)), ("YWI=", Array("ab".utf8)), ("YWJj", Array("abc".utf8)), ("YW\nJj", Array("abc".utf8)),
        ("YWJ\r\nj", Array("abc".utf8)), ("YQ==\n", Array("a".utf8)), ("YQ=\n=", Array("a".utf8)), ("YWJj\n", Array("abc".utf8)),
        ("\n\n", []), ("YR==", Array("a".utf8)), ("YWJjZA==", Array("abcd".utf8)), ("YWJjZGVmZ2hpams=", Array("abcdefghijk".utf8)),
        ("//8=", [0xFF, 0xFF]), ("+/+/", [0xFB, 0xFF, 0xBF]),
    ] as [(String, [UInt8])])
    func base64Decodes(text: String, bytes: [UInt8]) {
        #expect(Base64.decodeAsGo(text) == .success(bytes), "\(text)")
    }

    @Test("Base64.decodeAsGo: where Go's decoder stops", arguments: [
        ("invalid!base64", 7), ("invalid", 4), ("abc", 0), ("YQ=", 3), ("YQ", 0), ("Y===", 1), ("YQ==x", 4), ("YWI=YQ==", 4), ("YQ=x", 2),
        ("=", 0), ("====", 0), ("YQ\n=", 4), ("YQ==\nx", 5), ("YQ=\r\n", 5), ("ab-d", 2), ("ab_d", 2), ("a b=", 1), ("PGh0bWw ", 7),
        ("YWJjZA", 4), ("YWJjZA=", 7), ("Y", 0), ("YWJjZGVmZ2hpamtsbW5vcA", 20), ("YWJjZGVmZ2hp!mtsbW5vcA==", 12), ("é", 0),
    ])
    func base64Fails(text: String, byte: Int) {
        #expect(Base64.decodeAsGo(text) == .failure(Base64.CorruptInput(byte: byte)), "\(text)")
    }

    @Test("ContentSniffer: Go's http.DetectContentType", arguments: [
        ("sample", "text/plain; charset=utf-8"), ("", "text/plain; charset=utf-8"), ("<html>", "text/html; charset=utf-8"),
        ("<HTML ", "text/html; charset=utf-8"), ("  \n\t\r\u{0C}<html>", "text/html; charset=utf-8"), ("<html", "text/plain; charset=utf-8"),
        ("<htmlx>", "text/plain; charset=utf-8"), ("<!doctype html>", "text/html; charset=utf-8"), ("<!DOCTYPE HTML>", "text/html; charset=utf-8"),
        ("<p>", "text/html; charset=utf-8"), ("<br/>", "text/plain; charset=utf-8"), ("<!-- c -->", "text/html; charset=utf-8"),
        ("<a href", "text/html; charset=utf-8"), ("<TITLE>", "text/html; charset=utf-8"), ("<h1>", "text/html; charset=utf-8"),
        ("<script>", "text/html; charset=utf-8"), ("<h1x", "text/plain; charset=utf-8"), ("<b>x", "text/html; charset=utf-8"),
        ("<?xml v", "text/xml; charset=utf-8"), (" <?xml v", "text/xml; charset=utf-8"), ("%PDF-1", "application/pdf"),
        ("%!PS-Adobe-3", "application/postscript"), ("GIF89a", "image/gif"), ("GIF87a", "image/gif"), ("BMx", "image/bmp"),
        ("PK\u{03}\u{04}", "application/zip"), ("a\u{1B}b", "text/plain; charset=utf-8"), ("a\u{0C}b", "text/plain; charset=utf-8"),
        ("a\u{0B}b", "application/octet-stream"), ("\u{0}\u{1}", "application/octet-stream"), ("caf\u{E9}", "text/plain; charset=utf-8"),
        ("{\"a\": 1}", "text/plain; charset=utf-8"),
    ])
    func sniffText(body: String, type: String) {
        #expect(ContentSniffer.goContentType(of: Array(body.utf8)) == type, "\(body.debugDescription)")
    }

    @Test("ContentSniffer: binary signatures", arguments: [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"), ([0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg"),
        ([0x1F, 0x8B, 0x08, 0x00], "application/x-gzip"), ([0x00, 0x00, 0x01, 0x00], "image/x-icon"), ([0x00, 0x00, 0x02, 0x00], "image/x-icon"),
        ([0x00, 0x61, 0x73, 0x6D], "application/wasm"), (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), "image/webp"),
        ([0xFE, 0xFF, 0x00, 0x61], "text/plain; charset=utf-16be"), ([0xFF, 0xFE, 0x61, 0x00], "text/plain; charset=utf-16le"),
        ([0xEF, 0xBB, 0xBF, 0x61], "text/plain; charset=utf-8"), ([0xFF, 0xFF, 0xFF], "text/plain; charset=utf-8"),
        ([0x52, 0x49, 0x46, 0x46, 0x00], "application/octet-stream"),
    ] as [([UInt8], String)])
    func sniffBinary(body: [UInt8], type: String) {
        #expect(ContentSniffer.goContentType(of: body) == type, "\(body)")
    }

    /// Go's BOM signatures are masked four-byte patterns: a shorter body never matches them.
    @Test("ContentSniffer: a byte-order mark needs four bytes, as in Go", arguments: [
        ([0xFE, 0xFF], "text/plain; charset=utf-8"), ([0xFF, 0xFE], "text/plain; charset=utf-8"), ([0xFE, 0xFF, 0x61], "text/plain; charset=utf-8"),
        ([0xFE, 0xFF, 0x00], "application/octet-stream"),
    ] as [([UInt8], String)])
    func sniffShortByteOrderMark(body: [UInt8], type: String) {
        #expect(ContentSniffer.goContentType(of: body) == type, "\(body)")
    }

    @Test("ContentSniffer: only the first 512 bytes are read")
    func sniffWindow() {
        #expect(ContentSniffer.goContentType(of: Array(repeating: 0x61, count: 512) + [0x00]) == "text/plain; charset=utf-8")
        #expect(ContentSniffer.goContentType(of: Array(repeating: 0x61, count: 511) + [0x00]) == "application/octet-stream")
        #expect(ContentSniffer.goContentType(of: Array(repeating: 0x20, count: 600) + Array("<html>".utf8)) == "text/plain; charset=utf-8")
        #expect(ContentSniffer.goContentType(of: Array(repeating: 0x20, count: 500) + Array("<html>".utf8)) == "text/html; charset=utf-8")
    }

    @Test("GoUnescape: Go's url.PathUnescape and url.QueryUnescape")
    func goUnescape() {
        #expect(GoUnescape.unescape("ok%41", plusAsSpace: false) == .success("okA"))
        #expect(GoUnescape.unescape("a+b", plusAsSpace: false) == .success("a+b"))
        #expect(GoUnescape.unescape("a+b", plusAsSpace: true) == .success("a b"))
        #expect(GoUnescape.unescape("%2B", plusAsSpace: true) == .success("+"))
        #expect(GoUnescape.unescape("%e2%82%ac", plusAsSpace: false) == .success("€"))
        for (text, escape) in [("%zz", "%zz"), ("%z", "%z"), ("%", "%"), ("a%4", "%4"), ("%4g", "%4g"), ("%g4", "%g4"), ("ok%zzzz", "%zz"),
                               ("%41%", "%")] {
            for plus in [false, true] {
                #expect(GoUnescape.unescape(Substring(text), plusAsSpace: plus) == .failure(GoRefusal(message: "invalid URL escape \"\(escape)\"")),
                        "\(text)")
            }
        }
    }
}
