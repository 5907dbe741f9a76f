@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("Router: 404, 405, OPTIONS, CORS, HEAD, path prefix")
struct RouterTests {
    @Test("paths split into their non-empty segments, bytes kept as sent", arguments: [
        ("/", []),
        ("/get", ["get"]),
        ("//get//x/", ["get", "x"]),
        ("/anything/a%2Fb/\u{E9}t\u{E9}", ["anything", "a%2Fb", "\u{E9}t\u{E9}"]),
        ("/a-rather-long-segment-past-a-small-string/b", ["a-rather-long-segment-past-a-small-string", "b"]),
        // A combining mark after `/` joins it in one Character; the split is by bytes all the same.
        ("/x/\u{301}y/", ["x", "\u{301}y"]),
    ])
    func segments(path: String, expected: [String]) {
        func segments(of text: Substring) -> [String] {
            var text = text
            return text.withUTF8 { bytes in
                Router.withSegments(of: bytes) { ranges in ranges.map { String(decoding: bytes[$0], as: UTF8.self) } }
            }
        }
        #expect(segments(of: path[...]) == expected)
        // A slice of a longer target, as the router gets it, splits alike.
        let target = "/prefix" + path + "?q=/x/y"
        #expect(segments(of: target.dropFirst("/prefix".count).prefix(path.count)) == expected)
    }

