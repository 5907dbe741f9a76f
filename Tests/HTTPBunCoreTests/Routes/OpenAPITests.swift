@testable import HTTPBunCore
import JSONValue
import Testing

/// `/openapi.json` is written from the catalogue; these hold it to the router without a socket.
/// `make openapi-check` holds it to a live server with schemathesis.
@Suite("The OpenAPI document")
struct OpenAPITests {
    static func served(_ flavor: Flavor, prefix: String = "") throws -> JSON {
        let response = respond("GET", prefix + "/openapi.json", configuration: ServerConfiguration(pathPrefix: prefix, flavor: flavor))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        return try response.json
    }

    @Test("every listed endpoint is a path, with the router's methods and nothing else", arguments: Flavor.allCases)
    func everyEndpointIsDocumented(flavor: Flavor) throws {
        let paths = try #require(try Self.served(flavor)["paths"]?.objectValue)
        var documented: Set<String> = []
        for endpoint in flavor.listedEndpoints {
            let methods = OpenAPI.methods(of: endpoint)
            #expect(!methods.isEmpty, "\(flavor) \(endpoint.pattern): no method OpenAPI can hold")
            // Every method the router takes for it is documented, and nothing it refuses.
            if let taken = endpoint.methods { #expect(Set(methods) == Set(taken), "\(flavor) \(endpoint.pattern)") }
            for method in methods { #expect(endpoint.route.accepts(method), "\(flavor) \(method) \(endpoint.pattern)") }
            for path in OpenAPI.documentedPaths(endpoint.pattern) {
                let item = try #require(paths[path.template]?.objectValue, "\(flavor): \(path.template) (\(endpoint.pattern)) is missing")
                #expect(item.keys == methods.map { $0.lowercased() }, "\(flavor) \(path.template)")
                documented.insert(path.template)
            }
        }
        #expect(Set(paths.keys) == documented, "\(flavor): a path no listed endpoint gives")
        let unlisted = Set(flavor.endpoints.map(\.pattern)).subtracting(flavor.listedEndpoints.map(\.pattern))
        for pattern in unlisted { #expect(paths[pattern] == nil, "\(flavor): \(pattern) is routed only to say where to go") }
    }

    @Test("each path parameter of a template is declared once, required, and nothing else is in the path", arguments: Flavor.allCases)
    func pathParametersAreDeclared(flavor: Flavor) throws {
        let paths = try #require(try Self.served(flavor)["paths"]?.objectValue)
        for (template, item) in paths {
            let names = template.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, operation) in try #require(item.objectValue) {
                let declared = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"] == "path" }
                #expect(declared.compactMap { $0["name"]?.stringValue } == names, "\(flavor) \(method) \(template)")
                #expect(declared.allSatisfy { $0["required"] == true }, "\(flavor) \(method) \(template)")
                let responses = try #require(operation["responses"]?.objectValue, "\(method) \(template)")
                #expect(!responses.isEmpty && responses.allSatisfy { $0.value["description"]?.stringValue != nil })
            }
        }
    }

    @Test("the router's answer to each operation's example is one the document declares, of a declared type, with its headers", arguments: Flavor.allCases)
    func examplesAnswerAsDeclared(flavor: Flavor) throws {
        let paths = try #require(try Self.served(flavor)["paths"]?.objectValue)
        let router = Router(configuration: ServerConfiguration(flavor: flavor))
        for endpoint in flavor.listedEndpoints where endpoint.pattern != "/fault/close" {  // it answers nothing at all
            for path in OpenAPI.documentedPaths(endpoint.pattern) {
                // The home page's link for a path with parameters; the bare prefix of a rest parameter as it is.
                let target = path.parameters.isEmpty && path.template != endpoint.pattern ? path.template : endpoint.examplePath
                for method in OpenAPI.methods(of: endpoint) {
                    let operation = try #require(paths[path.template]?[method.lowercased()])
                    let answer = router.respond(to: Request(method: method, target: target, headers: ["Host": "h"]))
                    let status = String(answer.status)
                    let key = operation["responses"]?[status] != nil ? status : String(status.prefix(1)) + "XX"
                    let declared = try #require(operation["responses"]?[key], "\(flavor) \(method) \(target): \(status) is not declared")
                    for (name, _) in declared["headers"]?.objectValue ?? [:] {
                        #expect(answer.headers[name] != nil, "\(flavor) \(method) \(target): no \(name)")
                    }
                    guard let types = declared["content"]?.objectValue?.keys, let contentType = answer.headers["Content-Type"] else { continue }
                    let mediaType = String(contentType.prefix { $0 != ";" })
                    #expect(types.contains(mediaType) || types.contains("*/*"), "\(flavor) \(method) \(target): \(contentType) not in \(types)")
                }
            }
        }
    }

    @Test("a rest parameter gives the bare prefix and one parameter that may hold slashes")
    func restParameters() throws {
        #expect(OpenAPI.documentedPaths("/anything/{path*}").map(\.template) == ["/anything", "/anything/{path}"])
        #expect(OpenAPI.documentedPaths("/delay/{seconds}").map(\.template) == ["/delay/{seconds}"])
        let document = try Self.served(.httpbun)
        let parameter = try #require(document["paths"]?["/anything/{path}"]?["get"]?["parameters"]?[0])
        #expect(parameter["description"]?.stringValue?.contains("slashes") == true)
    }

    @Test("the document describes the server serving it: its flavor's methods and 404, its prefix, its --max-duration")
    func flavorAndPrefix() throws {
        let httpbun = try Self.served(.httpbun)
        let httpbin = try Self.served(.httpbin, prefix: "/bin")
        #expect(httpbun["openapi"] == "3.1.0")
        #expect(httpbun["servers"]?[0]?["url"] == "/")
        #expect(httpbin["servers"]?[0]?["url"] == "/bin")
        // /headers takes any method in httpbun, GET only in httpbin.
        #expect(httpbun["paths"]?["/headers"]?["post"] != nil)
        #expect(httpbin["paths"]?["/headers"]?["post"] == nil)
        // Go's text 404 against Flask's HTML page.
        #expect(httpbun["paths"]?["/delay/{seconds}"]?["get"]?["responses"]?["404"]?["content"]?["text/plain"] != nil)
        #expect(httpbin["paths"]?["/delay/{seconds}"]?["get"]?["responses"]?["404"]?["content"]?["text/html"] != nil)
        // A wait past --max-duration is a 400, so the document bounds waits by the server's limit.
        let short = OpenAPI.document(for: ServerConfiguration(maxDuration: .milliseconds(1500)))
        #expect(short["paths"]?["/delay/{seconds}"]?["get"]?["parameters"]?[0]?["schema"]?["maximum"]?.doubleValue == 1.5)
        #expect(short["paths"]?["/drip"]?["get"]?["parameters"]?[1]?["schema"]?["maximum"]?.doubleValue == 1.5)
    }
}
