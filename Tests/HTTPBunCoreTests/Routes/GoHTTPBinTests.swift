@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("go-httpbin's /base64/encode/{data} and /base64/decode/{data}, in every flavor")
struct GoHTTPBinBase64Tests {
    @Test("encode is URL-safe and padded; decode takes URL-safe or standard", arguments: Flavor.allCases)
    func roundTrip(flavor: Flavor) throws {
        let configuration = ServerConfiguration(flavor: flavor)
        let encoded = respond("GET", "/base64/encode/hi%3F%3E", configuration: configuration)
        #expect(encoded.status == 200)
        #expect(encoded.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(encoded.bodyText == "aGk_Pg==", "URL-safe alphabet, padding kept")
        #expect(respond("GET", "/base64/decode/aGk_Pg==", configuration: configuration).bodyText == "hi?>")
        #expect(respond("GET", "/base64/decode/aGk%2FPg==", configuration: configuration).bodyText == "hi?>", "standard, after URL-safe fails")
        #expect(respond("POST", "/base64/encode/x", configuration: configuration).bodyText == "eA==", "any method")
    }

    @Test("failures are go-httpbin's JSON 400s")
    func failures() throws {
        let bad = respond("GET", "/base64/decode/%21%21")
        #expect(bad.status == 400)
        #expect(bad.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(bad.bodyText == """
            {
              "status_code": 400,
              "error": "Bad Request",
              "detail": "base64 decode failed: illegal base64 data at input byte 0"
            }

            """)
        let long = respond("GET", "/base64/encode/" + String(repeating: "a", count: 11), configuration: ServerConfiguration(maxBodySize: 10))
        #expect(long.status == 400)
        #expect(try long.json["detail"] == "input data exceeds max length of 10")
        #expect(respond("GET", "/base64/decode/YQ", configuration: ServerConfiguration()).status == 400, "padding is required, as in Go")
    }

    @Test("?content-type= names the type; one a browser could run script in gets its body HTML-escaped")
    func contentType() {
        let html = respond("GET", "/base64/decode/PGI-J3gnPC9iPg==?content-type=text/html")
        #expect(html.headers["Content-Type"] == "text/html")
        #expect(html.bodyText == "&lt;b&gt;&#39;x&#39;&lt;/b&gt;")
        let json = respond("GET", "/base64/decode/eyJhIjoxfQ==?content-type=application/json")
        #expect(json.headers["Content-Type"] == "application/json")
        #expect(json.bodyText == "{\"a\":1}", "a safe type goes out as it is")
        let plain = respond("GET", "/base64/decode/PGI-?content-type=text/plain;%20charset=utf-8")
        #expect(plain.bodyText == "<b>")
        let split = respond("GET", "/base64/encode/x?content-type=text/plain%0D%0AX-Injected:%201")
        #expect(split.headers["X-Injected"] == nil)
        #expect(split.headers["Content-Type"] == "text/plain  X-Injected: 1")
        #expect(split.bodyText == "eA==", "an unparsable type is dangerous: escaped, which leaves base64 as it is")
    }

    @Test("any other value still reaches each flavor's /base64 decoder")
    func otherValues() {
        // httpbun's strict decoder: a value with a raw `/` is one value.
        #expect(respond("GET", "/base64/Pz8/Pz8/").bodyText == "??????")
        // Not an operation: `encodeX/aGk=` is twelve base64 characters, eight bytes to httpbun.
        let other = respond("GET", "/base64/encodeX/aGk=")
        #expect(other.status == 200)
        #expect(other.bodyBytes.count == 8)
        #expect(respond("GET", "/base64/aGk=", configuration: ServerConfiguration(flavor: .httpbin)).bodyText == "hi")
    }
}

@Suite("go-httpbin's HEAD /head, in every flavor")
struct GoHTTPBinHeadTests {
    @Test("HEAD answers /get's head under go-httpbin's JSON type; another method is the flavor's 405", arguments: Flavor.allCases)
    func head(flavor: Flavor) throws {
        let configuration = ServerConfiguration(flavor: flavor)
        let head = respond("HEAD", "/head?a=1", configuration: configuration)
        #expect(head.status == 200)
        #expect(head.headers["Content-Type"] == "application/json; charset=utf-8")
        // The transport sends no body for HEAD; the one rendered gives the Content-Length a GET would.
        #expect(try head.json["args"] == ["a": "1"])
        for method in ["GET", "POST"] {
            let refused = respond(method, "/head", configuration: configuration)
            #expect(refused.status == 405, "\(flavor) \(method)")
            #expect(refused.headers["Allow"] == "HEAD, OPTIONS", "\(flavor) \(method)")
        }
    }
}
