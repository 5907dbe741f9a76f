import Foundation
import JSONValue
import Synchronization
import Testing
import HTTPBun
@testable import Requests

/// One in-process httpbun for the whole test run (127.0.0.1, port 0).
enum E2E {
    static let server: HTTPBunServer = try! HTTPBunServer.start()
    static var base: String { server.baseURL }

    /// The repository's `fixtures/test.txt`, which the README's upload example sends.
    static let repositoryFixture: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/test.txt").path

    /// A small text file to upload, written once.
    static let fixture: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("requests-e2e-test.txt").path
        try! Data("hello from a file\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()
}

// MARK: - Seed: requests basics (GET / POST / PUT / DELETE)

@Suite(.serialized) struct SeedBasicsTests {
    @Test func getEcho() async throws {
        let response = try await Requests.get(E2E.base + "/get")
        #expect(response.statusCode == 200)
        let data = try response.json()
        #expect(data["method"]?.stringValue == "GET")
        #expect(data["headers"]?["User-Agent"]?.stringValue == "swift-requests/1.0")
        #expect(data["url"]?.stringValue == E2E.base + "/get")
        print(data.serialized())
    }

    @Test func getWithHeaders() async throws {
        let headers: Headers = ["User-Agent": "MyBot", "Authorization": "Bearer TOKEN"]
        let data = try await Requests.get(E2E.base + "/headers", headers: headers).json()
        #expect(data["headers"]?["User-Agent"]?.stringValue == "MyBot")
        #expect(data["headers"]?["Authorization"]?.stringValue == "Bearer TOKEN")
    }

    @Test func getWithParams() async throws {
        let response = try await Requests.get(E2E.base + "/get", params: ["q": "python", "page": 2])
        #expect(response.url.absoluteString == E2E.base + "/get?q=python&page=2")
        let args = try response.json()["args"]
        #expect(args?["q"]?.stringValue == "python")
        #expect(args?["page"]?.stringValue == "2")
    }

    @Test func paramsMergeWithQueryAndRepeat() async throws {
        let response = try await Requests.get(E2E.base + "/get?a=1", params: ["a": "2", "b": ["x y", "z&"]])
        let args = try response.json()["args"]
        #expect(args?["a"] == ["1", "2"])
        #expect(args?["b"] == ["x y", "z&"])
    }

    @Test(.timeLimit(.minutes(1))) func getTimeout() async throws {
        do {
            _ = try await Requests.get(E2E.base + "/delay/3", timeout: 0.5)
            Issue.record("expected a timeout")
        } catch let error as TimeoutError {
            #expect(error.kind == .read)
            #expect(error.description.contains("/delay/3"))
        }
    }

    @Test func postForm() async throws {
        let data = try await Requests.post(E2E.base + "/post", data: ["username": "test", "password": "1234"]).json()
        #expect(data["form"] == ["username": "test", "password": "1234"])
        #expect(data["method"]?.stringValue == "POST")
    }

    @Test func postJSON() async throws {
        let data = try await Requests.post(E2E.base + "/post", json: ["id": 1, "name": "lee"]).json()
        #expect(data["json"] == ["id": 1, "name": "lee"])
        #expect(data["headers"]?["Content-Type"]?.stringValue == "application/json")
    }

    @Test func postEncodable() async throws {
        struct Person: Codable, Sendable { var name: String; var age: Int }
        let data = try await Requests.post(E2E.base + "/post", json: Person(name: "Alice", age: 30), timeout: 10).json()
        #expect(data["json"]?["name"]?.stringValue == "Alice")
        #expect(data["json"]?["age"]?.intValue == 30)
    }

    @Test func postFile() async throws {
        let data = try await Requests.post(E2E.base + "/post", files: ["file": .path(E2E.fixture, filename: "test.txt")]).json()
        let file = data["files"]?["file"]
        #expect(file?["filename"]?.stringValue == "test.txt")
        #expect(file?["content"]?.stringValue == "hello from a file\n")
        #expect(file?["size"]?.intValue == 18)
        #expect(file?["headers"]?["Content-Disposition"]?.stringValue == #"form-data; name="file"; filename="test.txt""#)
    }

