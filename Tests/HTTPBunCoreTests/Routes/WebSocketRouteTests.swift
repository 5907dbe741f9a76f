@testable import HTTPBunCore
import JSONValue
import Testing
import WebSocket

/// RFC 6455 §1.3's sample handshake.
let handshake: HTTPHeaders = [
    "Host": "example.com", "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
]

func handshake(without name: String? = nil, setting extra: [(String, String)] = []) -> HTTPHeaders {
    var headers = handshake
    if let name { headers.remove(name) }
    for (name, value) in extra { headers.set(name, value) }
    return headers
}

@Suite("go-httpbin's /websocket/echo: the opening handshake and the limits, in every flavor")
struct WebSocketRouteTests {
    @Test("a valid handshake switches with RFC 6455's accept value and the default limits", arguments: Flavor.allCases)
    func switches(flavor: Flavor) throws {
        let response = respond("GET", "/websocket/echo", headers: handshake, configuration: ServerConfiguration(flavor: flavor))
        #expect(response.status == 101)
        #expect(response.headers["Upgrade"] == "websocket")
        #expect(response.headers["Connection"] == "upgrade")
        #expect(response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        guard case .webSocket(let limits) = response.body else {
            Issue.record("expected a WebSocket body, got \(response.body)")
            return
        }
        #expect(limits == WebSocketLimits(maxFragmentSize: 8 * 1024 * 1024, maxMessageSize: 16 * 1024 * 1024), "go-httpbin's: half the body limit, the body limit")
    }

    @Test("header values are tokens in any case, in lists")
    func tokens() {
        let headers = handshake(setting: [("Upgrade", "WebSocket"), ("Connection", "keep-alive, Upgrade")])
        #expect(respond("GET", "/websocket/echo", headers: headers).status == 101)
        var twoLines = handshake(without: "Connection")
        twoLines.add("Connection", "keep-alive")
        twoLines.add("Connection", " upgrade ")
        #expect(respond("GET", "/websocket/echo", headers: twoLines).status == 101)
    }

    @Test("a bad handshake is go-httpbin's JSON 400", arguments: [
        (handshake(without: "Upgrade"), "missing required `Upgrade: websocket` header"),
        (handshake(setting: [("Upgrade", "h2c")]), "missing required `Upgrade: websocket` header"),
        (handshake(without: "Connection"), "missing required `Connection: upgrade` header"),
        (handshake(setting: [("Connection", "keep-alive")]), "missing required `Connection: upgrade` header"),
        (handshake(without: "Sec-WebSocket-Key"), "missing required `Sec-Websocket-Key` header"),
        (handshake(setting: [("Sec-WebSocket-Key", "not base64 at all!!!!!!")]), "`Sec-Websocket-Key` must be 16 bytes in base64, got \"not base64 at all!!!!!!\""),
        (handshake(setting: [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ")]), "`Sec-Websocket-Key` must be 16 bytes in base64, got \"dGhlIHNhbXBsZSBub25jZQ\""),
        (handshake(setting: [("Sec-WebSocket-Key", "c2hvcnQ=")]), "`Sec-Websocket-Key` must be 16 bytes in base64, got \"c2hvcnQ=\""),
    ] as [(HTTPHeaders, String)])
    func badHandshake(headers: HTTPHeaders, detail: String) throws {
        for flavor in Flavor.allCases {
            let response = respond("GET", "/websocket/echo", headers: headers, configuration: ServerConfiguration(flavor: flavor))
            #expect(response.status == 400)
            #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(try response.json == ["status_code": 400, "error": "Bad Request", "detail": .string(detail)])
            #expect(response.headers["Sec-WebSocket-Accept"] == nil)
        }
    }

    @Test("another version is a 426 that names version 13 (RFC 6455 §4.4)")
    func version() throws {
        let response = respond("GET", "/websocket/echo", headers: handshake(setting: [("Sec-WebSocket-Version", "8")]))
        #expect(response.status == 426)
        #expect(response.headers["Sec-WebSocket-Version"] == "13")
        #expect(try response.json == ["status_code": 426, "error": "Upgrade Required", "detail": "only websocket version \"13\" is supported, got \"8\""])
        #expect(respond("GET", "/websocket/echo", headers: handshake(without: "Sec-WebSocket-Version")).status == 426)
    }

    @Test("only GET over HTTP/1.1: other methods are the flavor's 405, HTTP/1.0 a 400")
    func methodAndVersion() throws {
        let post = respond("POST", "/websocket/echo", headers: handshake)
        #expect(post.status == 405)
        #expect(post.headers["Allow"] == "GET, HEAD, OPTIONS")
        let flask = respond("POST", "/websocket/echo", headers: handshake, configuration: ServerConfiguration(flavor: .httpbin))
        #expect(flask.status == 405)
        #expect(flask.headers["Content-Type"] == "text/html; charset=utf-8", "Flask's 405 page")
        let old = Router().respond(to: Request(method: "GET", target: "/websocket/echo", headers: handshake, version: "HTTP/1.0"))
        #expect(old.status == 400)
        #expect(try old.json["detail"] == "a WebSocket handshake needs HTTP/1.1, not HTTP/1.0")
    }

    @Test("max_fragment_size and max_message_size as go-httpbin reads them")
    func limits() throws {
        let chosen = respond("GET", "/websocket/echo?max_fragment_size=100&max_message_size=200", headers: handshake)
        guard case .webSocket(let limits) = chosen.body else {
            Issue.record("expected a WebSocket body")
            return
        }
        #expect(limits == WebSocketLimits(maxFragmentSize: 100, maxMessageSize: 200))
        let small = ServerConfiguration(maxBodySize: 1000)
        func detail(_ query: String, _ configuration: ServerConfiguration = ServerConfiguration()) throws -> String? {
            let response = respond("GET", "/websocket/echo?" + query, headers: handshake, configuration: configuration)
            #expect(response.status == 400, "\(query)")
            return try response.json["detail"]?.stringValue
        }
        #expect(try detail("max_fragment_size=abc") == "invalid max_fragment_size: strconv.ParseInt: parsing \"abc\": invalid syntax")
        #expect(try detail("max_message_size=1.5") == "invalid max_message_size: strconv.ParseInt: parsing \"1.5\": invalid syntax")
        #expect(try detail("max_message_size=99999999999") == "invalid max_message_size: strconv.ParseInt: parsing \"99999999999\": value out of range")
        #expect(try detail("max_fragment_size=0") == "invalid max_fragment_size: 0 not in range [1, 16777216]")
        #expect(try detail("max_message_size=1001", small) == "invalid max_message_size: 1001 not in range [1, 1000]")
        #expect(try detail("max_message_size=100", small) == "max_fragment_size 500 must be less than or equal to max_message_size 100",
                "the default fragment size is checked against a chosen message size")
        #expect(try detail("max_fragment_size=10&max_message_size=5") == "max_fragment_size 10 must be less than or equal to max_message_size 5")
        // As go-httpbin: the limits are read before the handshake, and an empty value is no value.
        #expect(try detail("max_fragment_size=-1") == "invalid max_fragment_size: -1 not in range [1, 16777216]")
        #expect(respond("GET", "/websocket/echo?max_fragment_size=&max_message_size=%2B16777216", headers: handshake).status == 101)
        #expect(try detail("max_message_size=+64") == "invalid max_message_size: strconv.ParseInt: parsing \" 64\": invalid syntax", "a query's + is a space")
        let noHandshake = respond("GET", "/websocket/echo?max_fragment_size=x")
        #expect(try noHandshake.json["detail"] == "invalid max_fragment_size: strconv.ParseInt: parsing \"x\": invalid syntax")
    }

    @Test("Sec-WebSocket-Accept: RFC 6455 §1.3's example, and another key checked with python's hashlib")
    func acceptValues() {
        #expect(WebSocketRoutes.acceptValue(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketRoutes.acceptValue(key: "CSIRmL8dWYxeAdr/XpEHRw==") == "Cl08BPHCO6KrG+lBD2wp0+jmtMQ=")
    }

    @Test("the catalogue lists it, GET only, with its two query limits")
    func catalogue() throws {
        let endpoint = try #require(Catalogue.endpoints.first { $0.pattern == "/websocket/echo" })
        #expect(endpoint.methods == ["GET"])
        #expect(endpoint.query.map(\.name) == ["max_fragment_size", "max_message_size"])
        for flavor in Flavor.allCases {
            #expect(flavor.listedEndpoints.contains { $0.pattern == "/websocket/echo" })
        }
    }
}
