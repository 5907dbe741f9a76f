import Foundation
@testable import HTTPBunCore
import Testing

/// The catalogue is the one table every endpoint is listed in; routing and `Allow` come from it.
@Suite("The endpoint catalogue")
struct CatalogueTests {
    @Test("each pattern is listed once, with a family, a summary and a pattern that parses")
    func entriesAreWellFormed() {
        var seen: Set<String> = []
        for endpoint in Catalogue.endpoints {
            #expect(seen.insert(endpoint.pattern).inserted, "\(endpoint.pattern) is listed twice")
            #expect(endpoint.pattern.hasPrefix("/"))
            #expect(!endpoint.summary.isEmpty && endpoint.summary.hasSuffix("."), "\(endpoint.pattern): a one-line summary")
            #expect(endpoint.route.segments.count == endpoint.pattern.split(separator: "/").count)
            #expect(Set(endpoint.pathParameters).count == endpoint.pathParameters.count, "\(endpoint.pattern)")
        }
        #expect(Catalogue.endpoints.count >= 66)
        #expect(Set(Catalogue.endpoints.map(\.family)) == Set(Endpoint.Family.allCases), "no family is empty")
    }

    @Test("every flavor override replaces a catalogue endpoint: none is dropped silently", arguments: Flavor.allCases)
    func overridesNameCataloguePatterns(flavor: Flavor) {
        let patterns = Set(Catalogue.endpoints.map(\.pattern))
        for override in flavor.overrides {
            #expect(patterns.contains(override.pattern), "\(flavor): \(override.pattern) is not in the catalogue")
        }
        #expect(flavor.endpoints.map(\.pattern) == Catalogue.endpoints.map(\.pattern), "a flavor keeps the table's order")
    }

    @Test("the router serves each flavor's table: every endpoint answers its methods and lists them in Allow", arguments: Flavor.allCases)
    func routerFollowsTheTable(flavor: Flavor) {
        // A journal holding one entry, as a running server's would: without one, /_journal is a 404 saying it is off.
        let journal = RequestJournal(entryLimit: 10, byteLimit: 1 << 20, now: { 1_767_225_600 })
        journal.record(client: "127.0.0.1", method: "GET", target: "/get", headers: [:], body: [], status: 200, responseBytes: 2)
        let router = Router(configuration: ServerConfiguration(flavor: flavor), services: RouteServices(now: { 1_767_225_600 }, journal: journal))
        // Every listed endpoint: httpbun answers bare /digest-auth and /bearer with a 404 that says
        // what the path needs, and httpbin has no bare /digest-auth or /bytes (Flask's 404), so the
        // flavors route but do not list them.
        #expect(flavor.endpoints.count - flavor.listedEndpoints.count == 2)
        for endpoint in flavor.listedEndpoints {
            // The path the home page links to: every example must reach its own endpoint.
            let path = endpoint.examplePath
            // /fault/close answers nothing at all; /hidden-basic-auth hides itself with a 404.
            guard endpoint.pattern != "/fault/close", endpoint.family != .auth || !endpoint.pattern.hasPrefix("/hidden") else { continue }
            // The LLM mocks take every method to their handlers, which answer httpbun's own 405 to all
            // but POST (LLMTests); an empty POST reaches them, and is httpbun's 400.
            let method = endpoint.methods?.first ?? (endpoint.family == .llm ? "POST" : "GET")
            let answer = router.respond(to: Request(method: method, target: path, headers: ["Host": "h"]))
            #expect(answer.status != 404 && answer.status != 405 && answer.status < 500, "\(flavor) \(method) \(path): \(answer.status)")
            guard let methods = endpoint.methods else { continue }
            let refused = router.respond(to: Request(method: "BREW", target: endpoint.examplePath, headers: ["Host": "h"]))
            #expect(refused.status == 405, "\(flavor) BREW \(path)")
            var allow = Set(methods + ["OPTIONS"])
            if allow.contains("GET") { allow.insert("HEAD") }
            #expect(refused.headers["Allow"] == allow.sorted().joined(separator: ", "), "\(flavor) \(path)")
        }
    }

    @Test("the flavor decides the shapes of what no endpoint answers")
    func flavorShapes() {
        let httpbun = Router(configuration: ServerConfiguration(flavor: .httpbun))
        let httpbin = Router(configuration: ServerConfiguration(flavor: .httpbin))
        let missing = Request(method: "GET", target: "/nope", headers: ["Host": "h"])
        #expect(httpbun.respond(to: missing).headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(httpbin.respond(to: missing).headers["Content-Type"] == "text/html; charset=utf-8")
        let slash = Request(method: "GET", target: "/get/", headers: ["Host": "h"])
        #expect(httpbin.respond(to: slash).status == 404, "Flask's strict slashes")
        #expect(Flavor(rawValue: "httpbin") == .httpbin)
        #expect(Flavor(rawValue: "go-httpbin") == nil)
        #expect(Flavor.allCases.map(\.rawValue) == ["httpbun", "httpbin"])
    }
}

@Suite("Errors handlers throw")
struct HandlerErrorTests {
    struct Unexpected: Error {}

    @Test("an HTTPError becomes its status, a JSON message and its fields; anything else a 500")
    func thrownErrorsBecomeAnswers() throws {
        let router = Router(routes: [
            Route(["GET"], "/teapot", { _ in throw HTTPError(418, "short and stout", headers: ["Retry-After": "5"]) }),
            Route(["GET"], "/broken", { _ in throw Unexpected() }),
        ])
        let teapot = router.respond(to: Request(method: "GET", target: "/teapot"))
        #expect(teapot.status == 418)
        #expect(teapot.headers["Retry-After"] == "5")
        #expect(teapot.headers["Content-Type"] == "application/json")
        #expect(try teapot.json["error"] == "short and stout")
        let broken = router.respond(to: Request(method: "GET", target: "/broken"))
        #expect(broken.status == 500)
        #expect(try broken.json["error"]?.stringValue?.hasPrefix("the handler failed") == true)
    }