    @Test("the bytes index finds every key by its bytes and nothing else")
    func bytesIndex() {
        // Keys that share prefixes, differ by case or by one byte, and enough of them to collide.
        // Bytes, not canonical equivalence: "é" does not find the decomposed "e\u{301}".
        var keys = ["get", "g", "ge", "gett", "GET", "anything", "any", "é", "a b", ""]
        keys += (0..<300).map { "k\($0)" }
        // Each key's own value, so finding a wrong key of the same length cannot pass.
        let index = BytesIndex(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) }))
        for (offset, key) in keys.enumerated() {
            #expect(index.value(for: key[...]) == offset, "\(key)")
            // A slice of a longer text, as the router passes it.
            let text = "/" + key + "/rest"
            #expect(index.value(for: text.dropFirst().prefix(key.count)) == offset, "\(key) in \(text)")
        }
        for missing in ["gets", "Get", "k300", "k-1", "any thing", "e\u{301}", "\u{e9}\u{301}", "ab"] {
            #expect(index.value(for: missing[...]) == nil, "\(missing)")
        }
        #expect(BytesIndex<Int>([:]).value(for: "get") == nil)
        #expect(BytesIndex<Int>([:]).value(for: "") == nil)
    }

    @Test("a literal path's shortcut answers what the general search answers, every route, method and flavor")
    func literalShortcutAgreesWithSearch() {
        for flavor in ServerConfiguration.Flavor.allCases {
            let routes = flavor.endpoints.map(\.route)
            let table = RouteTable(routes: routes, refusesPath: flavor.refusesPath)
            var shortcuts = 0
            // Every route's pattern with parameters filled in, so literal and non-literal paths both come up.
            func sample(_ segment: Route.Segment) -> String {
                switch segment {
                case .literal(let text): text
                case .parameter: "7"
                case .rest: "a/b"
                }
            }
            let filled: [String] = routes.map { route in "/" + route.segments.map(sample).joined(separator: "/") }
            let paths = Set(filled).union(["/", "/get/", "//get", "/nope"])
            for path in paths.sorted() {
                for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"] {
                    let bytes = Array(path.utf8)
                    var allowed: Set<String> = []
                    let (literal, searched) = bytes.withUnsafeBufferPointer { bytes in
                        (table.findLiteral(bytes, method: method),
                         Router.withSegments(of: bytes) { table.find(bytes, $0, routePath: path[...], method: method, allowed: &allowed) })
                    }
                    guard let literal else { continue }
                    shortcuts += 1
                    let same = searched.map {
                        $0.routes[$0.index].segments == literal.routes[literal.index].segments
                            && $0.routes[$0.index].methods == literal.routes[literal.index].methods && $0.parameters == literal.parameters
                    }
                    #expect(same == true, "\(flavor) \(method) \(path)")
                }
            }
            // The shortcut is taken where it should be, and only there.
            #expect(shortcuts > 30, "\(flavor): \(shortcuts)")
            #expect(Array("/get".utf8).withUnsafeBufferPointer { table.findLiteral($0, method: "GET") } != nil)
            #expect(Array("/get".utf8).withUnsafeBufferPointer { table.findLiteral($0, method: "OPTIONS") } == nil)
            #expect(Array("/get/".utf8).withUnsafeBufferPointer { table.findLiteral($0, method: "GET") } == nil)
            #expect(Array("/status/200".utf8).withUnsafeBufferPointer { table.findLiteral($0, method: "GET") } == nil)
        }
    }

    @Test("a target is refused when it is not a path or holds control bytes")
    func malformedTargets() {
        #expect(respond("GET", "get").status == 400)
        #expect(respond("GET", "/get\u{7F}").status == 400)
        #expect(respond("GET", "/get?a=\u{1}").status == 400)
        #expect(respond("GET", "/get?a=1").status == 200)
        // Only `OPTIONS` may ask about `*`.
        #expect(respond("GET", "*").status == 400)
    }

    /// A 2xx to CONNECT tells a client its tunnel is open, even on a route that takes every method.
    @Test("CONNECT is 501 and closes, whatever the target: this server is no proxy")
    func connectIsNotImplemented() throws {
        for flavor in ServerConfiguration.Flavor.allCases {
            for target in ["127.0.0.1:443", "/anything", "/get"] {
                let response = respond("CONNECT", target, configuration: ServerConfiguration(flavor: flavor))
                #expect(response.status == 501, "\(flavor) \(target)")
                #expect(response.headers["Connection"] == "close")
                #expect(try response.json["error"] != nil)
            }
        }
        // Any other method with an authority for a target is a malformed target.
        #expect(respond("GET", "127.0.0.1:443").status == 400)
    }

    /// RFC 9110 §9.3.2: a HEAD answer carries the header fields GET's would, Content-Length
    /// included; the echo once named HEAD in its body and announced a length one byte off.
    @Test("HEAD announces the GET answer's length", arguments: ["/get", "/anything/x?a=1", "/headers", "/ip", "/json", "/bytes/10?seed=1", "/status/418"])
    func headMatchesGet(target: String) {
        for flavor in ServerConfiguration.Flavor.allCases {
            let configuration = ServerConfiguration(flavor: flavor)
            let get = respond("GET", target, configuration: configuration)
            let head = respond("HEAD", target, configuration: configuration)
            #expect(head.status == get.status, "\(flavor) \(target)")
            #expect(head.bodyBytes == get.bodyBytes, "\(flavor) \(target)")
            #expect(head.headers["Content-Type"] == get.headers["Content-Type"], "\(flavor) \(target)")
        }
    }

    @Test("OPTIONS * is about the whole server: 200, no body, the methods it takes, CORS as any preflight")
    func optionsAsterisk() {
        let response = respond("OPTIONS", "*", headers: ["Origin": "https://a.test", "Access-Control-Request-Method": "PUT"])
        #expect(response.status == 200)
        guard case .bytes(let body) = response.body, body.isEmpty else {
            Issue.record("OPTIONS * has a body: \(response.body)")
            return
        }
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
        #expect(response.headers["Access-Control-Allow-Methods"] == "PUT")
        #expect(response.headers["Access-Control-Allow-Origin"] == "https://a.test")
        let httpbin = Router(configuration: ServerConfiguration(flavor: .httpbin)).respond(to: Request(method: "OPTIONS", target: "*"))
        #expect(httpbin.status == 200)
        #expect(httpbin.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE")  // httpbin's /anything takes TRACE
        // The list is the routes' own: another catalogue lists other methods.
        let custom = Router(routes: [Route(["PUT"], "/a", { _ in Response() }), Route(nil, "/any", { _ in Response() })])
        #expect(custom.respond(to: Request(method: "OPTIONS", target: "*")).headers["Allow"] == "OPTIONS, PUT")
        // A path prefix does not apply to `*`: it names no path.
        let prefixed = Router(configuration: ServerConfiguration(pathPrefix: "/bun")).respond(to: Request(method: "OPTIONS", target: "*"))
        #expect(prefixed.status == 200)
    }

    @Test("unknown routes are Go's plain-text 404, as httpbun answers")
    func notFound() throws {
        let response = respond("GET", "/nope/%E2%82%AC")
        #expect(response.status == 404)
        #expect(response.bodyText == "404 page not found\n")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["X-Powered-By"] == "httpbun/")
    }

    @Test("OPTIONS goes to the route's handler, as in httpbun; CORS answers the preflight's questions")
    func preflight() throws {
        let response = respond(
            "OPTIONS", "/post",
            headers: ["Origin": "https://app.test", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "X-A, Content-Type"])
        #expect(response.status == 200)
        #expect(try response.json["method"] == "OPTIONS")
        #expect(response.headers["Access-Control-Allow-Methods"] == "PUT")
        #expect(response.headers["Access-Control-Allow-Headers"] == "X-A, Content-Type")
        #expect(response.headers["Access-Control-Allow-Origin"] == "https://app.test")
        #expect(response.headers["Access-Control-Allow-Credentials"] == "true")
        let plain = respond("OPTIONS", "/get", headers: [:])
        #expect(plain.status == 200)
        #expect(plain.headers["Access-Control-Allow-Methods"] == nil)
        #expect(plain.headers["Access-Control-Allow-Headers"] == nil)
        #expect(plain.headers["Access-Control-Allow-Origin"] == nil, "httpbun never answers *")
        #expect(respond("OPTIONS", "/nope").status == 404)
        // The last Origin is the one httpbun reads.
        let twice = respond("GET", "/get", headers: ["Origin": "https://first.test", "origin": "https://last.test"])
        #expect(twice.headers["Access-Control-Allow-Origin"] == "https://last.test")
    }

    @Test("CORS echoes Origin on every response, errors included")
    func corsOnErrors() {
        let response = respond("GET", "/nope", headers: ["Origin": "http://x.test"])
        #expect(response.headers["Access-Control-Allow-Origin"] == "http://x.test")
        #expect(response.headers["Access-Control-Allow-Credentials"] == "true")
    }

    @Test("JSON answers share one header set, and changing one answer's headers changes no other")
    func sharedJSONHeaders() {
        let router = Router()
        let extra = router.respond(to: Request(method: "GET", target: "/response-headers?X-Extra=1"))
        #expect(extra.headers["X-Extra"] == "1")
        var plain = router.respond(to: Request(method: "GET", target: "/get"))
        #expect(plain.headers.fields.map(\.name) == ["Content-Type", "X-Powered-By"])
        #expect(plain.headers["Content-Type"] == "application/json")
        #expect(plain.headers["X-Powered-By"] == "httpbun/")
        plain.headers.add("X-Mine", "1")
        let withOrigin = router.respond(to: Request(method: "GET", target: "/get", headers: ["Origin": "http://o.test"]))
        #expect(withOrigin.headers["Access-Control-Allow-Origin"] == "http://o.test")
        #expect(withOrigin.headers["Access-Control-Allow-Credentials"] == "true")
        let again = router.respond(to: Request(method: "GET", target: "/get"))
        #expect(again.headers.fields.map(\.name) == ["Content-Type", "X-Powered-By"])
        let text = router.respond(to: Request(method: "GET", target: "/robots.txt"))
        #expect(text.headers["X-Powered-By"] == "httpbun/")
        #expect(text.headers["Access-Control-Allow-Origin"] == nil)
        #expect(text.headers["Content-Type"] != "application/json")
    }

    @Test("--path-prefix serves under the prefix and 404s outside it")
    func pathPrefix() throws {
        let configuration = ServerConfiguration(pathPrefix: "/bun/")
        #expect(respond("GET", "/bun/get", configuration: configuration).status == 200)
        #expect(try respond("GET", "/bun/get?a=1", configuration: configuration).json["url"] == "http://example.com/bun/get?a=1")
        #expect(respond("GET", "/get", configuration: configuration).status == 404)
        #expect(respond("GET", "/bunget", configuration: configuration).status == 404)
        let redirect = respond("GET", "/bun/cookies/set?a=1", configuration: configuration)
        #expect(redirect.headers["Location"] == "/bun/cookies")
    }

    @Test("/health answers at the root as well as under a path prefix, for probes that know no prefix")
    func healthAtRootUnderPrefix() throws {
        for flavor in ServerConfiguration.Flavor.allCases {
            let configuration = ServerConfiguration(pathPrefix: "bun", flavor: flavor)
            for target in ["/health", "/health?probe=1", "/bun/health"] {
                let response = respond("GET", target, configuration: configuration)
                #expect(response.status == 200, "\(flavor) \(target)")
                #expect(response.bodyText == "ok", "\(flavor) \(target)")
            }
            #expect(respond("HEAD", "/health", configuration: configuration).status == 200)
            // Only /health: nothing else, not even a path below it, answers outside the prefix.
            for target in ["/get", "/health/x", "/healthz", "/"] {
                #expect(respond("GET", target, configuration: configuration).status == 404, "\(flavor) \(target)")
            }
        }
    }

    @Test("--tls-client-ca: without a verified client certificate only /health answers (root or prefixed); with one, every route")
    func clientCertificateRequiredButForHealth() {
        for flavor in ServerConfiguration.Flavor.allCases {
            var configuration = ServerConfiguration(pathPrefix: "bun", flavor: flavor)
            configuration.tlsClientCA = "-----BEGIN CERTIFICATE-----"   // the router only asks whether one is set
            let router = Router(configuration: configuration)
            for target in ["/health", "/bun/health"] {
                #expect(router.respond(to: Request(method: "GET", target: target, headers: ["Host": "x"])).status == 200, "\(flavor) \(target)")
            }
            for target in ["/bun/get", "/bun/healthz", "/bun/health/x", "/get"] {
                #expect(router.respond(to: Request(method: "GET", target: target, headers: ["Host": "x"])).status == 403, "\(flavor) \(target)")
            }
            var verified = Request(method: "GET", target: "/bun/get", headers: ["Host": "x"])
            verified.clientCertificateSubject = "CN=client"
            #expect(router.respond(to: verified).status == 200, "\(flavor)")
        }
    }

    @Test("a path prefix is normalised as httpbun does: slashes trimmed, one leading slash")
    func pathPrefixNormalised() {
        let cases = ["": "", "/": "", "//": "", "p": "/p", "/p": "/p", "p/": "/p", "/p/": "/p", "//p//": "/p", "a/b/": "/a/b"]
        for (given, normalised) in cases {
            #expect(ServerConfiguration.normalize(pathPrefix: given) == normalised, "\(given)")
            #expect(ServerConfiguration(pathPrefix: given).normalizedPathPrefix == normalised, "\(given)")
        }
        #expect(respond("GET", "/p/get", configuration: ServerConfiguration(pathPrefix: "p/")).status == 200)
    }

    @Test("a handler's routePath is the raw path below the prefix, / for the prefix itself")
    func routePathBelowPrefix() {
        let routes = [
            Route(nil, "/", { .text(String($0.routePath)) }),
            Route(nil, "/a/{rest*}", { .text(String($0.routePath)) }),
            Route(["GET"], "/lit", { .text(String($0.routePath)) }),
        ]
        let plain = Router(routes: routes)
        let prefixed = Router(configuration: ServerConfiguration(pathPrefix: "/bun"), routes: routes)
        let cases: [(router: Router, target: String, routePath: String)] = [
            (plain, "/a/b%20c//d?q=1#f", "/a/b%20c//d"), (plain, "/lit", "/lit"), (plain, "/lit?x", "/lit"),
            (plain, "/", "/"), (prefixed, "/bun/a/x?y", "/a/x"), (prefixed, "/bun/lit#f", "/lit"), (prefixed, "/bun", "/"),
            (prefixed, "/bun/?q", "/"),
        ]
        for (router, target, routePath) in cases {
            let response = router.respond(to: Request(method: "GET", target: target))
            #expect(response.status == 200, "\(target)")
            #expect(response.bodyText == routePath, "\(target)")
        }
        #expect(prefixed.respond(to: Request(method: "GET", target: "/lit")).status == 404)
    }

    @Test("path parameters are percent-decoded")
    func parameterDecoding() {
        let response = respond("GET", "/cookies/set/a%20b/c%2Fd")
        #expect(response.status == 400, "a space is not valid in a cookie name")
        let ok = respond("GET", "/cookies/set/name/c%2Fd")
        #expect(ok.headers["Set-Cookie"] == "name=c/d; Path=/")
    }
}

