@testable import HTTPBunCore
import HTTPWire
import JSONValue
import Testing

// httpbun's answers outside its handlers (`ex.New` and `Exchange.Finish` in sharat87/httpbun):
// `X-Powered-By`, CORS, the `Location` guard, Go's 404, the 405 of the method routes, `OPTIONS`
// routed to handlers; and the routes whose shape changed with them (forwarded headers, Digest,
// /delay, /health, the redirect chain). Every request goes through a `Router`, no socket.

/// httpbun's refusal of a `Location` its allowlist does not pass, word for word.
private let forbiddenRedirectBody = "Forbidden redirect URL. Please be careful with this link."

/// A host that is neither in httpbun's default list nor loopback, so only the guard's own rules apply.
private let serverHost: HTTPHeaders = ["Host": "server.test"]

/// Every byte but the unreserved ones percent-encoded: a value that survives as one query argument.
private func queryEncoded(_ text: String) -> String {
    var output = ""
    for byte in text.utf8 {
        if (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || "-._~".utf8.contains(byte) {
            output.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }
    return output
}

/// Asserts that `response` is httpbun's 403 in place of a refused redirect.
private func expectForbiddenRedirect(_ response: Response, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == 403, "\(comment)", sourceLocation: sourceLocation)
    #expect(response.bodyText == forbiddenRedirectBody, "\(comment)", sourceLocation: sourceLocation)
    #expect(response.headers["Location"] == nil, "\(comment)", sourceLocation: sourceLocation)
    #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(comment)", sourceLocation: sourceLocation)
    #expect(response.headers["Set-Cookie"] == nil, "\(comment)", sourceLocation: sourceLocation)
    #expect(response.headers["X-Powered-By"] == "httpbun/", "\(comment)", sourceLocation: sourceLocation)
}

@Suite("httpbun's shape: X-Powered-By, CORS, 404, 405, OPTIONS, the Location guard")
struct HTTPBunShapeTests {
    // MARK: X-Powered-By

    @Test("X-Powered-By: httpbun/ on every answer, once, errors included", arguments: [
        ("GET", "/get"), ("POST", "/post"), ("GET", "/html"), ("GET", "/status/418"), ("GET", "/nope"), ("POST", "/get"),
        ("GET", "/mix/s=500"), ("GET", "/mix"), ("GET", "/redirect-to?url=https%3A%2F%2Fevil.test"), ("GET", "/health"),
        ("OPTIONS", "/get"), ("GET", "/redirect/3"), ("GET", "/redirect/21"), ("GET", "/digest-auth/u/p"), ("GET", "/delay/abc"),
        ("GET", "/bytes/4?seed=1"),
    ])
    func poweredBy(method: String, target: String) {
        let response = respond(method, target, headers: serverHost)
        #expect(response.headers.values(for: "X-Powered-By") == ["httpbun/"], "\(method) \(target)")
        // With CORS questions asked, the header set is built another way: still there, still once.
        let asked = respond(method, target, headers: ["Host": "server.test", "Origin": "https://o.test"])
        #expect(asked.headers.values(for: "X-Powered-By") == ["httpbun/"], "\(method) \(target)")
    }

    @Test("under a path prefix, 404s outside it are httpbun's too")
    func poweredByUnderPrefix() {
        let configuration = ServerConfiguration(pathPrefix: "/bun")
        let inside = respond("GET", "/bun/get", configuration: configuration)
        #expect(inside.status == 200)
        #expect(inside.headers["X-Powered-By"] == "httpbun/")
        let outside = respond("GET", "/get", configuration: configuration)
        #expect(outside.status == 404)
        #expect(outside.bodyText == "404 page not found\n")
    }

    // MARK: CORS

    @Test("no CORS question, no CORS header: httpbun never answers *")
    func noCorsWithoutQuestions() {
        for (method, target) in [("GET", "/get"), ("GET", "/nope"), ("GET", "/html"), ("OPTIONS", "/anything"), ("GET", "/mix/s=204")] {
            let response = respond(method, target, headers: serverHost)
            for name in ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
                         "Access-Control-Max-Age", "Access-Control-Expose-Headers"] {
                #expect(response.headers[name] == nil, "\(method) \(target): \(name)")
            }
            #expect(response.headers["Access-Control-Allow-Methods"] == nil, "\(method) \(target)")
        }
        // The commonest answer, a JSON echo to a request that asks nothing: two fields, no more.
        #expect(respond("GET", "/get", headers: serverHost).headers.fields.map(\.name) == ["Content-Type", "X-Powered-By"])
    }

    @Test("Origin: echoed exactly, with credentials allowed, on every answer")
    func originEchoed() throws {
        for origin in ["https://app.test", "http://localhost:3000", "null", "https://ÜNICODE.test"] {
            for (method, target) in [("GET", "/get"), ("GET", "/nope"), ("POST", "/get"), ("GET", "/mix/s=418"),
                                     ("GET", "/redirect-to?url=https%3A%2F%2Fevil.test"), ("GET", "/status/500")] {
                let response = respond(method, target, headers: ["Host": "server.test", "Origin": origin])
                #expect(response.headers.values(for: "Access-Control-Allow-Origin") == [origin], "\(method) \(target)")
                #expect(response.headers.values(for: "Access-Control-Allow-Credentials") == ["true"], "\(method) \(target)")
            }
        }
        // The field name is matched in any case.
        let lower = respond("GET", "/get", headers: ["origin": "https://lower.test"])
        #expect(lower.headers["Access-Control-Allow-Origin"] == "https://lower.test")
        // A JSON answer keeps its own fields besides.
        #expect(lower.headers["Content-Type"] == "application/json")
        #expect(try lower.json["headers"]?["Origin"] == "https://lower.test")
    }

    @Test("the last Origin is the one echoed; an empty last one means none (httpbun's HeaderValueLast)")
    func lastOrigin() {
        let two = respond("GET", "/get", headers: HTTPHeaders([("Origin", "https://first.test"), ("ORIGIN", "https://last.test")]))
        #expect(two.headers.values(for: "Access-Control-Allow-Origin") == ["https://last.test"])
        let emptyLast = respond("GET", "/get", headers: HTTPHeaders([("Origin", "https://first.test"), ("Origin", "")]))
        #expect(emptyLast.headers["Access-Control-Allow-Origin"] == nil)
        #expect(emptyLast.headers["Access-Control-Allow-Credentials"] == nil)
        let empty = respond("GET", "/get", headers: ["Origin": ""])
        #expect(empty.headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test("Access-Control-Request-Headers and -Method are echoed as the allowed ones, Origin or not")
    func requestedHeadersAndMethod() {
        let preflight = respond(
            "OPTIONS", "/anything",
            headers: ["Origin": "https://app.test", "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "X-A, Content-Type"])
        #expect(preflight.headers["Access-Control-Allow-Methods"] == "PATCH")
        #expect(preflight.headers["Access-Control-Allow-Headers"] == "X-A, Content-Type")
        #expect(preflight.headers["Access-Control-Max-Age"] == nil, "httpbun sends no Max-Age")
        // Without Origin, httpbun still answers the two questions, and allows no origin.
        let bare = respond("GET", "/get", headers: ["access-control-request-method": "DELETE", "Access-Control-Request-Headers": "x-b"])
        #expect(bare.headers["Access-Control-Allow-Methods"] == "DELETE")
        #expect(bare.headers["Access-Control-Allow-Headers"] == "x-b")
        #expect(bare.headers["Access-Control-Allow-Origin"] == nil)
        #expect(bare.headers["Access-Control-Allow-Credentials"] == nil)
        // Go's Header.Get: the first value, and nothing for an empty first one.
        let repeated = respond("GET", "/get", headers: HTTPHeaders([
            ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", ""), ("Access-Control-Request-Headers", "x-late"),
        ]))
        #expect(repeated.headers.values(for: "Access-Control-Allow-Methods") == ["PUT"])
        #expect(repeated.headers["Access-Control-Allow-Headers"] == nil)
        // Only one of them asked: only that one answered.
        let onlyHeaders = respond("GET", "/get", headers: ["Access-Control-Request-Headers": "x-c"])
        #expect(onlyHeaders.headers["Access-Control-Allow-Headers"] == "x-c")
        #expect(onlyHeaders.headers["Access-Control-Allow-Methods"] == nil)
    }

    /// httpbun sets its headers before the handler runs and `Finish` copies the handler's over
    /// them (`maps.Copy`): whatever the answer names itself wins.
    @Test("a field the handler set wins over httpbun's own")
    func handlerFieldsWin() {
        #expect(respond("GET", "/mix/h=x-powered-by:me").headers.values(for: "X-Powered-By") == ["me"])
        #expect(respond("GET", "/response-headers?X-Powered-By=custom").headers.values(for: "X-Powered-By") == ["custom"])
        let origin = respond("GET", "/response-headers?Access-Control-Allow-Origin=*", headers: ["Origin": "https://o.test"])
        #expect(origin.headers.values(for: "Access-Control-Allow-Origin") == ["*"])
        #expect(origin.headers.values(for: "Access-Control-Allow-Credentials") == ["true"], "the fields it did not set are still added")
        let methods = respond("GET", "/mix/h=access-control-allow-methods:GET", headers: ["Access-Control-Request-Method": "PUT"])
        #expect(methods.headers.values(for: "Access-Control-Allow-Methods") == ["GET"])
        // A 405's own allowed methods are not replaced by the one the request asks about.
        let refused = respond("POST", "/get", headers: ["Access-Control-Request-Method": "PUT", "Origin": "https://o.test"])
        #expect(refused.status == 405)
        #expect(refused.headers.values(for: "Access-Control-Allow-Methods") == refused.headers.values(for: "Allow"))
        #expect(refused.headers["Access-Control-Allow-Origin"] == "https://o.test")
    }

    @Test("CORS on a JSON answer does not leak into the next answer's shared header set")
    func sharedHeadersStayClean() {
        let router = Router()
        _ = router.respond(to: Request(method: "GET", target: "/get", headers: ["Origin": "https://o.test", "Access-Control-Request-Method": "PUT"]))
        let plain = router.respond(to: Request(method: "GET", target: "/get"))
        #expect(plain.headers.fields.map(\.name) == ["Content-Type", "X-Powered-By"])
    }

    // MARK: 404, 405, OPTIONS

    @Test("no route: Go's http.NotFound, plain text", arguments: ["/nope", "/gett", "/get/x", "/redirect/abc", "/redirect/-5", "/mixx", "/%E2%82%AC"])
    func notFound(target: String) {
        let response = respond("GET", target)
        #expect(response.status == 404, "\(target)")
        #expect(response.bodyText == "404 page not found\n", "\(target)")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(target)")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff", "\(target)")
        #expect(response.headers["X-Powered-By"] == "httpbun/", "\(target)")
    }

    @Test("a method route's other methods: an empty 405 naming the allowed ones in Allow and Access-Control-Allow-Methods")
    func methodNotAllowed() throws {
        for (method, target, allowed) in [("POST", "/get", "GET"), ("GET", "/post", "POST"), ("PUT", "/delete", "DELETE"), ("DELETE", "/patch", "PATCH")] {
            let response = respond(method, target)
            #expect(response.status == 405, "\(method) \(target)")
            #expect(response.bodyBytes.isEmpty, "\(method) \(target)")
            let allow = try #require(response.headers["Allow"], "\(method) \(target)")
            #expect(allow.split(separator: ",").map { String($0.filter { $0 != " " }) }.contains(allowed), "\(allow)")
            #expect(!allow.contains(method), "\(allow)")
            #expect(response.headers["Access-Control-Allow-Methods"] == allow, "\(method) \(target)")
            #expect(response.headers["Content-Type"] == nil, "\(method) \(target)")
            #expect(response.headers["X-Powered-By"] == "httpbun/")
        }
        // CORS on a 405 still echoes the Origin.
        let cors = respond("POST", "/get", headers: ["Origin": "https://o.test"])
        #expect(cors.status == 405)
        #expect(cors.headers["Access-Control-Allow-Origin"] == "https://o.test")
    }

    @Test("OPTIONS goes to the route's handler: no preflight of the server's own")
    func optionsRouted() throws {
        let get = respond("OPTIONS", "/get")
        #expect(get.status == 200, "httpbun's /get takes OPTIONS")
        #expect(try get.json["method"] == "OPTIONS")
        let anything = respond("OPTIONS", "/anything/x?a=1", headers: ["Origin": "https://o.test", "Access-Control-Request-Method": "PUT"])
        #expect(try anything.json["method"] == "OPTIONS")
        #expect(try anything.json["args"] == ["a": "1"])
        #expect(anything.headers["Access-Control-Allow-Methods"] == "PUT")
        #expect(anything.headers["Access-Control-Max-Age"] == nil)
        #expect(respond("OPTIONS", "/status/201").status == 201)
        #expect(respond("OPTIONS", "/mix/s=202/b64=b2s=").status == 202)
        #expect(respond("OPTIONS", "/mix/s=202/b64=b2s=").bodyText == "ok")
        #expect(respond("OPTIONS", "/health").bodyText == "ok")
        #expect(respond("OPTIONS", "/redirect/2").headers["Location"] == "1")
        let missing = respond("OPTIONS", "/nope")
        #expect(missing.status == 404)
        #expect(missing.bodyText == "404 page not found\n")
    }

    // MARK: The Location guard

    /// ownHost `server.test`, httpbun's default list and a wildcard.
    private static let allowedHosts = ["example.com", "httpbun.com", "*.allowed.test"]

    @Test("LocationGuard: paths on this server and http(s) to allowed hosts pass", arguments: [
        "/get", "/anything/x?a=1#top", "../x", "../anything", "3", "?a=1", "#frag", "./a:b", "/a b", "/%41", "/get?url=//evil.test",
        "https://example.com", "http://example.com/x?y=1", "HTTPS://EXAMPLE.COM.", "hTtPs://example.com/x",
        "http://user:pw@example.com:8080/x", "https://httpbun.com/get", "https://sub.allowed.test", "https://a.b.allowed.test/x",
        "http://server.test/x", "https://SERVER.TEST:8443/", "http://localhost:9/", "http://127.0.0.1/", "http://[::1]:8080/",
        // Go's url.Parse leaves a query raw: a bad escape there is no parse error.
        "http://example.com/?q=%zz",
    ])
    func guardAllows(location: String) {
        #expect(LocationGuard.allows(location, ownHost: "server.test", allowedHosts: Self.allowedHosts))
    }

    @Test("LocationGuard: other hosts, other schemes, scheme-relative and unparsable values are refused", arguments: [
        "https://allowed.test", "https://sub.example.com", "https://evil.example", "https://example.com.evil.test", "https://evilexample.com",
        "http://example.com@evil.test/", "https://EXAMPLE.com../", "http://exa%6Dple.com/", "http://%65xample.com",
        "//evil.example", "//example.com", "///evil.com", "/%2F%2Fevil", "/%2f%5Cevil", "/%5Cevil", "/\\evil", "/\\/evil",
        "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "mailto:a@example.com", "http:evil.com", "https:/evil.com",
        "https:///evil.com", "http://", "http:///example.com", "ftp://example.com", "ws://example.com",
        "%zz", "/x?q=%zz", "/x#%zz", "https://example.com/%zz", "/%", "/a%2",
        "1a:b", ":foo", "a:b",
        "/a\u{0}", "/a\r\nSet-Cookie: x=1", "https://example.com\t", "/\u{7F}", "\t//evil.com", "/a\nb",
    ])
    func guardRefuses(location: String) {
        #expect(!LocationGuard.allows(location, ownHost: "server.test", allowedHosts: Self.allowedHosts))
    }

    /// Values a browser reads as another host though httpbun's Go passes them or a lenient host
    /// reading lets them by: a browser treats `\` as `/` in http(s) URLs and strips a header
    /// value's leading space, so each of these sends the client to evil.test.
    @Test("LocationGuard: what a browser reads as another host is refused", arguments: [
        "http://evil.test\\@example.com/", "https://evil.test\\@example.com", "\\\\evil.test", "\\/evil.test", " //evil.test",
        " https://evil.test/",
    ])
    func guardRefusesBrowserHostTricks(location: String) {
        #expect(!LocationGuard.allows(location, ownHost: "server.test", allowedHosts: Self.allowedHosts), "\(location)")
    }

    /// Go's `url.Parse` fails on a bad escape in the fragment and on a port that is not digits, so
    /// httpbun refuses these; neither sends a browser anywhere else, so this is fidelity, not safety.
    @Test("LocationGuard: a fragment or port Go's url.Parse refuses", arguments: ["http://example.com/#%zz", "https://example.com#%", "http://example.com:abc/"])
    func guardRefusesWhatGoCannotParse(location: String) {
        #expect(!LocationGuard.allows(location, ownHost: "server.test", allowedHosts: Self.allowedHosts), "\(location)")
    }

    @Test("LocationGuard: an empty list leaves own host and loopback; a wildcard never matches its apex")
    func guardLists() {
        #expect(!LocationGuard.allows("https://example.com", ownHost: "server.test", allowedHosts: []))
        #expect(LocationGuard.allows("https://server.test/x", ownHost: "server.test", allowedHosts: []))
        #expect(LocationGuard.allows("http://127.8.9.10/", ownHost: "server.test", allowedHosts: []))
        #expect(LocationGuard.allows("/relative", ownHost: "server.test", allowedHosts: []))
        #expect(!LocationGuard.allows("https://example.com", ownHost: "server.test", allowedHosts: ["*.example.com"]))
        #expect(LocationGuard.allows("https://a.example.com", ownHost: "server.test", allowedHosts: ["*.example.com"]))
        // httpbun normalizes its list entries: spaces, case and a trailing dot.
        #expect(LocationGuard.allows("https://example.org/", ownHost: "server.test", allowedHosts: [" Example.ORG. "]))
        #expect(!LocationGuard.allows("https://example.org/", ownHost: "server.test", allowedHosts: ["", "*."]))
    }

    @Test("LocationGuard: * lets every target through as python httpbin does, control bytes aside", arguments: [
        "http://evil.example/", "//evil.example", "javascript:alert(1)", "http://:1", "/\\evil.example", "ftp://x/",
    ])
    func guardStar(location: String) {
        #expect(LocationGuard.allows(location, ownHost: "server.test", allowedHosts: ["*"]))
        #expect(!LocationGuard.allows(location + "\r\nSet-Cookie: a=b", ownHost: "server.test", allowedHosts: ["*"]))
        // And through the routes of both flavors, whose own checks come first.
        for flavor in Flavor.allCases {
            var configuration = ServerConfiguration(flavor: flavor)
            configuration.allowedRedirectHosts = ["*"]
            let target = "/redirect-to?url=" + PercentCoding.encode(location)
            let answer = respond("GET", target, configuration: configuration)
            #expect(answer.status == 302, "\(flavor) \(location)")
            #expect(answer.headers["Location"] != nil, "\(flavor) \(location)")
        }
    }

    @Test("through the router: /redirect-to, /redirect, /response-headers and /mix are all guarded")
    func guardThroughRouter() throws {
        // Allowed ones go through as the handler wrote them.
        let relative = respond("GET", "/redirect-to?url=%2Fget", headers: serverHost)
        #expect(relative.status == 302)
        #expect(relative.headers["Location"] == "/get")
        let listed = respond("GET", "/redirect?url=https://example.com&status=301", headers: serverHost)
        #expect(listed.status == 301)
        #expect(listed.headers["Location"] == "https://example.com")
        let ownHost = respond("GET", "/redirect-to?url=" + queryEncoded("http://server.test:8080/anything"), headers: ["Host": "server.test:8080"])
        #expect(ownHost.status == 302)
        #expect(ownHost.headers["Location"] == "http://server.test:8080/anything")
        let header = respond("GET", "/response-headers?Location=/x", headers: serverHost)
        #expect(header.status == 200)
        #expect(header.headers["Location"] == "/x")
        let mix = respond("GET", "/mix/r=https%3A%2F%2Fexample.com", headers: serverHost)
        #expect(mix.status == 307)
        #expect(mix.headers["Location"] == "https://example.com")

        // Refused ones are replaced whole.
        for target in [
            "/redirect-to?url=https://target-url", "/redirect?url=https://target-url", "/redirect?url=%2F%2Fevil.example",
            "/redirect-to?url=" + queryEncoded("/\\evil.test") + "&status_code=307", "/redirect-to?url=javascript:alert(1)",
            "/response-headers?Location=https://target-url", "/response-headers?Location=/ok&Location=//evil.test",
            "/mix/r=https%3A%2F%2Ftarget-url", "/mix/s=301/h=location:https%3A%2F%2Ftarget-url",
            "/mix/c=session:abc/h=x-kept:no/r=%2F%2Fevil.test", "/mix/h=location:%2Fok/h=location:ftp%3A%2F%2Fexample.com",
        ] {
            let response = respond("GET", target, headers: serverHost)
            expectForbiddenRedirect(response, target)
            #expect(response.headers["X-Kept"] == nil, "\(target): the handler's answer is replaced whole")
        }
        // The refusal keeps httpbun's CORS answer.
        let cors = respond("GET", "/redirect-to?url=https://target-url", headers: ["Host": "server.test", "Origin": "https://o.test"])
        expectForbiddenRedirect(cors, "with Origin")
        #expect(cors.headers["Access-Control-Allow-Origin"] == "https://o.test")
        #expect(cors.headers["Access-Control-Allow-Credentials"] == "true")
        // A refused redirect is not delayed as the handler asked: the refusal is what is sent.
        #expect(respond("GET", "/mix/d=1/r=https%3A%2F%2Ftarget-url", headers: serverHost).status == 403)
    }

    @Test("through the router: the configured list replaces httpbun's default one")
    func configuredList() {
        let configuration = ServerConfiguration(allowedRedirectHosts: ["*.example.com"])
        let apex = respond("GET", "/redirect-to?url=https://example.com/", headers: serverHost, configuration: configuration)
        expectForbiddenRedirect(apex, "apex under a wildcard")
        let sub = respond("GET", "/redirect-to?url=https://api.example.com/", headers: serverHost, configuration: configuration)
        #expect(sub.status == 302)
        #expect(sub.headers["Location"] == "https://api.example.com/")
        // httpbun's defaults: example.com and httpbun.com, exactly.
        #expect(ServerConfiguration().allowedRedirectHosts == ["example.com", "httpbun.com"])
        #expect(respond("GET", "/redirect-to?url=https://httpbun.com/x", headers: serverHost).status == 302)
        expectForbiddenRedirect(respond("GET", "/redirect-to?url=https://www.httpbun.com/x", headers: serverHost), "www.httpbun.com")
        // Loopback passes whatever the list.
        let loopback = respond("GET", "/redirect-to?url=http://127.0.0.1:3090/get", headers: serverHost, configuration: configuration)
        #expect(loopback.status == 302)
    }
}

// The routes whose answers changed with the shape, nested so that one filter runs the file.
extension HTTPBunShapeTests {
    @Suite("httpbun's forwarded headers in the echo")
    struct ForwardedHeaders {
        @Test("origin: the last X-Httpbun-Forwarded-For, whole; X-Forwarded-For is any other header")
        func origin() throws {
            let ours = Router().respond(to: Request(
                method: "GET", target: "/ip",
                headers: ["X-Httpbun-Forwarded-For": "1.1.1.1", "X-HTTPBUN-FORWARDED-FOR": "12.34.56.78, 10.0.0.1"], remoteAddress: "10.9.8.7"))
            #expect(try ours.json == ["origin": "12.34.56.78, 10.0.0.1"])
            let theirs = Router().respond(to: Request(method: "GET", target: "/get", headers: ["X-Forwarded-For": "203.0.113.9"], remoteAddress: "10.9.8.7"))
            #expect(try theirs.json["origin"] == "10.9.8.7")
            #expect(try theirs.json["headers"]?["X-Forwarded-For"] == "203.0.113.9")
            // An empty last value is no value: the peer's address.
            let emptyLast = Router().respond(to: Request(
                method: "GET", target: "/ip", headers: HTTPHeaders([("X-Httpbun-Forwarded-For", "1.1.1.1"), ("X-Httpbun-Forwarded-For", "")]), remoteAddress: "10.9.8.7"))
            #expect(try emptyLast.json == ["origin": "10.9.8.7"])
        }

        @Test("scheme: the last X-Httpbun-Forwarded-Proto; X-Forwarded-Proto changes nothing")
        func scheme() throws {
            #expect(try respond("GET", "/get?a=1", headers: ["Host": "h.test", "X-Httpbun-Forwarded-Proto": "https"]).json["url"] == "https://h.test/get?a=1")
            #expect(try respond("GET", "/get", headers: ["Host": "h.test", "X-Forwarded-Proto": "https"]).json["url"] == "http://h.test/get")
            let twice = respond("GET", "/anything", headers: ["Host": "h.test", "X-Httpbun-Forwarded-Proto": "http", "x-httpbun-forwarded-proto": "https"])
            #expect(try twice.json["url"] == "https://h.test/anything")
        }

        @Test("X-Httpbun-* fields are hidden from every echo, however many fields come with them")
        func hidden() throws {
            let control: [(String, String)] = [("X-Httpbun-Forwarded-For", "1.2.3.4"), ("x-httpbun-forwarded-proto", "https"), ("X-Httpbun-Other", "z")]
            let few = HTTPHeaders([("Host", "h.test"), ("X-A", "1")] + control)
            let many = HTTPHeaders([("Host", "h.test")] + (0..<20).map { ("X-Field-\($0)", "\($0)") } + control)
            for headers in [few, many] {
                for target in ["/get", "/anything", "/headers", "/post"] {
                    let response = respond(target == "/post" ? "POST" : "GET", target, headers: headers)
                    let echoed = try #require(try response.json["headers"]?.objectValue, "\(target)")
                    #expect(!echoed.keys.contains { $0.lowercased().hasPrefix("x-httpbun-") }, "\(target): \(echoed.keys)")
                    #expect(echoed["Host"] == "h.test", "\(target)")
                    #expect(echoed.count == headers.count - control.count, "\(target)")
                }
            }
            // `X-Httpbun` itself, or a name merely containing it, is an ordinary header.
            let near = respond("GET", "/headers", headers: ["X-Httpbun": "a", "X-Not-Httpbun-Forwarded-For": "b"])
            #expect(try near.json["headers"]?["X-Httpbun"] == "a")
            #expect(try near.json["headers"]?["X-Not-Httpbun-Forwarded-For"] == "b")
        }

        @Test("a repeated header is a list, in wire order, under its canonical name")
        func repeatedHeaders() throws {
            let response = respond("GET", "/headers", headers: ["Host": "h.test", "x-multi": "1", "X-Multi": "2", "X-MULTI": "3", "X-One": "only"])
            #expect(try response.json["headers"] == ["Host": "h.test", "X-Multi": ["1", "2", "3"], "X-One": "only"])
            let echo = respond("GET", "/get", headers: ["Accept": "a/b", "accept": "c/d"])
            #expect(try echo.json["headers"]?["Accept"] == ["a/b", "c/d"])
        }
    }

    @Suite("httpbun's Digest: /digest-auth/{user}/{passwd} and /digest-auth/{qop}/{user}/{passwd}")
    struct Digest {
        static let realm = "httpbun realm"

        /// The challenge's nonce and opaque, or nil when it is not httpbun's exact form with this qop.
        static func challenge(_ response: Response, qop: String = "auth") -> (nonce: String, opaque: String)? {
            guard response.headers.values(for: "WWW-Authenticate").count == 1, let value = response.headers["WWW-Authenticate"] else { return nil }
            let prefix = "Digest realm=\"httpbun realm\", qop=\"\(qop)\", nonce=\""
            guard value.hasPrefix(prefix) else { return nil }
            let rest = value.dropFirst(prefix.count)
            guard let match = rest.wholeMatch(of: /([0-9a-f]{32})", opaque="([0-9a-f]{32})", algorithm=MD5, stale=FALSE/) else { return nil }
            return (String(match.1), String(match.2))
        }

        /// An `Authorization` value for these credentials, its `response` computed as a client would.
        static func authorization(
            user: String, password: String, method: String = "GET", uri: String, nonce: String = "0123456789abcdef0123456789abcdef",
            qop: String? = "auth", nc: String = "00000001", cnonce: String = "c0ffee", body: [UInt8] = [], responseOverride: String? = nil
        ) -> String {
            let response = responseOverride ?? DigestAuthentication.response(
                algorithm: .md5, username: user, realm: realm, password: password, method: method, uri: uri, nonce: nonce, nc: nc,
                cnonce: cnonce, qop: qop, body: body)
            var value = "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", algorithm=MD5, response=\"\(response)\", opaque=\"ffff\""
            if let qop { value += ", qop=\(qop), nc=\(nc), cnonce=\"\(cnonce)\"" }
            return value
        }

        @Test("no credentials: 401, httpbun's body and challenge, a fresh nonce each time, no cookie")
        func challengeShape() throws {
            for (path, qop) in [
                ("/digest-auth/dave/diamond", "auth"), ("/digest-auth/auth/dave/diamond", "auth"), ("/digest-auth/auth-int/dave/diamond", "auth-int"),
                ("/digest-auth/auth,auth-int/dave/diamond", "auth,auth-int"),
            ] {
                let response = respond("GET", path)
                #expect(response.status == 401, "\(path)")
                #expect(response.headers["Content-Type"] == "application/json")
                #expect(try response.json == ["authenticated": false, "token": "", "error": "missing authorization header"], "\(path)")
                let first = try #require(Self.challenge(response, qop: qop), "\(path): \(response.headers["WWW-Authenticate"] ?? "none")")
                #expect(first.nonce != first.opaque)
                #expect(response.headers["Set-Cookie"] == nil, "\(path)")
                let again = try #require(Self.challenge(respond("GET", path), qop: qop))
                #expect(again.nonce != first.nonce, "\(path)")
            }
            // Two Authorization fields are as good as none.
            let authorization = Self.authorization(user: "dave", password: "diamond", uri: "/digest-auth/dave/diamond")
            let twice = respond("GET", "/digest-auth/dave/diamond", headers: HTTPHeaders([("Authorization", authorization), ("Authorization", authorization)]))
            #expect(twice.status == 401)
            #expect(try twice.json["error"] == "missing authorization header")
        }

        @Test("seeded services give the same challenge: the nonce comes from the route's randomness")
        func seededChallenge() throws {
            func challenge() throws -> String {
                let router = Router(services: RouteServices(now: { 0 }, seed: 42))
                return try #require(router.respond(to: Request(method: "GET", target: "/digest-auth/u/p")).headers["WWW-Authenticate"])
            }
            #expect(try challenge() == challenge())
        }

        @Test("the right response for the request's method and path: 200 with the user")
        func success() throws {
            for (method, path, qop) in [
                ("GET", "/digest-auth/dave/diamond", "auth"), ("POST", "/digest-auth/auth/dave/diamond", "auth"),
                ("DELETE", "/digest-auth/auth,auth-int/dave/diamond", "auth"), ("GET", "/digest-auth/auth,auth-int/dave/diamond", "auth-int"),
            ] {
                let authorization = Self.authorization(user: "dave", password: "diamond", method: method, uri: path, qop: qop)
                let response = respond(method, path, headers: ["Authorization": authorization])
                #expect(response.status == 200, "\(method) \(path) \(qop): \(response.bodyText)")
                #expect(response.headers["Content-Type"] == "application/json")
                #expect(try response.json == ["authenticated": true, "user": "dave"])
                #expect(response.headers["WWW-Authenticate"] == nil)
                #expect(response.headers["Set-Cookie"] == nil)
            }
            // RFC 2069 (no qop) on the short form, which names none.
            let legacy = Self.authorization(user: "dave", password: "diamond", uri: "/digest-auth/dave/diamond", qop: nil)
            #expect(respond("GET", "/digest-auth/dave/diamond", headers: ["Authorization": legacy]).status == 200)
            // auth-int digests the body.
            let body = Array("{\"a\": 1}".utf8)
            let path = "/digest-auth/auth-int/dave/diamond"
            let integrity = Self.authorization(user: "dave", password: "diamond", method: "POST", uri: path, qop: "auth-int", body: body)
            #expect(respond("POST", path, headers: ["Authorization": integrity], body: body).status == 200)
            #expect(respond("POST", path, headers: ["Authorization": integrity], body: Array("{\"a\": 2}".utf8)).status == 401)
            // The digest covers the path, not the query.
            let queried = Self.authorization(user: "dave", password: "diamond", uri: "/digest-auth/dave/diamond")
            #expect(respond("GET", "/digest-auth/dave/diamond?x=1", headers: ["Authorization": queried]).status == 200)
            // Under a path prefix the path is the whole one, prefix included (Go's URL.Path).
            let prefixed = Self.authorization(user: "dave", password: "diamond", uri: "/bun/digest-auth/dave/diamond")
            #expect(respond("GET", "/bun/digest-auth/dave/diamond", headers: ["Authorization": prefixed],
                            configuration: ServerConfiguration(pathPrefix: "/bun")).status == 200)
        }

        @Test("httpbun's own test vectors")
        func goVectors() throws {
            // api-tests/auth_digest_test.go, TestDigestAuthSuccess.
            let header = "Digest username=\"dave\", realm=\"httpbun realm\", nonce=\"d9fc96d7fe39099441042eea21006d77\", uri=\"/digest-auth/auth/dave/diamond\", algorithm=MD5, response=\"57bca3e3d15d4a5123275ce36347ed00\", opaque=\"362d9b0fe6787b534eb27677f4210b61\", qop=auth, nc=00000001, cnonce=\"bb2ec71d21a27e19\""
            let response = respond("GET", "/digest-auth/auth/dave/diamond", headers: ["Cookie": "nonce=d9fc96d7fe39099441042eea21006d77", "Authorization": header])
            #expect(response.status == 200)
            #expect(try response.json == ["authenticated": true, "user": "dave"])
            #expect(response.headers["Set-Cookie"] == nil)
            // routes/auth/digest_test.go, TestComputeDigestAuthResponse.
            let computed = Self.authorization(
                user: "user", password: "pass", uri: "/digest-auth/auth/user/pass", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", cnonce: "0a4f113b",
                responseOverride: "c5d791b53f3e025c29bb9d812e2ccee1")
            #expect(respond("GET", "/digest-auth/auth/user/pass", headers: ["Authorization": computed]).status == 200)
        }

        @Test("a wrong password, user or qop: 401 with httpbun's error and a fresh challenge")
        func failures() throws {
            let path = "/digest-auth/auth/dave/diamond"
            let wrong = Self.authorization(user: "dave", password: "ruby", uri: path)
            let response = respond("GET", path, headers: ["Authorization": wrong])
            #expect(response.status == 401)
            let expected = DigestAuthentication.response(
                algorithm: .md5, username: "dave", realm: Self.realm, password: "diamond", method: "GET", uri: path,
                nonce: "0123456789abcdef0123456789abcdef", nc: "00000001", cnonce: "c0ffee", qop: "auth")
            let given = DigestAuthentication.response(
                algorithm: .md5, username: "dave", realm: Self.realm, password: "ruby", method: "GET", uri: path,
                nonce: "0123456789abcdef0123456789abcdef", nc: "00000001", cnonce: "c0ffee", qop: "auth")
            #expect(try response.json == [
                "authenticated": false, "token": "", "error": .string("Error: \"Response code mismatch\"\nGiven: \"\(given)\"\nExpected: \"\(expected)\""),
            ])
            #expect(Self.challenge(response) != nil)
            // httpbun's api test: another user's credentials, as a whole header line.
            let other = "Authorization: Digest username=\"dave2\", realm=\"httpbun realm\", nonce=\"0801ff8cf72e952e08643d2dc735231d\", uri=\"/digest-auth/auth/dave/diamond\", algorithm=MD5, response=\"72cdee27bacbfa650470d0428fe7c4e8\", opaque=\"74061f9b6361455b1a7a74c5b075fd98\", qop=auth, nc=00000001, cnonce=\"810eae48ae823e66\""
            let mismatch = respond("GET", path, headers: ["Authorization": other])
            #expect(mismatch.status == 401)
            #expect(try mismatch.json["error"]?.stringValue?.contains("Response code mismatch") == true)
            #expect(mismatch.headers["Set-Cookie"] == nil)
            // A qop the path does not offer.
            let intOnly = Self.authorization(user: "dave", password: "diamond", uri: "/digest-auth/auth-int/dave/diamond", qop: "auth")
            let unsupported = respond("GET", "/digest-auth/auth-int/dave/diamond", headers: ["Authorization": intOnly])
            #expect(unsupported.status == 401)
            #expect(try unsupported.json["error"] == "Error: \"Unsupported QOP\"\n")
            #expect(Self.challenge(unsupported, qop: "auth-int") != nil)
        }

        @Test("?require-cookie=true: the challenge's nonce as a cookie, wanted back")
        func requireCookie() throws {
            let path = "/digest-auth/auth/dave/diamond"
            for flag in ["true", "1", "t"] {
                let challenged = respond("GET", path + "?require-cookie=" + flag)
                #expect(challenged.status == 401)
                let nonce = try #require(Self.challenge(challenged)?.nonce, "\(flag)")
                #expect(challenged.headers.values(for: "Set-Cookie") == ["nonce=" + nonce], "\(flag)")
            }
            for flag in ["yes", "false", "", "TRUE"] {
                #expect(respond("GET", path + "?require-cookie=" + flag).headers["Set-Cookie"] == nil, "\(flag)")
            }
            #expect(respond("GET", path + "?require-cookie=true&require-cookie=true").headers["Set-Cookie"] == nil, "one value only, as httpbun reads it")

            let target = path + "?require-cookie=true"
            let nonce = "feedfacefeedfacefeedfacefeedface"
            let authorization = Self.authorization(user: "dave", password: "diamond", uri: path, nonce: nonce)
            let good = respond("GET", target, headers: ["Cookie": "other=1; nonce=\(nonce)", "Authorization": authorization])
            #expect(good.status == 200)
            #expect(try good.json == ["authenticated": true, "user": "dave"])
            #expect(good.headers["Set-Cookie"] == nil)

            let stale = respond("GET", target, headers: ["Cookie": "nonce=0000", "Authorization": authorization])
            #expect(stale.status == 401)
            #expect(try stale.json["error"] == .string("Error: \"Nonce mismatch\"\nGiven: \"\(nonce)\"\nExpected: \"0000\""))
            let fresh = try #require(Self.challenge(stale)?.nonce)
            #expect(stale.headers.values(for: "Set-Cookie") == ["nonce=" + fresh])

            let noCookie = respond("GET", target, headers: ["Authorization": authorization])
            #expect(noCookie.status == 401)
            #expect(try noCookie.json["error"] == "Error: \"Missing nonce cookie\"\n")
            // Without the flag, any nonce is taken and the cookie is not read.
            #expect(respond("GET", path, headers: ["Cookie": "nonce=0000", "Authorization": authorization]).status == 200)
        }
    }

    @Suite("httpbun's /delay and /health")
    struct DelayAndHealth {
        @Test("/delay/{seconds}: OK as text, sent after the wait")
        func delay() {
            for (seconds, wait) in [("1.5", Duration.milliseconds(1500)), ("0", .zero), ("0.25", .milliseconds(250)), ("60", .seconds(60))] {
                let response = respond("GET", "/delay/" + seconds)
                #expect(response.status == 200, "\(seconds)")
                #expect(response.bodyText == "OK")
                #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
                #expect(response.delay == wait, "\(seconds)")
            }
            #expect(respond("DELETE", "/delay/1").delay == .seconds(1))
            let long = respond("GET", "/delay/300", configuration: ServerConfiguration(maxDuration: .seconds(300)))
            #expect(long.status == 200)
            #expect(long.delay == .seconds(300))
        }

        @Test("/delay errors in httpbun's words, none of them delayed")
        func delayErrors() {
            for (seconds, message) in [
                ("abc", "Invalid delay: strconv.ParseFloat: parsing \"abc\": invalid syntax"),
                ("-1", "Delay can't be greater than 300 or less than 0"),
                ("301", "Delay can't be greater than 300 or less than 0"),
            ] {
                let response = respond("GET", "/delay/" + seconds, configuration: ServerConfiguration(maxDuration: .seconds(1000)))
                #expect(response.status == 400, "\(seconds)")
                #expect(response.bodyText == message, "\(seconds)")
                #expect(response.delay == .zero)
            }
            // This server's ceiling, below httpbun's.
            let capped = respond("GET", "/delay/61")
            #expect(capped.status == 400)
            #expect(capped.bodyText.contains("--max-duration"))
            #expect(capped.delay == .zero)
        }

        @Test("/health: ok, whatever the method")
        func health() {
            for method in ["GET", "POST", "HEAD", "OPTIONS", "PUT"] {
                let response = respond(method, "/health")
                #expect(response.status == 200, "\(method)")
                #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
                #expect(response.headers["X-Powered-By"] == "httpbun/")
                if method != "HEAD" { #expect(response.bodyText == "ok", "\(method)") }
            }
        }
    }

    @Suite("httpbun's redirect chain and /redirect-to")
    struct Redirects {
        static func page(_ location: String) -> String {
            """
            <!doctype html>
            <title>Redirecting...</title>
            <h1>Redirecting...</h1>
            <p>You should be redirected automatically to target URL: <a href="\(location)">\(location)</a>.  If not click the link.</p>

            """
        }

        @Test("each hop relative to the last, the last to ../anything; absolute ones from the root, the last to /anything")
        func chain() {
            for (target, location) in [
                ("/redirect/4", "3"), ("/redirect/2", "1"), ("/redirect/1", "../anything"), ("/redirect/0", "../anything"),
                ("/relative-redirect/4", "3"), ("/relative-redirect/1", "../anything"), ("/absolute-redirect/4", "/absolute-redirect/3"),
                ("/absolute-redirect/1", "/anything"), ("/redirect/20", "19"), ("/absolute-redirect/20", "/absolute-redirect/19"),
                ("/redirect/007", "6"),
            ] {
                for method in ["GET", "POST"] {
                    let response = respond(method, target)
                    #expect(response.status == 302, "\(method) \(target)")
                    #expect(response.headers.values(for: "Location") == [location], "\(method) \(target)")
                    #expect(response.headers["Content-Type"] == "text/html; charset=utf-8", "\(target)")
                    #expect(response.bodyText == Self.page(location), "\(target)")
                }
            }
        }

        @Test("more than 20 hops: 400 in httpbun's words; anything but digits: no route")
        func limits() {
            for count in ["21", "40", "99999999999999999999"] {
                for family in ["redirect", "relative-redirect", "absolute-redirect"] {
                    let response = respond("GET", "/\(family)/\(count)")
                    #expect(response.status == 400, "\(family)/\(count)")
                    #expect(response.bodyText == "count cannot be greater than 20")
                    #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
                    #expect(response.headers["Location"] == nil)
                }
            }
            for count in ["-5", "abc", "1.5", "+2", "%32"] {
                let response = respond("GET", "/redirect/" + count)
                #expect(response.status == 404, "\(count)")
                #expect(response.bodyText == "404 page not found\n", "\(count)")
                #expect(response.headers["Location"] == nil)
            }
        }

        @Test("paths from the root stay under the path prefix; relative ones need not")
        func prefix() {
            let configuration = ServerConfiguration(pathPrefix: "/bun/")
            #expect(respond("GET", "/bun/absolute-redirect/3", configuration: configuration).headers["Location"] == "/bun/absolute-redirect/2")
            #expect(respond("GET", "/bun/absolute-redirect/1", configuration: configuration).headers["Location"] == "/bun/anything")
            let last = respond("GET", "/bun/absolute-redirect/1", configuration: configuration)
            #expect(last.bodyText == Self.page("/bun/anything"))
            #expect(respond("GET", "/bun/redirect/3", configuration: configuration).headers["Location"] == "2")
            #expect(respond("GET", "/bun/redirect/1", configuration: configuration).headers["Location"] == "../anything")
        }

        @Test("/redirect is /redirect-to: the url as given, 302 unless a 3xx status_code or status says otherwise")
        func redirectTo() {
            for path in ["/redirect-to", "/redirect"] {
                let plain = respond("GET", path + "?url=%2Fget%3Fa%3D1")
                #expect(plain.status == 302, "\(path)")
                #expect(plain.headers["Location"] == "/get?a=1")
                #expect(respond("PUT", path + "?url=/x&status_code=307").status == 307, "\(path)")
                #expect(respond("GET", path + "?url=/x&status=301").status == 301, "\(path)")
                #expect(respond("GET", path + "?url=/x&status_code=308&status=301").status == 308, "status_code first")
                #expect(respond("GET", path + "?url=/x&status_code=200").status == 302, "outside 300-399: 302")
                #expect(respond("GET", path + "?url=/x&status_code=%2B303").status == 303, "Go's Atoi takes a sign")
                let notNumber = respond("GET", path + "?url=/x&status_code=3o1")
                #expect(notNumber.status == 400)
                #expect(notNumber.bodyText == "status_code must be an integer")
                let missing = respond("GET", path + "?status_code=301")
                #expect(missing.status == 400)
                #expect(missing.bodyText == "Need url parameter")
                #expect(missing.headers["Location"] == nil)
            }
            // httpbun's api test: an encoded absolute url to a listed host.
            let encoded = respond("GET", "/redirect?url=https%3A%2F%2Fexample.com")
            #expect(encoded.status == 302)
            #expect(encoded.headers["Location"] == "https://example.com")
        }
    }
}
