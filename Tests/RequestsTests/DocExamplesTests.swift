// Generated from docs/client.md: every ```swift block of the client's README section, run as written
// against the in-process httpbun. Edit the document, then regenerate with the Python at the end of this file.
import Foundation
import JSONValue
import Requests
import Synchronization
import Testing

enum DocExamples {
    /// The doc's paths are relative to the repository root.
    static let root: Void = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    }()

    /// What an example printed, line by line, so that the outputs the document shows can be checked.
    final class Printed: Sendable {
        private let lines = Mutex<[String]>([])

        func append(_ line: String) {
            Swift.print(line)
            lines.withLock { $0.append(line) }
        }

        /// A printed line that reads as `expected`, spaces aside (the document writes JSON with
        /// spaces, `JSON` prints it compact); a leading `...` matches any start.
        func contains(_ expected: String) -> Bool {
            let squeeze = { (text: String) in text.filter { $0 != " " } }
            let wanted = squeeze(expected)
            return lines.withLock { lines in
                lines.contains { line in
                    wanted.hasPrefix("...") ? squeeze(line).hasSuffix(wanted.dropFirst(3)) : squeeze(line) == wanted
                }
            }
        }
    }
}

@Suite struct DocExamplesTests {
    @Test("docs/client.md: GET, with headers, params and a timeout") func getWithHeadersParamsAndATimeout() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let r = try await Requests.get(base + "/get")
        print(r.statusCode, try r.json()["method"]!)

        let h = try await Requests.get(base + "/headers", headers: ["User-Agent": "MyBot", "Authorization": "Bearer TOKEN"])
        print(try h.json()["headers"]?["User-Agent"]?.stringValue ?? "")

        let p = try await Requests.get(base + "/get", params: ["q": "python", "page": 2])
        print(p.url)                       // .../get?q=python&page=2