    @Test
    func postRepositoryFixture() async throws {
        let expected = try String(contentsOfFile: E2E.repositoryFixture, encoding: .utf8)
        let data = try await Requests.post(E2E.base + "/post", files: ["file": .path(E2E.repositoryFixture)]).json()
        #expect(data["files"]?["file"]?["filename"]?.stringValue == "test.txt")
        #expect(data["files"]?["file"]?["content"]?.stringValue == expected)
        #expect(data["files"]?["file"]?["headers"]?["Content-Type"]?.stringValue == "text/plain")
    }

    @Test func postFileWithTypeAndFields() async throws {
        let data = try await Requests.post(
            E2E.base + "/post", data: ["description": "Profile photo"],
            files: ["file": .bytes([0x89, 0x50, 0x4E, 0x47, 0xFF], filename: "photo.jpg", contentType: "image/jpeg")]
        ).json()
        #expect(data["form"]?["description"]?.stringValue == "Profile photo")
        #expect(data["files"]?["file"]?["headers"]?["Content-Type"]?.stringValue == "image/jpeg")
        #expect(data["files"]?["file"]?["size"]?.intValue == 5)
    }

    @Test func largeFileStreamsFromDisk() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("requests-e2e-big-\(UUID().uuidString).txt").path
        try Data(repeating: UInt8(ascii: "z"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try await Requests.post(E2E.base + "/post", files: ["big": .path(path)]).json()
        #expect(data["files"]?["big"]?["size"]?.intValue == 1_000_000)
    }

    @Test func putAndDelete() async throws {
        let put = try await Requests.put(E2E.base + "/put", data: ["key": "value"]).json()
        #expect(put["method"]?.stringValue == "PUT")
        #expect(put["form"]?["key"]?.stringValue == "value")
        let delete = try await Requests.delete(E2E.base + "/delete").json()
        #expect(delete["method"]?.stringValue == "DELETE")
        let patch = try await Requests.patch(E2E.base + "/patch", json: ["stock": 5]).json()
        #expect(patch["json"]?["stock"]?.intValue == 5)
    }

    @Test func headAndOptions() async throws {
        let head = try await Requests.head(E2E.base + "/get")
        #expect(head.statusCode == 200)
        #expect(head.content.isEmpty)
        let options = try await Requests.options(E2E.base + "/get", headers: ["Access-Control-Request-Method": "GET"])
        #expect(options.statusCode == 200)
        #expect(options.headers["Access-Control-Allow-Methods"] == "GET")
        let any = try await Requests.request("PROPFIND", E2E.base + "/anything").json()
        #expect(any["method"]?.stringValue == "PROPFIND")
    }
}

// MARK: - Seed: sessions

@Suite struct SeedSessionTests {
    @Test func sessionKeepsACookie() async throws {
        try await Session.with { session in
            let before = try await session.get(E2E.base + "/cookies").json()
            #expect(before == ["cookies": [:]])
            _ = try await session.get(E2E.base + "/cookies/set?mycookie=value")
            let after = try await session.get(E2E.base + "/cookies").json()
            #expect(after == ["cookies": ["mycookie": "value"]])
        }
    }

    @Test func cookiesThroughSetRedirect() async throws {
        let session = Session()
        let response = try await session.get(E2E.base + "/cookies/set", params: ["a": "1", "b": "2"])
        #expect(response.history.map(\.statusCode) == [302])
        #expect(try response.json() == ["cookies": ["a": "1", "b": "2"]])
        #expect(session.cookies.dictionary == ["a": "1", "b": "2"])
        let deleted = try await session.get(E2E.base + "/cookies/delete?a").json()
        #expect(deleted == ["cookies": ["b": "2"]])
        try await session.close()
    }

    @Test func cookieSetByRedirectIsSentOnTheNextHop() async throws {
        let session = Session()
        let response = try await session.get(E2E.base + "/cookies/set?mycookie=value")
        #expect(response.history.first?.statusCode == 302)
        #expect(response.history.first?.cookies == ["mycookie": "value"])
        #expect(response.request?.headers["Cookie"] == "mycookie=value")
        let echoed = try await session.get(E2E.base + "/headers").json()
        #expect(echoed["headers"]?["Cookie"]?.stringValue == "mycookie=value")
        try await session.close()
    }