    @Test("parameter parsers throw the 400 the route answers")
    func parsersThrowBadRequest() {
        #expect(throws: HTTPError.badRequest("invalid seed \"x\": use a whole number such as 42")) {
            var generator = SeededRandom(seed: 1)
            _ = try SeededRandom.parse(seed: "x", else: &generator)
        }
        #expect(throws: HTTPError.self) { try StatusChoice.parse("99") }
        #expect(respond("GET", "/bytes/8?seed=x").status == 400)
        #expect(respond("GET", "/redirect-to?url=%0d").status == 403)
        #expect(respond("GET", "/redirect-to?url=http://elsewhere.test/").status == 403)
    }
}

@Suite("Routes as a library (the README's example)")
struct RoutesAsLibraryTests {
    @Test("a router with fixed services answers the same on every run")
    func deterministicServices() throws {
        func router() -> Router {
            Router(configuration: ServerConfiguration(flavor: .httpbin), services: RouteServices(now: { 1_767_225_600 }, seed: 42))
        }
        let response = router().respond(to: Request(method: "GET", target: "/get?a=1", headers: ["Host": "example.com"]))
        #expect(response.status == 200)
        #expect(try response.json["args"]?["a"] == "1")
        #expect(try response.json["url"] == "http://example.com/get?a=1")
        let uuid = { router().respond(to: Request(method: "GET", target: "/uuid")).bodyText }
        #expect(uuid() == uuid(), "the same seed, the same UUID")
        let other = Router(services: RouteServices(now: { 0 }, seed: 43)).respond(to: Request(method: "GET", target: "/uuid")).bodyText
        #expect(other != uuid())
        let cache = router().respond(to: Request(method: "GET", target: "/cache", headers: ["Host": "h"]))
        #expect(cache.headers["Last-Modified"] == "Thu, 01 Jan 2026 00:00:00 GMT")
    }
}

@Suite("The home page")
struct HomePageTests {
    /// Every `href` on the page with its `data-pattern`.
    static func links(_ html: String) -> [(href: String, pattern: String)] {
        var links: [(String, String)] = []
        var rest = Substring(html)
        while let start = rest.range(of: "<a href=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let href = String(rest[..<end])
            rest = rest[end...]
            if rest.hasPrefix("\" data-pattern=\""), let close = rest.dropFirst(16).firstIndex(of: "\"") {
                links.append((href, String(rest.dropFirst(16)[..<close])))
            }
        }
        return links
    }

    @Test("/ and /index.html list exactly the serving flavor's endpoints, each linked and summarised", arguments: Flavor.allCases)
    func listsTheCatalogue(flavor: Flavor) throws {
        for path in ["/", "/index.html"] {
            let page = respond("GET", path, configuration: ServerConfiguration(flavor: flavor))
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
            let links = Self.links(page.bodyText)
            // Grouped by family, each endpoint once.
            let grouped = Endpoint.Family.allCases.flatMap { family in flavor.listedEndpoints.filter { $0.family == family }.map(\.pattern) }
            #expect(links.map(\.pattern) == grouped, "\(flavor) \(path)")
            #expect(Set(grouped) == Set(flavor.listedEndpoints.map(\.pattern)) && grouped.count == flavor.listedEndpoints.count)
            for endpoint in flavor.listedEndpoints {
                #expect(page.bodyText.contains(endpoint.summary.replacingOccurrences(of: "'", with: "&#x27;")), "\(endpoint.pattern)")
            }
        }
    }

    @Test("each link goes to its endpoint's example path (which the router answers: see CatalogueTests)", arguments: Flavor.allCases)
    func linksAreTheExamples(flavor: Flavor) {
        let links = Self.links(respond("GET", "/", configuration: ServerConfiguration(flavor: flavor)).bodyText)
        let examples = Dictionary(uniqueKeysWithValues: flavor.listedEndpoints.map { ($0.pattern, $0.examplePath) })
        #expect(links.count == examples.count)
        for (href, pattern) in links {
            #expect(href.replacingOccurrences(of: "&amp;", with: "&") == examples[pattern], "\(flavor) \(pattern)")
        }
        #expect(examples["/unstable"] == "/unstable?seed=2", "a row's own example wins")
        #expect(examples["/delay/{seconds}"] == "/delay/1", "a pattern's parameters are filled")
    }

    @Test("links carry the path prefix; the page escapes what it shows")
    func prefixAndEscaping() {
        let page = respond("GET", "/api/", configuration: ServerConfiguration(pathPrefix: "/api")).bodyText
        let links = Self.links(page)
        #expect(!links.isEmpty && links.allSatisfy { $0.href.hasPrefix("/api/") })
        #expect(!page.contains("<script"))
        #expect(Catalogue.endpoints.first { $0.pattern == "/digest-auth/{qop}/{user}/{passwd}" }?.examplePath
            == "/digest-auth/auth/user/passwd")
        let json = Catalogue.endpoints.first { $0.pattern == "/drip" }!.json
        #expect(json["methods"] == .null && json["example"] == "/drip" && json["query"]?[0]?["name"] == "numbytes", "any method: null")
        #expect(Catalogue.endpoints.first { $0.pattern == "/json" }!.json["methods"] == ["GET"])
    }
}
