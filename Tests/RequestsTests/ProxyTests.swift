// Proxies (issue 21): through proxy.py, a real proxy that speaks CONNECT, and a SOCKS5 server of our
// own, each proven by the proxy's own log; NO_PROXY as requests reads it, checked against requests itself.
import Foundation
import HTTPBun
import JSONValue
import Testing
@testable import Requests

@Suite(.serialized, .enabled(if: ProxyHarness.available, Comment(rawValue: ProxyHarness.missing)))
struct ProxyTests {
    @Test("a session's http proxy carries the request, tunnelled with CONNECT (proxy.py's log)")
    func sessionProxy() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy()
        defer { proxy.stop() }
        let session = Session(proxies: ["http": proxy.url], trustEnv: false)
        let echo = try await session.get(server.baseURL + "/get", params: ["via": "proxy"]).json()
        #expect(echo["args"]?["via"]?.stringValue == "proxy")
        try await session.close()   // proxy.py logs a tunnel when it closes
        let tunnels = await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)")
        #expect(tunnels.count == 1, "proxy log:\n\(proxy.log)")
    }

    @Test("a call's proxies win over the session's, and the other scheme's entry is not used")
    func callProxies() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy()
        defer { proxy.stop() }
        let session = Session(proxies: ["http": "http://127.0.0.1:9"], trustEnv: false)   // nothing listens on 9
        #expect(try await session.get(server.baseURL + "/get", proxies: ["http": proxy.url]).statusCode == 200)
        // An https-only mapping leaves an http URL alone: straight to the server.
        let direct = Session(proxies: ["https": "http://127.0.0.1:9"], trustEnv: false)
        #expect(try await direct.get(server.baseURL + "/status/204").statusCode == 204)
        try await direct.close()
        try await session.close()
        #expect(await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)").count == 1, "\(proxy.log)")
        // The top-level functions take proxies too (on the shared transport).
        #expect(try await Requests.get(server.baseURL + "/get", proxies: ["all": proxy.url]).statusCode == 200)
    }

    @Test("HTTP_PROXY from the environment under trustEnv; NO_PROXY and trustEnv: false bypass it")
    func environmentProxy() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy()
        defer { proxy.stop() }
        let tunnel = "CONNECT 127.0.0.1:\(server.port)"

        let viaEnvironment = Session()
        viaEnvironment.useEnvironment(["HTTP_PROXY": proxy.url])
        #expect(try await viaEnvironment.get(server.baseURL + "/get").statusCode == 200)
        try await viaEnvironment.close()
        #expect(await proxy.lines(containing: tunnel).count == 1, "\(proxy.log)")

        // Lowercase wins over uppercase, as in urllib: a dead uppercase proxy is not used.
        let lowercase = Session()
        lowercase.useEnvironment(["http_proxy": proxy.url, "HTTP_PROXY": "http://127.0.0.1:9"])
        #expect(try await lowercase.get(server.baseURL + "/get").statusCode == 200)
        try await lowercase.close()
        #expect(await proxy.lines(containing: tunnel, atLeast: 2).count == 2, "\(proxy.log)")

        for bypass in [["NO_PROXY": "127.0.0.1"], ["no_proxy": "localhost,127.0.0.0/8"], ["NO_PROXY": "*"]] {
            let exempt = Session()
            exempt.useEnvironment(bypass.merging(["HTTP_PROXY": "http://127.0.0.1:9"]) { a, _ in a })
            #expect(try await exempt.get(server.baseURL + "/get").statusCode == 200, "\(bypass)")
            try await exempt.close()
        }
        // host:port exempts that port of a named host (for an IP address requests ignores the port form).
        let namedPort = Session()
        namedPort.useEnvironment(["HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "localhost:\(server.port)"])
        #expect(try await namedPort.get("http://localhost:\(server.port)/get").statusCode == 200)
        try await namedPort.close()
        // A NO_PROXY entry for another port does not exempt this one.
        let otherPort = Session()
        otherPort.useEnvironment(["HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1:1"])
        _ = try await otherPort.get(server.baseURL + "/get")
        try await otherPort.close()
        #expect(await proxy.lines(containing: tunnel, atLeast: 3).count == 3, "\(proxy.log)")

        // A "no_proxy" entry in the mapping stands in for NO_PROXY, as in requests.
        let mapped = Session(proxies: ["no_proxy": "127.0.0.1"])
        mapped.useEnvironment(["HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "other.test"])
        #expect(try await mapped.get(server.baseURL + "/get").statusCode == 200)
        try await mapped.close()

        let untrusting = Session(trustEnv: false)
        untrusting.useEnvironment(["HTTP_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9"])
        #expect(try await untrusting.get(server.baseURL + "/get").statusCode == 200)
        try await untrusting.close()

        // NO_PROXY exempts from the environment's proxies only, never from the ones given (as requests).
        let given = Session(proxies: ["http": proxy.url])
        given.useEnvironment(["NO_PROXY": "*"])
        #expect(try await given.get(server.baseURL + "/get").statusCode == 200)
        try await given.close()
        #expect(await proxy.lines(containing: tunnel, atLeast: 4).count == 4, "\(proxy.log)")
    }

    @Test("ALL_PROXY covers https too: the CONNECT tunnel carries TLS to our self-signed server")
    func httpsThroughTheProxy() async throws {
        let (identity, authority) = try TLSIdentity.selfSigned(hosts: ["127.0.0.1"])
        let server = try HTTPBunServer.start(ServerConfiguration(tls: identity))
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy()
        defer { proxy.stop() }
        let session = Session(trust: .authorities(pem: authority))
        session.useEnvironment(["ALL_PROXY": proxy.url])
        let echo = try await session.get(server.baseURL + "/get").json()
        #expect(echo["url"]?.stringValue == server.baseURL + "/get")
        try await session.close()
        #expect(await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)").count == 1, "\(proxy.log)")
    }

    @Test("a proxy that wants Basic credentials: from the proxy URL; without them, ProxyError")
    func proxyAuthentication() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy(basicAuth: "user:p@ss")
        defer { proxy.stop() }
        let session = Session(trustEnv: false)
        let authorized = try await session.get(server.baseURL + "/headers", proxies: ["http": "http://user:p%40ss@127.0.0.1:\(proxy.port)"]).json()
        // The proxy's credentials go to the proxy only, never to the server.
        #expect(authorized["headers"]?["Proxy-Authorization"] == nil)
        #expect(authorized["headers"]?["Authorization"] == nil)
        do {
            _ = try await session.get(server.baseURL + "/get", proxies: ["http": proxy.url])
            Issue.record("the proxy let a request without credentials through")
        } catch let error as ProxyError {
            #expect(error.description.contains("407"), "\(error)")
        }
        do {
            _ = try await session.get(server.baseURL + "/get", proxies: ["http": "http://user:wrong@127.0.0.1:\(proxy.port)"])
            Issue.record("the proxy accepted a wrong password")
        } catch is ProxyError {}
        try await session.close()
        #expect(await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)").count >= 1, "\(proxy.log)")
        #expect(proxy.log.contains("ProxyAuthenticationFailed"), "\(proxy.log)")
    }

    @Test("python requests on the same proxy: the same answers, but plain http in absolute form where we CONNECT")
    func requestsOnTheSameProxy() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy(basicAuth: "user:pass")
        defer { proxy.stop() }
        let authorized = "http://user:pass@127.0.0.1:\(proxy.port)"
        let script = """
            import json, sys, requests
            url, proxy, bare = sys.stdin.read().split()
            with_credentials = requests.get(url, proxies={"http": proxy})
            without = requests.get(url, proxies={"http": bare})
            print(json.dumps({"args": with_credentials.json()["args"], "without": without.status_code}))
            """
        let output = try ProxyHarness.runPython(script, stdin: "\(server.baseURL)/get?who=requests \(authorized) \(proxy.url)")
        let theirs = try JSON.parse(output)
        #expect(theirs["args"]?["who"]?.stringValue == "requests", "\(output)")
        // requests gets the proxy's 407 as a response for a plain http URL (it sends no CONNECT to fail).
        #expect(theirs["without"]?.intValue == 407, "\(output)")
        #expect(await proxy.lines(containing: "GET 127.0.0.1:\(server.port)/get").count == 1, "\(proxy.log)")

        let session = Session(trustEnv: false)
        let ours = try await session.get(server.baseURL + "/get", params: ["who": "swift"], proxies: ["http": authorized]).json()
        #expect(ours["args"]?["who"]?.stringValue == "swift")
        await #expect(throws: ProxyError.self) { try await session.get(server.baseURL + "/get", proxies: ["http": proxy.url]) }
        try await session.close()
        #expect(await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)").count == 1, "\(proxy.log)")
    }

    @Test("socks5:// through a SOCKS5 server; the host name goes to the proxy to resolve")
    func socks5() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let socks = try ProxyHarness.startSOCKS5()
        defer { socks.stop() }
        let session = Session(proxies: ["all": "socks5://127.0.0.1:\(socks.port)"], trustEnv: false)
        #expect(try await session.get(server.baseURL + "/get").statusCode == 200)
        #expect(try await session.get("http://localhost:\(server.port)/get").statusCode == 200)
        try await session.close()
        #expect(await socks.lines(containing: "CONNECT 127.0.0.1:\(server.port)").count == 1, "\(socks.log)")
        #expect(await socks.lines(containing: "CONNECT localhost:\(server.port)").count == 1, "\(socks.log)")

        let fromEnvironment = Session()
        fromEnvironment.useEnvironment(["ALL_PROXY": "socks5h://127.0.0.1:\(socks.port)"])
        #expect(try await fromEnvironment.get(server.baseURL + "/get").statusCode == 200)
        try await fromEnvironment.close()
        #expect(await socks.lines(containing: "CONNECT 127.0.0.1:\(server.port)", atLeast: 2).count == 2, "\(socks.log)")
    }

    @Test("each distinct proxy gets a client, and no more than four are kept")
    func clientsStayBounded() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let proxy = try ProxyHarness.startHTTPProxy()
        defer { proxy.stop() }
        let transport = AsyncHTTPClientTransport()
        let session = Session(transport: transport, trustEnv: false)
        // The same proxy written six ways: six keys (user names differ), one proxy.py.
        for user in 0..<6 {
            let url = "http://u\(user):x@127.0.0.1:\(proxy.port)"
            #expect(try await session.get(server.baseURL + "/get", proxies: ["http": url]).statusCode == 200)
            #expect(transport.keptClientCount <= AsyncHTTPClientTransport.maxClients)
        }
        #expect(transport.keptClientCount == AsyncHTTPClientTransport.maxClients)
        try await session.close()
        #expect(await proxy.lines(containing: "CONNECT 127.0.0.1:\(server.port)", atLeast: 6).count == 6, "\(proxy.log)")
    }

    @Test("NO_PROXY decisions match requests' should_bypass_proxies, case by case")
    func noProxyMatchesRequests() throws {
        let cases: [(url: String, noProxy: String)] = [
            ("http://127.0.0.1:8080/", "127.0.0.1"), ("http://127.0.0.1:8080/", "127.0.0.2"),
            ("http://10.1.2.3/", "10.0.0.0/8"), ("http://11.1.2.3/", "10.0.0.0/8"), ("http://10.1.2.3/", "10.1.2.3/32"),
            ("http://api.example.com/", "example.com"), ("http://myexample.com/", "example.com"),
            ("http://example.com/", ".example.com"), ("http://api.example.com/", ".example.com"),
            ("http://example.org/", "example.com"), ("http://localhost:8080/", "localhost:8080"),
            ("http://localhost:9090/", "localhost:8080"), ("http://anything.test/", "*"), ("http://127.0.0.1:8080/", "127.0.0.1:8080"),
            ("http://a.test/", " b.test , a.test "), ("http://EXAMPLE.com/", "example.COM"),
            ("http://127.0.0.1/", "0.0.1"), ("http://host.test/", ""), ("http://host.test:81/", "st.test:81"),
        ]
        var lines = ""
        for (url, noProxy) in cases { lines += "\(url)\t\(noProxy)\n" }
        let script = """
            import sys, requests.utils
            for line in sys.stdin.read().splitlines():
                url, no_proxy = line.split("\\t")
                print(requests.utils.should_bypass_proxies(url, no_proxy=no_proxy or None))
            """
        let answers = try ProxyHarness.runPython(script, stdin: lines).split(separator: "\n").map { $0 == "True" }
        try #require(answers.count == cases.count, "requests answered: \(answers)")
        for (index, (url, noProxy)) in cases.enumerated() {
            let parsed = try #require(URL(string: url))
            let ours = EnvironmentProxies.bypasses(host: parsed.host!.lowercased(), port: parsed.port, noProxy: noProxy)
            #expect(ours == answers[index], "\(url) with NO_PROXY=\(noProxy): ours \(ours), requests \(answers[index])")
        }
    }
}

