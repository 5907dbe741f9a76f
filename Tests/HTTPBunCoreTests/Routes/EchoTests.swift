@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("Echo: /get /post /put /patch /delete /anything")
struct EchoTests {
    @Test("GET /get answers the exact echo object, keys in order, repeated args as lists")
    func getEchoIsExact() {
        let response = respond("GET", "/get?a=1&a=2&b&c=%E2%82%AC+x", headers: ["Host": "example.com", "user-agent": "tester/1"])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Access-Control-Allow-Origin"] == nil)
        #expect(response.headers["X-Powered-By"] == "httpbun/")
        #expect(
            response.bodyText == """
                {
                  "method": "GET",
                  "args": {
                    "a": [
                      "1",
                      "2"
                    ],
                    "b": "",
                    "c": "€ x"
                  },
                  "headers": {
                    "Host": "example.com",
                    "User-Agent": "tester/1"
                  },
                  "origin": "127.0.0.1",
                  "url": "http://example.com/get?a=1&a=2&b&c=%E2%82%AC+x",
                  "form": {},
                  "data": "",
                  "json": null,
                  "files": {}
                }

                """)
    }

    @Test("repeated request headers become a list, in wire order")
    func repeatedHeaders() throws {
        let response = respond("GET", "/get", headers: ["Host": "h", "X-Tag": "one", "x-tag": "two"])
        #expect(try response.json["headers"]?["X-Tag"] == ["one", "two"])
    }

    @Test("urlencoded bodies fill form, data stays empty")
    func formBody() throws {
        let response = respond(
            "POST", "/post", headers: ["Host": "h", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            text: "username=test&password=1234&k=1&k=2")
        let json = try response.json
        #expect(json["method"] == "POST")
        #expect(json["form"] == ["username": "test", "password": "1234", "k": ["1", "2"]])
        #expect(json["form"]?.objectValue?.keys == ["username", "password", "k"])
        #expect(json["data"] == "")
        #expect(json["json"] == .null)
    }

    @Test("JSON bodies: data is the raw text, json the parsed value with numbers as sent")
    func jsonBody() throws {
        let raw = #"{"id": 1, "name": "lee", "price": 1.50, "nested": {"z": [true, null]}}"#
        let response = respond("PUT", "/put", headers: ["Host": "h", "Content-Type": "Application/JSON"], text: raw)
        let json = try response.json
        #expect(json["data"] == .string(raw))
        #expect(json["json"]?["price"]?.numberText == "1.50")
        #expect(json["json"]?["nested"]?["z"] == [true, nil])
        #expect(response.bodyText.contains(#""price": 1.50"#))
    }

    @Test("+json media types are parsed as JSON")
    func plusJSON() throws {
        let response = respond("PATCH", "/patch", headers: ["Host": "h", "Content-Type": "application/merge-patch+json"], text: #"{"a":1}"#)
        #expect(try response.json["json"] == ["a": 1])
    }

    @Test("invalid JSON is not an error: json is null, data keeps the text")
    func invalidJSON() throws {
        let response = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "application/json"], text: "{not json")
        #expect(response.status == 200)
        #expect(try response.json["json"] == .null)
        #expect(try response.json["data"] == "{not json")
    }

    @Test("raw text without Content-Type is echoed as data")
    func rawText() throws {
        let response = respond("POST", "/post", headers: ["Host": "h"], text: "hello <world> & ünïcode")
        #expect(try response.json["data"] == "hello <world> & ünïcode")
        #expect(response.bodyText.contains("hello <world> & ünïcode"), "no HTML escaping, UTF-8 kept")
    }

    @Test("binary bodies are echoed in base64, as Go encodes httpbun's []byte; a JSON body stays text")
    func binaryBody() throws {
        let response = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "application/octet-stream"], body: [0xFF, 0x00, 0xFE])
        #expect(try response.json["data"] == "/wD+")
        let json = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "application/json"], body: [0x22, 0xFF, 0x22])
        #expect(try json.json["data"] == "\"\u{FFFD}\"")
    }

    @Test("multipart bodies: fields in form, files with filename, size, headers and content")
    func multipartBody() throws {
        let body = """
            --XyZ\r
            Content-Disposition: form-data; name="description"\r
            \r
            Profile photo\r
            --XyZ\r
            Content-Disposition: form-data; name="file"; filename="test.txt"\r
            Content-Type: text/plain\r
            \r
            hello file\r
            --XyZ\r
            Content-Disposition: form-data; name="blob"; filename="b.bin"\r
            Content-Type: application/octet-stream\r
            \r

            """
        var bytes = Array(body.utf8) + [0xFF, 0xD8, 0x00] + Array("\r\n--XyZ--\r\n".utf8)
        let response = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "multipart/form-data; boundary=XyZ"], body: bytes)
        #expect(response.status == 200)
        let json = try response.json
        #expect(json["form"] == ["description": "Profile photo"])
        #expect(
            json["files"]?["file"] == [
                "filename": "test.txt", "size": 10,
                "headers": ["Content-Disposition": #"form-data; name="file"; filename="test.txt""#, "Content-Type": "text/plain"],
                "content": "hello file",
            ])
        #expect(json["files"]?["blob"]?["content"] == "/9gA")
        #expect(json["files"]?["blob"]?["size"] == 3)
        #expect(json["data"] == "")
        bytes.removeLast(12)  // cut the closing boundary
        let truncated = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "multipart/form-data; boundary=XyZ"], body: bytes)
        #expect(truncated.status == 400)
        #expect(try truncated.json["error"]?.stringValue?.isEmpty == false)
    }

    @Test("multipart without a boundary is a 400 that says so")
    func multipartWithoutBoundary() throws {
        let response = respond("POST", "/post", headers: ["Host": "h", "Content-Type": "multipart/form-data"], text: "x")
        #expect(response.status == 400)
        #expect(try response.json["error"]?.stringValue?.contains("boundary") == true)
    }

    @Test("/anything takes every method and any sub-path")
    func anything() throws {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "X-CUSTOM"] {
            let response = respond(method, "/anything/users/42?x=1")
            #expect(response.status == 200)
            #expect(try response.json["method"] == .string(method))
            #expect(try response.json["url"] == "http://example.com/anything/users/42?x=1")
        }
        #expect(respond("GET", "/anything").status == 200)
        #expect(respond("GET", "/any/thing").status == 200)
    }

    @Test("httpbun's /any(thing)?\\b.* : a word boundary after any or anything, not a slash")
    func anythingWordBoundary() throws {
        for path in ["/anything.json", "/any-x", "/any%20x", "/anything-else/y", "/any.", "/anything?q=1"] {
            let response = respond("POST", path)
            #expect(response.status == 200, "\(path)")
            #expect(try response.json["method"] == "POST", "\(path)")
        }
        for path in ["/anymore", "/anything_x", "/anythingx", "/an", "/xany"] {
            #expect(respond("GET", path).status == 404, "\(path)")
        }
        // Under a prefix the rule applies below it, and nowhere else.
        let configuration = ServerConfiguration(pathPrefix: "/p")
        #expect(respond("GET", "/p/anything.json", configuration: configuration).status == 200)
        #expect(respond("GET", "/anything.json", configuration: configuration).status == 404)
        // httpbin's flavor has no such rule.
        #expect(respond("GET", "/anything.json", configuration: ServerConfiguration(flavor: .httpbin)).status == 404)
    }

    @Test("method routes refuse other methods with httpbun's empty 405, Allow and Access-Control-Allow-Methods")
    func methodNotAllowed() throws {
        let response = respond("POST", "/get")
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
        #expect(response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS")
        #expect(response.bodyBytes.isEmpty)
        #expect(response.headers["Content-Type"] == nil)
        #expect(respond("GET", "/post").headers["Allow"] == "OPTIONS, POST")
        // RFC 9110 §9.1: a server that answers GET answers HEAD (httpbun's /get 405s it).
        #expect(respond("HEAD", "/get").status == 200)
    }

    @Test("origin: the peer address, or the last X-Httpbun-Forwarded-For whole; X-Forwarded-For is any header")
    func origin() throws {
        let direct = Router().respond(to: Request(method: "GET", target: "/get", remoteAddress: "10.1.2.3"))
        #expect(try direct.json["origin"] == "10.1.2.3")
        let proxied = Router().respond(to: Request(
            method: "GET", target: "/get", headers: ["Host": "h", "X-Forwarded-For": "203.0.113.9"], remoteAddress: "10.1.2.3"))
        #expect(try proxied.json["origin"] == "10.1.2.3")
        #expect(try proxied.json["headers"]?["X-Forwarded-For"] == "203.0.113.9")
        let ours = respond("GET", "/get", headers: ["Host": "h", "X-Httpbun-Forwarded-For": "1.1.1.1", "x-httpbun-forwarded-for": "12.34.56.78, 10.0.0.1"])
        #expect(try ours.json["origin"] == "12.34.56.78, 10.0.0.1")
        #expect(try ours.json["headers"] == ["Host": "h"], "X-Httpbun-* fields are the server's, not echoed")
        #expect(try respond("GET", "/ip", headers: ["X-Httpbun-Forwarded-For": "12.34.56.78"]).json == ["origin": "12.34.56.78"])
    }

    @Test("url honours X-Httpbun-Forwarded-Proto and falls back to the server's address without Host")
    func url() throws {
        let forwarded = respond("GET", "/get?q=1", headers: ["Host": "api.test", "X-Httpbun-Forwarded-Proto": "https"])
        #expect(try forwarded.json["url"] == "https://api.test/get?q=1")
        let noHost = Router().respond(to: Request(method: "GET", target: "/get", serverAuthority: "127.0.0.1:9000"))
        #expect(try noHost.json["url"] == "http://127.0.0.1:9000/get")
        let tls = Router().respond(to: Request(method: "GET", target: "/get?x", headers: ["Host": "h"], scheme: "https"))
        #expect(try tls.json["url"] == "https://h/get?x")
        let downgraded = respond("GET", "/get", headers: ["Host": "h", "X-Httpbun-Forwarded-Proto": "http"])
        #expect(try downgraded.json["url"] == "http://h/get")
        let standard = respond("GET", "/get", headers: ["Host": "h", "X-Forwarded-Proto": "https"])
        #expect(try standard.json["url"] == "http://h/get", "httpbun reads only its own forwarding fields")
    }

    @Test("origin and url read the first Host and the last of httpbun's proxy headers, whatever their case, among others")
    func proxyHeadersAmongOthers() throws {
        let response = respond(
            "GET", "/get",
            headers: [
                "User-Agent": "u", "x-httpbun-forwarded-proto": "http", "HOST": "first.test", "X-HTTPBUN-FORWARDED-FOR": "192.0.2.1",
                "Host": "second.test", "X-Httpbun-Forwarded-For": "198.51.100.7", "X-Httpbun-Forwarded-Proto": "https", "X-Forwarded-Fort": "no",
            ])
        #expect(try response.json["url"] == "https://first.test/get")
        #expect(try response.json["origin"] == "198.51.100.7")
    }
}