    @Test func loginThenCookiesThenMoreRequests() async throws {
        let session = Session()
        defer { Task { try? await session.close() } }
        let login = try await session.post(E2E.base + "/post", data: ["username": "admin", "password": "password"])
        #expect(try login.json()["form"]?["username"]?.stringValue == "admin")
        _ = try await session.get(E2E.base + "/cookies/set/session/abc123")
        #expect(session.cookies.dictionary == ["session": "abc123"])
        let first = try await session.get(E2E.base + "/anything/api/data1")
        let second = try await session.get(E2E.base + "/anything/api/data2")
        #expect(try first.json()["headers"]?["Cookie"]?.stringValue == "session=abc123")
        #expect(try second.json()["url"]?.stringValue == E2E.base + "/anything/api/data2")
    }

    @Test func sessionHeadersAndTimeoutPersist() async throws {
        let session = Session()
        session.headers.update(["User-Agent": "Mozilla/5.0"])
        session.timeout = 10
        let one = try await session.get(E2E.base + "/headers").json()
        let two = try await session.get(E2E.base + "/user-agent").json()
        #expect(one["headers"]?["User-Agent"]?.stringValue == "Mozilla/5.0")
        #expect(two["user-agent"]?.stringValue == "Mozilla/5.0")
        try await session.close()
    }

    @Test func mountedAdapterWithRetryStrategy() async throws {
        let waits = Recorder<Duration>()
        let retry = Retry(total: 3, backoffFactor: 1, statusForcelist: [429, 500, 502, 503, 504], clock: recordingClock(waits))
        let attempts = Recorder<Int>()
        let session = Session()
        session.mount("http://", Adapter(retry: retry))
        session.mount("https://", Adapter(retry: retry))
        session.hooks.response.append { attempts.append($0.statusCode) }
        session.headers.update(["Authorization": "Bearer my_token", "Accept": "application/json"])
        let error = await #expect(throws: RetryError.self) { try await session.get(E2E.base + "/status/503") }
        #expect(error?.response.statusCode == 503)
        #expect(attempts.all == [503, 503, 503, 503])
        #expect(waits.all == [.seconds(2), .seconds(4)])
        let ok = try await session.get(E2E.base + "/get")
        #expect(try ok.json()["headers"]?["Authorization"]?.stringValue == "Bearer my_token")
        try await session.close()
    }

    @Test func adapterWithMaxRetries() async throws {
        let session = Session()
        session.mount("http://", Adapter(maxRetries: 5))
        #expect(session.adapter(for: E2E.base).retry.total == 5)
        #expect(try await session.get(E2E.base + "/get").statusCode == 200)
        try await session.close()
    }
}

// MARK: - Seed: errors by kind

/// The seed's `safe_request`, in Swift: the JSON body, or nil with a message per kind of failure.
func safeRequest(_ url: String, messages: Recorder<String>, timeout: Timeout = 10) async -> JSON? {
    do {
        let response = try await Requests.get(url, timeout: timeout)
        try response.raiseForStatus()
        return try response.json()
    } catch let error as TimeoutError {
        messages.append("timeout \(error.kind): \(url)")
    } catch is ConnectionError {
        messages.append("connection failed: \(url)")
    } catch let error as HTTPStatusError {
        messages.append("HTTP \(error.statusCode): \(url)")
        if error.statusCode == 401 { messages.append("authentication needed: check the token") }
        if error.statusCode == 429 { messages.append("retry after \(error.response.headers["Retry-After"] ?? "60") s") }
    } catch {
        messages.append("request failed: \(error)")
    }
    return nil
}

@Suite struct SeedErrorTests {
    @Test func success() async {
        let messages = Recorder<String>()
        #expect(await safeRequest(E2E.base + "/get", messages: messages) != nil)
        #expect(messages.all.isEmpty)
    }

    @Test func timeout() async {
        let messages = Recorder<String>()
        #expect(await safeRequest(E2E.base + "/delay/3", messages: messages, timeout: 0.5) == nil)
        #expect(messages.all == ["timeout read: \(E2E.base)/delay/3"])
    }