@Suite("Inspection, health")
struct InspectionTests {
    @Test("/headers, /ip, /user-agent")
    func inspection() throws {
        let headers: HTTPHeaders = ["Host": "h", "User-Agent": "MyBot", "Authorization": "Bearer TOKEN"]
        #expect(
            respond("GET", "/headers", headers: headers).bodyText
                == "{\n  \"headers\": {\n    \"Host\": \"h\",\n    \"User-Agent\": \"MyBot\",\n    \"Authorization\": \"Bearer TOKEN\"\n  }\n}\n")
        #expect(respond("GET", "/ip").bodyText == "{\n  \"origin\": \"127.0.0.1\"\n}\n")
        #expect(try respond("GET", "/user-agent", headers: headers).json == ["user-agent": "MyBot"])
    }

    @Test("/uuid is a fresh version-4 UUID each time")
    func uuid() throws {
        let first = try #require(try respond("GET", "/uuid").json["uuid"]?.stringValue)
        let second = try #require(try respond("GET", "/uuid").json["uuid"]?.stringValue)
        #expect(first != second)
        let pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(first.wholeMatch(of: pattern) != nil)
    }

    @Test("/payload returns the body with its content type")
    func payload() {
        let response = respond("POST", "/payload", headers: ["Content-Type": "text/csv"], text: "a,b\n1,2\n")
        #expect(response.headers["Content-Type"] == "text/csv")
        #expect(response.bodyText == "a,b\n1,2\n")
        #expect(respond("POST", "/payload", body: [1, 2]).headers["Content-Type"] == nil, "httpbun sends none when none came")
    }

    @Test("/health")
    func health() {
        let response = respond("GET", "/health")
        #expect(response.status == 200)
        #expect(response.bodyText == "ok")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(respond("POST", "/health").bodyText == "ok", "httpbun's /health takes any method")
    }
}