        do {
            _ = try await Requests.get(base + "/delay/3", timeout: 0.5)
        } catch is TimeoutError {
            print("timed out")
        }
        #expect(printed.contains(".../get?q=python&page=2"), "prints .../get?q=python&page=2")
    }

    @Test("docs/client.md: POST: a form, JSON, files") func postAFormJsonFiles() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let form = try await Requests.post(base + "/post", data: ["username": "test", "password": "1234"])
        print(try form.json()["form"]!)

        let json = try await Requests.post(base + "/post", json: ["id": 1, "name": "lee"])
        print(try json.json()["json"]!)
        struct User: Codable { var id: Int; var name: String }
        _ = try await Requests.post(base + "/post", json: User(id: 1, name: "lee"))   // any Encodable

        _ = try await Requests.post(base + "/post", files: ["file": .path("fixtures/test.txt")])

        let photo = try await Requests.post(base + "/post",
                                            data: ["description": "Profile photo"],
                                            files: ["file": .path("fixtures/test.txt", filename: "photo.jpg", contentType: "image/jpeg")])
        print(try photo.json()["files"]?["file"]?["filename"]?.stringValue ?? "")
    }

    @Test("docs/client.md: PUT, PATCH and DELETE") func putPatchAndDelete() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        _ = try await Requests.put(base + "/put", data: ["key": "value"])
        _ = try await Requests.patch(base + "/patch", json: ["stock": 5])
        _ = try await Requests.delete(base + "/delete")
        _ = try await Requests.request("PROPFIND", base + "/anything")   // any method
    }

    @Test("docs/client.md: A session keeps a cookie") func aSessionKeepsACookie() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        try await Session.with { s in
            print(try await s.get(base + "/cookies").json())      // {"cookies": {}}
            _ = try await s.get(base + "/cookies/set?mycookie=value")
            print(try await s.get(base + "/cookies").json())      // {"cookies": {"mycookie": "value"}}
            print(s.cookies.dictionary)
        }   // closed for you; or `let s = Session()` ... `try await s.close()`
        #expect(printed.contains("{\"cookies\": {}}"), "prints {\"cookies\": {}}")
        #expect(printed.contains("{\"cookies\": {\"mycookie\": \"value\"}}"), "prints {\"cookies\": {\"mycookie\": \"value\"}}")
    }

    @Test("docs/client.md: A session keeps a cookie") func aSessionKeepsACookie2() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let s = Session()
        s.headers.update(["User-Agent": "Mozilla/5.0"])
        s.timeout = 10
        let r1 = try await s.get(base + "/headers")
        let r2 = try await s.get(base + "/user-agent")
        print(try r1.json()["headers"]?["User-Agent"] ?? nil, try r2.json())
    }

    @Test("docs/client.md: A mounted adapter with a retry strategy") func aMountedAdapterWithARetryStrategy() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let strategy = Retry(total: 3, backoffFactor: 1, statusForcelist: [429, 500, 502, 503, 504])
        let adapter = Adapter(retry: strategy)
        let s = Session()
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        s.headers.update(["Authorization": "Bearer my_token", "Accept": "application/json"])
        let r = try await s.get(base + "/get")
        print(r.statusCode)
    }

    @Test("docs/client.md: Errors by kind") func errorsByKind() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        func safeGet(_ url: String) async -> JSON? {
            do {
                let r = try await Requests.get(url, timeout: 10)
                try r.raiseForStatus()
                return try r.json()
            } catch let error as TimeoutError {
                print("timed out (\(error.kind)):", url)
            } catch is ConnectionError {
                print("could not connect:", url)
            } catch let error as HTTPStatusError {
                print("HTTP", error.statusCode, url)
                if error.statusCode == 401 { print("check your token") }
                if error.statusCode == 429 { print("retry in", error.response.headers["Retry-After"] ?? "60", "s") }
            } catch {
                print("failed:", error)   // every error here is a RequestError
            }
            return nil
        }
    }

    @Test("docs/client.md: Authentication: Basic, Digest, Bearer, API keys") func authenticationBasicDigestBearerApiKeys() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        _ = try await Requests.get(base + "/basic-auth/user/pass", auth: .basic("user", "pass"))
        _ = try await Requests.get(base + "/digest-auth/auth/user/pass/SHA-256", auth: .digest("user", "pass"))
        _ = try await Requests.get(base + "/bearer/\(token)", headers: ["Authorization": "Bearer \(token)"])
        _ = try await Requests.get(base + "/bearer/\(token)", auth: .bearer(token))
        _ = try await Requests.get(base + "/headers", headers: ["X-API-Key": "my_api_key"])
        _ = try await Requests.get(base + "/get", params: ["api_key": "my_api_key"])

        // your own scheme
        struct APIKeyAuth: Authenticator {
            var key: String
            func apply(to request: inout Request) async throws { request.headers["X-API-Key"] = key }
        }
        _ = try await Requests.get(base + "/headers", auth: Auth(APIKeyAuth(key: "my_api_key")))
    }

    @Test("docs/client.md: Authentication: Basic, Digest, Bearer, API keys") func authenticationBasicDigestBearerApiKeys2() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let host = base.dropFirst("http://".count)
        let r = try await Requests.get("http://user:pass@\(host)/basic-auth/user/pass")
        print(r.statusCode)   // 200
        print(r.url)          // .../basic-auth/user/pass
        #expect(printed.contains("200"), "prints 200")
        #expect(printed.contains(".../basic-auth/user/pass"), "prints .../basic-auth/user/pass")
    }

    @Test("docs/client.md: Concurrent fetch of several users") func concurrentFetchOfSeveralUsers() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        func getUsers(_ ids: [Int]) async throws -> [JSON] {
            try await Session.with(baseURL: base + "/anything", headers: ["Authorization": "Bearer token"], timeout: 15) { client in
                let results = await client.gather(ids.map { "/users/\($0)" })
                return try results.compactMap { result in
                    guard case .success(let r) = result, r.statusCode == 200 else { return nil }
                    return try r.json()
                }
            }
        }
        let users = try await getUsers([1, 2, 3, 4, 5])
        print(users.count)   // 5
        #expect(printed.contains("5"), "prints 5")
    }

    @Test("docs/client.md: An API client with a base URL and a bearer token") func anApiClientWithABaseUrlAndABearerToken() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        final class APIClient: Sendable {
            let session: Session
            init(baseURL: String, apiKey: String) {
                session = Session(baseURL: baseURL, headers: ["Authorization": "Bearer \(apiKey)"], timeout: 15)
            }
            func call(_ method: Requests.Method, _ path: String, params: Params? = nil, json: JSON? = nil) async throws -> JSON? {
                let r = try await session.request(method, path, params: params, json: json)
                try r.raiseForStatus()
                return r.content.isEmpty ? nil : try r.json()
            }
            func get(_ path: String, params: Params? = nil) async throws -> JSON? { try await call(.get, path, params: params) }
            func post(_ path: String, _ data: JSON) async throws -> JSON? { try await call(.post, path, json: data) }
            func close() async throws { try await session.close() }
        }

        let api = APIClient(baseURL: base + "/anything", apiKey: "abc123")
        let users = try await api.get("/users", params: ["page": 1])
        let alice = try await api.post("/users", ["name": "Alice"])
        print(users?["url"] ?? nil, alice?["json"] ?? nil)
        try await api.close()
    }

    @Test("docs/client.md: urllib, for comparison") func urllibForComparison() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let get = try await Requests.get(base + "/get", params: ["key": "value"], timeout: 10)
        print(try get.json())

        let post = try await Requests.post(base + "/post", headers: ["Content-Type": "application/json"],
                                           data: #"{"key": "value"}"#, timeout: 10)
        print(post.text)
    }

    @Test("docs/client.md: Streaming, redirects, hooks, testing without a network") func streamingRedirectsHooksTestingWithoutANetwork() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        // Streaming: the head returns at once; read chunks or lines as they come.
        let r = try await Requests.get(base + "/stream/5", stream: true)
        for try await line in r.body.lines { print(line) }

        // Or read a streamed body whole when you want it (requests reads `r.json()` on demand; here the read
        // is an async step): until then `content` and `text` are empty and `json()` throws, saying so.
        let streamed = try await Requests.get(base + "/json", stream: true)
        print(streamed.isBodyRead)                           // false
        print(try await streamed.buffered().json()["slideshow"]?["title"] ?? nil)

        // Redirects: followed by requests' rules (303 → GET; 301/302 turn POST into GET; 307/308 keep method
        // and body), at most `maxRedirects` (30), history kept.
        let hops = try await Requests.get(base + "/redirect/3")
        print(hops.history.map(\.statusCode))      // [302, 302, 302]

        // Hooks run for every request and response on the wire.
        let s = Session()
        s.hooks.response.append { response in print(response.statusCode, response.url) }

        // MockTransport answers from a closure; everything else (cookies, redirects, retries) runs for real.
        let mock = Session(transport: MockTransport { request in
            Response(statusCode: 200, json: ["path": .string(request.url.path)])
        })
        print(try await mock.get("http://api.test/users").json())   // {"path": "/users"}
        #expect(printed.contains("[302, 302, 302]"), "prints [302, 302, 302]")
        #expect(printed.contains("{\"path\": \"/users\"}"), "prints {\"path\": \"/users\"}")
    }

    @Test("docs/client.md: Hooks, and the history of a call") func hooksAndTheHistoryOfACall() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let s = Session(auth: .digest("user", "pass"))
        s.hooks.request.append { request in request.headers["X-Trace"] = "1" }
        s.hooks.response.append { response in print("hook:", response.statusCode) }   // hook: 401, then hook: 200

        let r = try await s.get(base + "/digest-auth/auth/user/pass")
        print(r.history.map(\.statusCode))   // [401]

        // The session's digest auth now answers preemptively: no 401 any more.
        print(try await s.get(base + "/digest-auth/auth/user/pass").history.count)   // 0
        try await s.close()

        let hops = try await Requests.get(base + "/redirect-to", params: ["url": "/digest-auth/auth/user/pass"],
                                          auth: .digest("user", "pass"))
        print(hops.history.map(\.statusCode))   // [302, 401]
        #expect(printed.contains("[401]"), "prints [401]")
        #expect(printed.contains("0"), "prints 0")
        #expect(printed.contains("[302, 401]"), "prints [302, 401]")
    }

    @Test("docs/client.md: Compressed bodies: gzip, deflate, br, zstd") func compressedBodiesGzipDeflateBrZstd() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        let r = try await Requests.get(base + "/brotli")
        print(r.request?.headers["Accept-Encoding"] ?? "")   // gzip, deflate, br, zstd
        print(r.headers["Content-Encoding"] ?? "", try r.json()["brotli"]!)   // br true

        // Streamed bodies are decoded as they arrive, chunk by chunk.
        let z = try await Requests.get(base + "/zstd", stream: true)
        var decoded: [UInt8] = []
        for try await chunk in z.body { decoded += chunk }
        print(try JSON.parse(decoded)["zstd"]!)   // true
    }

    @Test("docs/client.md: HTTP/2") func http2() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        // HTTP/2 is used wherever an https server offers it (ALPN); plain http is HTTP/1.1.
        let r = try await Requests.get(base + "/get")
        print(r.httpVersion)          // HTTP/1.1
        print(r.httpVersion == .http2)

        // HTTP/1.1 only, as requests: per session.
        let h1 = Session(http2: false)
        print(try await h1.get(base + "/get").httpVersion)   // HTTP/1.1
        try await h1.close()
    }

    @Test("docs/client.md: HTTPS certificates: verify, CA bundles, client certificates") func httpsCertificatesVerifyCaBundlesClientCertificates() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        // verify: per call (true, false, or .file(path)); on plain http it changes nothing.
        let checked = try await Requests.get(base + "/get", verify: true)
        let unchecked = try await Requests.get(base + "/get", verify: false)
        print(checked.statusCode, unchecked.statusCode)   // 200 200
        // per session: trust: (.system, .file(path), .authorities(pem:), .insecureAcceptAnything)
        let session = Session(trust: .insecureAcceptAnything)
        try await session.close()
        #expect(printed.contains("200 200"), "prints 200 200")
    }

    @Test("docs/client.md: Proxies") func proxies() async throws {
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") { printed.append(items.map { "\($0)" }.joined(separator: separator)) }
        // Keys: a scheme, "all", or either with a host ("http://example.com"); the most specific wins.
        let proxied = Session(proxies: ["https": "http://user:pass@127.0.0.1:3128", "all://api.test": "socks5://127.0.0.1:1080"])
        // An https-only mapping leaves this http call direct.
        print(try await proxied.get(base + "/get").statusCode)   // 200
        proxied.proxies["http"] = "http://127.0.0.1:3128"        // changes later calls
        proxied.trustEnv = false                                  // ignore HTTP_PROXY and the rest
        try await proxied.close()
        #expect(printed.contains("200"), "prints 200")
    }
}