@Suite("Echo: grouping and files, written without a JSON tree")
struct EchoGroupingTests {
    @Test("many names (past the linear-scan limit) keep first-appearance order and lists")
    func manyNames() throws {
        let query = (0..<200).map { "k\($0 % 70)=\($0)" }.joined(separator: "&")
        let json = try respond("GET", "/get?" + query).json
        let args = try #require(json["args"]?.objectValue)
        #expect(args.keys == (0..<70).map { "k\($0)" })
        #expect(args["k0"] == ["0", "70", "140"])
        #expect(args["k69"] == ["69", "139"])
    }

    @Test("the tree (stringOrList) and the writer group alike, below and above the scan limit", arguments: [6, 200])
    func treeAndWriterAgree(count: Int) throws {
        let pairs = (0..<count).map { (name: "k\($0 % 5)", value: "\($0)") }
        let tree = JSON.stringOrList(pairs)
        var writer = JSONStreamWriter(format: .compact)
        Echo.writeStringOrList(pairs, into: &writer)
        #expect(writer.finish() == tree.serializedBytes(.compact))
        #expect(tree.objectValue?.keys == ["k0", "k1", "k2", "k3", "k4"])
        #expect(tree["k0"]?.arrayValue?.count == (count + 4) / 5)
        #expect(tree["k0"]?[1] == "5")
        // A name seen once stays a plain string.
        if count == 6 { #expect(tree["k4"] == "4") }
    }

    @Test("args written from the target's bytes are what the general path writes, in every format")
    func plainQueriesMatchTheGeneralPath() {
        let sixteen = (0..<16).map { "k\($0)=\($0)" }.joined(separator: "&")
        let queries = [
            "", "?", "?a=1", "?a=1&b=2", "?a", "?a=", "?=1", "?=", "?a=1&&b=2&", "?&&", "?&a", "?a=b=c", "?a=1#frag",
            "?a=1#x?b=2", "#?a=1", "?a=\"q\"&b=\\", "?k=\u{01}", "?" + sixteen, "?" + sixteen + "&k16=16",
            // Not plain: the general path answers, and the two must still agree.
            "?a=1&a=2", "?a=1&b&a", "?A=1&a=2", "?x=%41", "?x=a+b", "?a=%", "?é=1", "?caf%C3%A9=1&cafe%CC%81=2",
        ]
        let formats: [JSONFormat] = [.pretty, .compact, HTTPBinShape.jsonFormat, HTTPBinShape.pythonCompact]
        for format in formats {
            for query in queries {
                let request = Request(method: "GET", target: "/get" + query)
                var fromBytes = JSONStreamWriter(format: format)
                Echo.writeArgs(request, into: &fromBytes)
                var general = JSONStreamWriter(format: format)
                Echo.writeStringOrList(request.query, into: &general)
                #expect(fromBytes.finish() == general.finish(), "\(query) in \(format)")
            }
        }
    }

    @Test("the echo is what the tree serialiser writes for it, laid-out method or not, first member or not")
    func echoMatchesTheTree() {
        // Formats that keep the writer's key order (the tree serialiser would sort the echo's own keys).
        let formats: [JSONFormat] = [.pretty, .compact, JSONFormat(indent: 4), JSONFormat(indent: 2, escapeNonASCII: true)]
        for format in formats {
            for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "get", "M\u{e9}THOD"] {
                for leading in [false, true] {
                    let request = Request(
                        method: method, target: "/anything/x?a=1&b=2", headers: ["Host": "h.test", "User-Agent": "u"],
                        remoteAddress: "10.0.0.1")
                    let echo = Echo.json(
                        request, body: .empty, format: format,
                        leading: { writer in
                            if leading {
                                writer.key("id")
                                writer.number(7)
                            }
                        })
                    var members: [(key: String, value: JSON)] = leading ? [("id", 7)] : []
                    members += [
                        ("method", .string(method)), ("args", ["a": "1", "b": "2"]), ("headers", ["Host": "h.test", "User-Agent": "u"]),
                        ("origin", "10.0.0.1"), ("url", "http://h.test/anything/x?a=1&b=2"), ("form", [:]), ("data", ""),
                        ("json", nil), ("files", [:]),
                    ]
                    let tree = JSON.object(JSONObject(members))
                    #expect(echo == tree.serializedBytes(format), "\(method), leading: \(leading), \(format)")
                }
            }
        }
    }