    @Test(.timeLimit(.minutes(1))) func connectionRefused() async {
        let messages = Recorder<String>()
        // A connect timeout longer than the test's time limit: a refused port must be reported at once,
        // not after waiting the timeout out (AsyncHTTPClient's default).
        #expect(await safeRequest("http://127.0.0.1:1/get", messages: messages, timeout: 120) == nil)
        #expect(messages.all == ["connection failed: http://127.0.0.1:1/get"])
    }

    @Test func unauthorized() async {
        let messages = Recorder<String>()
        _ = await safeRequest(E2E.base + "/status/401", messages: messages)
        #expect(messages.all == ["HTTP 401: \(E2E.base)/status/401", "authentication needed: check the token"])
    }

    @Test func tooManyRequests() async throws {
        // httpbun's 429 carries no Retry-After (nor does httpbin's), so the seed's fallback answers.
        let messages = Recorder<String>()
        _ = await safeRequest(E2E.base + "/status/429", messages: messages)
        #expect(messages.all == ["HTTP 429: \(E2E.base)/status/429", "retry after 60 s"])
        // A server that sends one: its value reaches the message.
        let server = try CannedServer { _ in .reply(CannedServer.response("429 Too Many Requests", headers: ["Retry-After: 7"], body: [])) }
        let url = "http://127.0.0.1:\(server.port)/limited"
        let canned = Recorder<String>()
        _ = await safeRequest(url, messages: canned)
        #expect(canned.all == ["HTTP 429: \(url)", "retry after 7 s"])
    }

    @Test func serverErrorAsHTTPError() async throws {
        let response = try await Requests.get(E2E.base + "/status/500", timeout: 5)
        #expect(throws: HTTPStatusError.self) { try response.raiseForStatus() }
        do {
            try response.raiseForStatus()
            Issue.record("expected an error")
        } catch let error as any RequestError {
            #expect(error.url == E2E.base + "/status/500")
        }
    }

    @Test
    func connectionClosedByServer() async throws {
        await #expect(throws: ConnectionClosed.self) { try await Requests.get(E2E.base + "/fault/close", timeout: 5) }
        do {
            _ = try await Requests.get(E2E.base + "/fault/close", timeout: 5)
        } catch let error as ConnectionError {
            #expect(error.description.contains("/fault/close"))
        }
    }

    @Test
    func connectionErrorsAreRetriedForGet() async throws {
        let attempts = Recorder<Int>()
        let session = Session()
        session.mount("http://", Adapter(retry: Retry(total: 2, clock: recordingClock(Recorder()))))
        session.hooks.request.append { _ in attempts.append(1) }
        await #expect(throws: ConnectionClosed.self) { try await session.get(E2E.base + "/fault/close") }
        #expect(attempts.count == 3)
        try await session.close()
    }
}

// MARK: - Seed: auth patterns

@Suite struct SeedAuthTests {
    @Test
    func basic() async throws {
        let ok = try await Requests.get(E2E.base + "/basic-auth/user/pass", auth: .basic("user", "pass"))
        #expect(try ok.json() == ["authenticated": true, "user": "user"])
        let wrong = try await Requests.get(E2E.base + "/basic-auth/user/pass", auth: .basic("user", "nope"))
        #expect(wrong.statusCode == 401)
    }

    @Test(arguments: ["MD5", "SHA-256", "SHA-512"])
    func digest(algorithm: String) async throws {
        let ok = try await Requests.get(E2E.base + "/digest-auth/auth/user/pass/\(algorithm)", auth: .digest("user", "pass"))
        #expect(ok.statusCode == 200)
        #expect(try ok.json()["authenticated"] == true)
    }

    @Test
    func digestAuthInt() async throws {
        let ok = try await Requests.post(E2E.base + "/digest-auth/auth-int/user/pass", data: "some body", auth: .digest("user", "pass"))
        #expect(ok.statusCode == 200)
    }