@Suite struct ProxySelectionTests {
    @Test func keysFromMostToLeastSpecific() throws {
        let proxies: Proxies = ["http://special.test": "http://a:1", "http": "http://b:2", "all://other.test": "http://c:3", "all": "socks5://d:4"]
        #expect(proxies.proxyURL(scheme: "http", host: "special.test") == "http://a:1")
        #expect(proxies.proxyURL(scheme: "http", host: "x.test") == "http://b:2")
        #expect(proxies.proxyURL(scheme: "https", host: "other.test") == "http://c:3")
        #expect(proxies.proxyURL(scheme: "https", host: "x.test") == "socks5://d:4")
        #expect(Proxies(["http": "http://mine:1"]).merging(["http": "http://session:2", "https": "http://s:3"]).entries
            == ["http": "http://mine:1", "https": "http://s:3"])
    }

    @Test func proxyURLsAsRequestsReadsThem() throws {
        let plain = try ProxyServer(url: "127.0.0.1:3128")
        #expect(plain.kind == .http && plain.host == "127.0.0.1" && plain.port == 3128 && plain.username == nil)
        let withCredentials = try ProxyServer(url: "http://us%3Aer:p%40ss@proxy.test")
        #expect(withCredentials.port == 80)
        #expect(withCredentials.username == "us:er" && withCredentials.password == "p@ss")
        #expect(try ProxyServer(url: "socks5h://[::1]").host == "::1")
        #expect(try ProxyServer(url: "socks5://h").port == 1080)
        #expect(throws: InvalidURL.self) { try ProxyServer(url: "https://proxy.test:443") }
        #expect(throws: InvalidURL.self) { try ProxyServer(url: "socks4://proxy.test") }
        #expect(throws: InvalidURL.self) { try ProxyServer(url: "socks5://u:p@proxy.test") }
    }

    @Test func environmentPrefersLowercaseAndFallsBackToAll() {
        let environment = EnvironmentProxies(lookup: ["HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "ALL_PROXY": "socks5://all:3"].get)
        #expect(environment.https == "http://lower:2")
        let url = URL(string: "http://x.test/")!
        #expect(environment.proxyURL(for: url, scheme: "http", host: "x.test") == "socks5://all:3")
        #expect(EnvironmentProxies(lookup: ["http_proxy": ""].get).isEmpty)
    }
}

extension Dictionary where Key == String, Value == String {
    /// The dictionary as an environment lookup.
    var get: (String) -> String? { { self[$0] } }
}