    @Test("headers written field by field are what the grouping path writes")
    func headersMatchTheGroupingPath() {
        let sets: [HTTPHeaders] = [
            [:], ["Host": "h"], ["host": "h", "user-agent": "u", "ACCEPT": "*/*"], ["X-Tag": "1", "x-tag": "2"],
            ["a": "1", "A": "2", "b": "3"], ["foo bar": "1", "Foo Bar": "2"], ["x-\u{e9}": "1", "X-\u{c9}": "2"],
            HTTPHeaders((0..<16).map { ("X-H\($0)", "\($0)") }), HTTPHeaders((0..<17).map { ("x-h\($0)", "\($0)") }),
            ["Quote": "a\"b", "Ctl": "\u{01}", "Long": String(repeating: "v", count: 40)],
        ]
        for format in [JSONFormat.pretty, .compact, HTTPBinShape.jsonFormat] {
            for headers in sets {
                let request = Request(method: "GET", target: "/get", headers: headers)
                var fieldByField = JSONStreamWriter(format: format)
                Echo.writeHeaders(request, into: &fieldByField)
                var grouped = JSONStreamWriter(format: format)
                Echo.writeStringOrList(Echo.canonicalHeaders(request), into: &grouped)
                #expect(fieldByField.finish() == grouped.finish(), "\(headers.fields) in \(format)")
            }
        }
    }