    @Test
    func digestStaleNonceIsRetried() async throws {
        let session = Session(auth: .digest("user", "pass"))
        for _ in 0..<4 {
            #expect(try await session.get(E2E.base + "/digest-auth/auth/user/pass/MD5/2").statusCode == 200)
        }
        try await session.close()
    }

    @Test
    func bearer() async throws {
        let accessToken = "eyJhbGciOiJIUzI1NiJ9.e30.abc"
        // httpbun's /bearer/{tok} checks the token against the path's (bare /bearer is its 404).
        let byHeader = try await Requests.get(E2E.base + "/bearer/" + accessToken, headers: ["Authorization": "Bearer \(accessToken)"])
        #expect(try byHeader.json()["token"]?.stringValue == accessToken)
        let byAuth = try await Requests.get(E2E.base + "/bearer/" + accessToken, auth: .bearer(accessToken))
        #expect(byAuth.statusCode == 200)
        #expect(try byAuth.json()["authenticated"]?.boolValue == true)
        #expect(try await Requests.get(E2E.base + "/bearer/" + accessToken).statusCode == 401)
    }

    @Test func apiKeyInHeaderOrQuery() async throws {
        let header = try await Requests.get(E2E.base + "/headers", headers: ["X-API-Key": "my_api_key"]).json()
        #expect(header["headers"]?["X-Api-Key"]?.stringValue == "my_api_key")
        let query = try await Requests.get(E2E.base + "/get", params: ["api_key": "my_api_key"]).json()
        #expect(query["args"]?["api_key"]?.stringValue == "my_api_key")
    }
}

// MARK: - Seed: httpx concurrency and an API client

@Suite struct SeedConcurrencyTests {
    @Test func fetchSeveralUsersConcurrently() async throws {
        let userIDs = [1, 2, 3, 4, 5]
        let users = try await Session.with(baseURL: E2E.base + "/anything", headers: ["Authorization": "Bearer token"], timeout: 15) { client in
            let results = await client.gather(userIDs.map { "/users/\($0)" })
            var users: [JSON] = []
            for (id, result) in zip(userIDs, results) {
                switch result {
                case .success(let response) where response.statusCode == 200: users.append(try response.json())
                case .success: break
                case .failure(let error): Issue.record("user \(id) failed: \(error)")
                }
            }
            return users
        }
        #expect(users.map { $0["url"]?.stringValue } == userIDs.map { E2E.base + "/anything/users/\($0)" })
        #expect(users.allSatisfy { $0["headers"]?["Authorization"]?.stringValue == "Bearer token" })
    }

    @Test func gatherReportsFailuresInPlace() async throws {
        let results = await Session().gather([E2E.base + "/get", "http://127.0.0.1:1/", E2E.base + "/status/404"], timeout: 2)
        #expect(try results[0].get().statusCode == 200)
        #expect(throws: Error.self) { try results[1].get() }
        if case .failure(let error) = results[1] { #expect(error is any ConnectionError, "\(error)") }
        #expect(try results[2].get().statusCode == 404)
    }

    @Test func thousandConcurrentRequests() async throws {
        let session = Session(connectionsPerHost: 16)
        let results = await session.gather((0..<1000).map { E2E.base + "/get?i=\($0)" }, timeout: Timeout(connect: .seconds(60), read: .seconds(60)), maxConcurrency: 1000)
        let failures = results.filter { if case .failure = $0 { true } else { false } }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        for (index, result) in results.enumerated() {
            if case .success(let response) = result {
                #expect(response.statusCode == 200)
                #expect(try response.json()["args"]?["i"]?.stringValue == "\(index)")
            }
        }
        try await session.close()
    }
}

/// The seed's REST client class, in Swift.
final class APIClient: Sendable {
    let session: Session

    init(baseURL: String, apiKey: String) {
        session = Session(baseURL: baseURL, headers: ["Authorization": "Bearer \(apiKey)", "Content-Type": "application/json"], timeout: 15)
    }

    func request(_ method: Requests.Method, _ path: String, params: Params? = nil, json: JSON? = nil) async throws -> JSON? {
        let response = try await session.request(method, path, params: params, json: json)
        try response.raiseForStatus()
        return response.content.isEmpty ? nil : try response.json()
    }