/* The generator: save as gen.py, run `python3 gen.py` from the repository root:



# Regenerates Tests/RequestsTests/DocExamplesTests.swift from docs/client.md.
import json, re, pathlib
root = pathlib.Path(__file__).resolve().parent if (pathlib.Path(__file__).resolve().parent / "docs").exists() else pathlib.Path.cwd()
text = (root / "docs/client.md").read_text()
sections = re.split(r"^## ", text, flags=re.M)
out = ['''// Generated from docs/client.md: every ```swift block of the client's README section, run as written
// against the in-process httpbun. Edit the document, then regenerate with the Python at the end of this file.
import Foundation
import JSONValue
import Requests
import Synchronization
import Testing

enum DocExamples {
    /// The doc's paths are relative to the repository root.
    static let root: Void = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    }()

    /// What an example printed, line by line, so that the outputs the document shows can be checked.
    final class Printed: Sendable {
        private let lines = Mutex<[String]>([])

        func append(_ line: String) {
            Swift.print(line)
            lines.withLock { $0.append(line) }
        }

        /// A printed line that reads as `expected`, spaces aside (the document writes JSON with
        /// spaces, `JSON` prints it compact); a leading `...` matches any start.
        func contains(_ expected: String) -> Bool {
            let squeeze = { (text: String) in text.filter { $0 != " " } }
            let wanted = squeeze(expected)
            return lines.withLock { lines in
                lines.contains { line in
                    wanted.hasPrefix("...") ? squeeze(line).hasSuffix(wanted.dropFirst(3)) : squeeze(line) == wanted
                }
            }
        }
    }
}
''']
tests = []
for section in sections[1:]:
    title = section.splitlines()[0].strip()
    for index, block in enumerate(re.findall(r"```swift\n(.*?)```", section, re.S)):
        if "Package.swift" in block:
            continue
        name = re.sub(r"[^A-Za-z0-9]+", " ", title).title().replace(" ", "")
        name = name[0].lower() + name[1:] + (str(index + 1) if index else "")
        body = "\n".join(("        " + l) if l.strip() else "" for l in block.splitlines())
        # `print(x)   // shown` in the document: the test checks that a line read as `shown`.
        shown = re.findall(r"print\(.*\)[ \t]+//[ \t]+([\[{\d.\"][^\n]*?)[ \t]*$", block, re.M)
        checks = "".join(f"        #expect(printed.contains({json.dumps(s)}), {json.dumps('prints ' + s)})\n" for s in shown)
        tests.append(f'''    @Test("docs/client.md: {title}") func {name}() async throws {{
        _ = DocExamples.root
        let base = E2E.base
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.doc"
        _ = (base, token)
        let printed = DocExamples.Printed()
        @Sendable func print(_ items: Any..., separator: String = " ") {{ printed.append(items.map {{ "\\($0)" }}.joined(separator: separator)) }}
{body}
{checks}    }}
''')
out.append("@Suite struct DocExamplesTests {\n" + "\n".join(tests) + "}\n")
out.append("/* The generator: save as gen.py, run `python3 gen.py` from the repository root:\n\n" + pathlib.Path(__file__).read_text() + "*/\n")
(root / "Tests/RequestsTests/DocExamplesTests.swift").write_text("\n".join(out))
*/