    @Test("names are grouped by their bytes: NFC and NFD spellings stay apart", arguments: [2, 40])
    func namesGroupByBytes(padding: Int) throws {
        // Past 32 pairs the grouping hashes names: pad the query to take that path too.
        let filler = (0..<padding).map { "f\($0)=x" }.joined(separator: "&")
        let json = try respond("GET", "/get?caf%C3%A9=1&cafe%CC%81=2&caf%C3%A9=3&" + filler).json
        let args = try #require(json["args"]?.objectValue)
        #expect(Array(args.keys.prefix(2)).map { Array($0.utf8) } == [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8)])
        #expect(args.entries[0].value == ["1", "3"])
        #expect(args.entries[1].value == "2")
    }

    @Test("a repeated file field shows its first file, as httpbun's does; text stays text, binary is base64")
    func repeatedFileNames() throws {
        func file(_ name: String, _ filename: String, _ content: [UInt8]) -> [UInt8] {
            Array("--B\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n\r\n".utf8) + content + Array("\r\n".utf8)
        }
        let body = file("f", "a.txt", Array("x\"y\n".utf8)) + file("f", "b.bin", [0xFF, 0xFE]) + file("g", "c.txt", []) + Array("--B--\r\n".utf8)
        let json = try respond("POST", "/post", headers: ["Host": "h", "Content-Type": "multipart/form-data; boundary=B"], body: body).json
        #expect(json["files"]?["f"]?["content"] == "x\"y\n")
        #expect(json["files"]?["f"]?["filename"] == "a.txt")
        let binary = file("f", "b.bin", [0xFF, 0xFE]) + Array("--B--\r\n".utf8)
        let binaryJSON = try respond("POST", "/post", headers: ["Host": "h", "Content-Type": "multipart/form-data; boundary=B"], body: binary).json
        #expect(binaryJSON["files"]?["f"]?["content"] == "//4=")
        #expect(binaryJSON["files"]?["f"]?["size"] == 2)
        #expect(json["files"]?["g"]?["content"] == "")
        #expect(json["files"]?.objectValue?.keys == ["f", "g"])
    }
}