    func get(_ path: String, params: Params? = nil) async throws -> JSON? { try await request(.get, path, params: params) }
    func post(_ path: String, _ data: JSON) async throws -> JSON? { try await request(.post, path, json: data) }
    func put(_ path: String, _ data: JSON) async throws -> JSON? { try await request(.put, path, json: data) }
    func delete(_ path: String) async throws -> JSON? { try await request(.delete, path) }
    func close() async throws { try await session.close() }
}

@Suite struct SeedAPIClientTests {
    @Test func apiClientWithBaseURLAndBearer() async throws {
        let client = APIClient(baseURL: E2E.base + "/anything/", apiKey: "abc123")
        let users = try #require(try await client.get("/users", params: ["page": 1]))
        #expect(users["url"]?.stringValue == E2E.base + "/anything/users?page=1")
        #expect(users["headers"]?["Authorization"]?.stringValue == "Bearer abc123")
        let created = try #require(try await client.post("/users", ["name": "Alice"]))
        #expect(created["json"] == ["name": "Alice"])
        #expect(try await client.put("/users/1", ["name": "Bob"])?["method"]?.stringValue == "PUT")
        #expect(try await client.delete("/users/1")?["method"]?.stringValue == "DELETE")
        try await client.close()
    }

    @Test func apiClientRaisesOnStatus() async throws {
        let client = APIClient(baseURL: E2E.base, apiKey: "abc123")
        await #expect(throws: HTTPStatusError.self) { try await client.get("/status/404") }
        try await client.close()
    }
}

// MARK: - Seed: urllib and the cheatsheet

@Suite struct SeedCheatsheetTests {
    @Test func getWithParamsAndTimeout() async throws {
        let response = try await Requests.get(E2E.base + "/get", params: ["key": "value"], timeout: 10)
        try response.raiseForStatus()
        #expect(try response.json()["args"] == ["key": "value"])
    }

    @Test func rawJSONWithExplicitContentType() async throws {
        let response = try await Requests.post(E2E.base + "/post", headers: ["Content-Type": "application/json"], data: #"{"key": "value"}"#, timeout: 10)
        #expect(try response.json()["json"] == ["key": "value"])
    }

    @Test func sessionWithCookiePath() async throws {
        try await Session.with(headers: ["Authorization": "Bearer TOKEN"]) { session in
            _ = try await session.get(E2E.base + "/cookies/set/foo/bar")
            let cookies = try await session.get(E2E.base + "/cookies").json()
            #expect(cookies == ["cookies": ["foo": "bar"]])
        }
    }
}

// MARK: - Capabilities beyond the seeds

@Suite struct EndToEndCapabilityTests {
    @Test
    func redirectChainKeepsHistory() async throws {
        let response = try await Requests.get(E2E.base + "/redirect/3")
        #expect(response.statusCode == 200)
        #expect(response.history.count == 3)
        // httpbun's chain: Locations relative to each hop (2, 1, ../anything), resolved as RFC 3986 says.
        #expect(response.history.map { $0.headers["Location"] } == ["2", "1", "../anything"])
        #expect(response.url.absoluteString == E2E.base + "/anything")
    }

    @Test
    func redirectLimit() async throws {
        let session = Session(maxRedirects: 2)
        await #expect(throws: TooManyRedirects.self) { try await session.get(E2E.base + "/redirect/5") }
        try await session.close()
    }

