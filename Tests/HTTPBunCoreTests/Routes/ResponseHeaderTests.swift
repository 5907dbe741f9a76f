@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/response-headers")
struct ResponseHeaderTests {
    @Test("each pair becomes a header, repeats and order kept; the body lists them with the real length")
    func headers() throws {
        let response = respond("GET", "/response-headers?X-A=1&freeform=hello%20world&x-a=2")
        #expect(response.status == 200)
        #expect(response.headers.values(for: "X-A") == ["1", "2"])
        #expect(response.headers["Freeform"] == "hello world")
        #expect(response.headers.values(for: "Content-Type") == ["application/json"])
        #expect(response.headers.fields.map(\.name) == ["Content-Type", "X-A", "Freeform", "X-A", "X-Powered-By"])
        let length = response.bodyBytes.count
        #expect(
            response.bodyText == """
                {
                  "responseHeaders": {
                    "Content-Length": "\(length)",
                    "Content-Type": "application/json",
                    "X-A": [
                      "1",
                      "2"
                    ],
                    "Freeform": "hello world"
                  }
                }

                """)
        #expect(respond("POST", "/response-headers?A=b").headers["A"] == "b")
        #expect(respond("PUT", "/response-headers?A=b").headers["A"] == "b", "httpbun takes any method")
    }

    @Test("the httpbin flavour lists the headers at the top level, names as the client wrote them")
    func httpbinFlavor() throws {
        // python httpbin 0.10.4 answers `"freeform": "x"`: it does not canonicalise the name.
        let response = respond("GET", "/response-headers?freeform=x", configuration: ServerConfiguration(flavor: .httpbin))
        let length = response.bodyBytes.count
        #expect(try response.json == ["Content-Length": .string(String(length)), "Content-Type": "application/json", "freeform": "x"])
    }

    @Test("Content-Type stays JSON (no reflected XSS) and framing headers are dropped")
    func reserved() throws {
        let response = respond(
            "GET",
            "/response-headers?Content-Type=text/html&content-length=5&Transfer-Encoding=chunked&Connection=close&X-Ok=%3Cscript%3E")
        #expect(response.status == 200)
        #expect(response.headers.values(for: "Content-Type") == ["application/json"])
        for name in ["Content-Length", "Transfer-Encoding", "Connection"] {
            #expect(response.headers[name] == nil, "\(name)")
        }
        #expect(response.headers["X-Ok"] == "<script>")
        #expect(!response.bodyText.contains("text/html"))
        #expect(try response.json["responseHeaders"]?["Content-Length"] == .string(String(response.bodyBytes.count)))
    }

    @Test("names that are not tokens and values with control characters: 400")
    func invalid() throws {
        for query in ["a%20b=1", "=1", "a:b=1", "%C3%A9=1", "a(b=1", "X=a%0D%0ASet-Cookie:%20x", "X=a%0Ab", "X=a%00b", "X=%7F"] {
            let response = respond("GET", "/response-headers?" + query)
            #expect(response.status == 400, "\(query)")
            #expect(try response.json["error"]?.stringValue?.isEmpty == false)
        }
        #expect(respond("GET", "/response-headers?X=a%09b%C3%A9").status == 200, "tabs and non-ASCII text are allowed in values")
        let empty = respond("GET", "/response-headers")
        #expect(try empty.json["responseHeaders"]?.objectValue?.keys == ["Content-Length", "Content-Type"])
    }
}