    @Test(arguments: [(302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")])
    func redirectMethodRules(status: Int, method: String) async throws {
        let response = try await Requests.post(E2E.base + "/redirect-to", params: ["url": "/anything", "status_code": "\(status)"], data: ["k": "v"])
        let echo = try response.json()
        #expect(echo["method"]?.stringValue == method)
        #expect((echo["form"]?["k"]?.stringValue == "v") == (method == "POST"))
    }

    @Test
    func relativeRedirects() async throws {
        let response = try await Requests.get(E2E.base + "/relative-redirect/2")
        #expect(response.history.count == 2)
        #expect(response.history.allSatisfy { $0.headers["Location"]?.hasPrefix("/") == false })
        #expect(response.url.absoluteString == E2E.base + "/anything")
        let absolute = try await Requests.get(E2E.base + "/absolute-redirect/2")
        #expect(absolute.history.map { $0.headers["Location"] } == ["/absolute-redirect/1", "/anything"])
    }

    @Test
    func credentialsStayOnTheirHost() async throws {
        // 127.0.0.1 and localhost are different hosts to a client: the Authorization must not follow.
        let port = URL(string: E2E.base)!.port!
        let elsewhere = "http://localhost:\(port)/headers"
        let session = Session(auth: .bearer("secret"))
        let sameHost = try await session.get(E2E.base + "/redirect-to", params: ["url": "/headers"]).json()
        #expect(sameHost["headers"]?["Authorization"]?.stringValue == "Bearer secret")
        let response = try await session.get(E2E.base + "/redirect-to", params: ["url": elsewhere])
        if response.statusCode == 200 {
            #expect(try response.json()["headers"]?["Authorization"] == nil)
            #expect(response.url.host == "localhost")
        } else {
            Issue.record("the redirect to localhost was refused: \(response.statusCode) \(response.text)")
        }
        try await session.close()
    }

    @Test
    func gzipAndDeflateAreDecoded() async throws {
        let gzip = try await Requests.get(E2E.base + "/gzip").json()
        #expect(gzip["gzipped"] == true)
        let deflate = try await Requests.get(E2E.base + "/deflate").json()
        #expect(deflate["deflated"] == true)
    }

    @Test
    func streamLines() async throws {
        let response = try await Requests.get(E2E.base + "/stream/3", stream: true)
        var ids: [Int] = []
        for try await line in response.body.lines where !line.isEmpty {
            ids.append(try JSON.parse(line)["id"]?.intValue ?? -1)
        }
        #expect(ids == [0, 1, 2])
    }

    @Test
    func dripStreamsBytes() async throws {
        let response = try await Requests.get(E2E.base + "/drip", params: ["duration": "0.5", "numbytes": "5"], stream: true)
        var total = 0
        for try await chunk in response.body { total += chunk.count }
        #expect(total == 5)
    }

    @Test
    func unstableEventuallySucceedsWithRetries() async throws {
        // Unseeded, each try fails with probability 0.5: 31 failures in a row has odds of 2^-31.
        let attempts = Recorder<Int>()
        let session = Session()
        session.mount("http://", Adapter(retry: Retry(total: 30, backoffFactor: 0.001, backoffMax: 0.01, statusForcelist: [500])))
        session.hooks.response.append { attempts.append($0.statusCode) }
        for _ in 1...3 {
            #expect(try await session.get(E2E.base + "/unstable", params: ["failure_rate": "0.5"]).statusCode == 200)
        }
        #expect(attempts.all.filter { $0 == 200 }.count == 3)
        #expect(attempts.all.allSatisfy { $0 == 200 || $0 == 500 })
        try await session.close()
    }

    @Test
    func unstableThatAlwaysFailsExhaustsRetries() async throws {
        let waits = Recorder<Duration>()
        let attempts = Recorder<Int>()
        let session = Session()
        session.mount("http://", Adapter(retry: Retry(total: 4, backoffFactor: 0.5, statusForcelist: [500], clock: recordingClock(waits))))
        session.hooks.response.append { attempts.append($0.statusCode) }
        let error = await #expect(throws: RetryError.self) {
            try await session.get(E2E.base + "/unstable", params: ["failure_rate": "1"])
        }
        #expect(error?.response.statusCode == 500)
        #expect(attempts.all == [500, 500, 500, 500, 500])
        #expect(waits.all == [.seconds(1), .seconds(2), .seconds(4)])
        try await session.close()
    }

    @Test func totalTimeout() async throws {
        await #expect(throws: TotalTimeout.self) {
            try await Requests.get(E2E.base + "/delay/3", timeout: Timeout(connect: .seconds(5), read: .seconds(10), total: .milliseconds(500)))
        }
    }

    @Test func streamedEchoByChunksAndLines() async throws {
        let streamed = try await Requests.get(E2E.base + "/get", params: ["s": "1"], stream: true)
        #expect(streamed.content.isEmpty)
        var lines: [String] = []
        for try await line in streamed.body.lines { lines.append(line) }
        #expect(lines.first == "{")
        #expect(lines.contains { $0.contains(#""s": "1""#) })
        let again = try await Requests.get(E2E.base + "/get", stream: true)
        let bytes = try await again.body.collect()
        #expect(try JSON.parse(bytes)["method"]?.stringValue == "GET")
    }

    @Test func rawBodyStreamedFromDisk() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("requests-e2e-raw-\(UUID().uuidString).txt").path
        try Data(repeating: UInt8(ascii: "y"), count: 700_000).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let echo = try await Requests.post(E2E.base + "/post", headers: ["Content-Type": "text/plain"], data: .body(try .file(path))).json()
        #expect(echo["data"]?.stringValue?.count == 700_000)
        #expect(echo["headers"]?["Content-Length"]?.stringValue == "700000")
    }

    @Test func chunkedUploadOfUnknownLength() async throws {
        let body = RequestBody.stream {
            AsyncThrowingStream { continuation in
                for part in ["one ", "two ", "three"] { continuation.yield(Array(part.utf8)) }
                continuation.finish()
            }
        }
        let echo = try await Requests.put(E2E.base + "/put", headers: ["Content-Type": "text/plain"], data: .body(body)).json()
        #expect(echo["data"]?.stringValue == "one two three")
        #expect(echo["headers"]?["Transfer-Encoding"]?.stringValue == "chunked")
    }

    @Test func connectionsPerHostLimitQueuesRequests() async throws {
        // One connection: three 0.4 s requests cannot overlap, so together they take at least 1.2 s.
        // (A lower bound only: a slow machine cannot make this fail.)
        let session = Session(connectionsPerHost: 1)
        let start = ContinuousClock.now
        let results = await session.gather(Array(repeating: E2E.base + "/delay/0.4", count: 3))
        let elapsed = ContinuousClock.now - start
        #expect(results.allSatisfy { (try? $0.get().statusCode) == 200 })
        #expect(elapsed >= .milliseconds(1200))
        try await session.close()
    }

    @Test func closedSessionRefusesFurtherCalls() async throws {
        let session = Session()
        #expect(try await session.get(E2E.base + "/get").ok)
        try await session.close()
        await #expect(throws: SessionClosed.self) { try await session.get(E2E.base + "/get") }
    }

    @Test func invalidJSONNamesTheURL() async throws {
        let response = try await Requests.get(E2E.base + "/status/204")
        let error = #expect(throws: InvalidJSON.self) { try response.json() }
        #expect(error?.description.contains("/status/204") == true)
    }

    @Test func responseMetadata() async throws {
        let response = try await Requests.get(E2E.base + "/get")
        #expect(response.reason == "OK")
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(response.elapsed > .zero)
        #expect(response.text.hasSuffix("}\n"))
    }
}

@Suite struct HugeTimeoutTests {
    @Test("timeouts beyond ~292 years of nanoseconds saturate instead of trapping")
    func hugeTimeouts() async throws {
        let timeout = Timeout(connect: .seconds(1e12), read: .seconds(Int64.max), total: .seconds(1e12))
        let response = try await Requests.get(E2E.base + "/get", timeout: timeout)
        #expect(response.statusCode == 200)
    }
}

@Suite struct SharedTransportTests {
    @Test("closing a session that borrows the shared transport leaves it open for everyone else")
    func sharedSurvivesClose() async throws {
        let mounted = Session()
        mounted.mount("http://", Adapter(transport: AsyncHTTPClientTransport.shared))
        #expect(try await mounted.get(E2E.base + "/get").statusCode == 200)
        try await mounted.close()
        let given = Session(transport: AsyncHTTPClientTransport.shared)
        try await given.close()
        #expect(try await Requests.get(E2E.base + "/get").statusCode == 200)
        // A transport of one's own is closed with its session.
        let own = AsyncHTTPClientTransport()
        let session = Session(transport: own)
        try await session.close()
        await #expect(throws: SessionClosed.self) { try await own.send(try Request(.get, url: E2E.base + "/get")) }
    }
}
