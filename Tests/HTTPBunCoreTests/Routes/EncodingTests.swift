@testable import HTTPBunCore
import JSONValue
import Testing
import HTTPCompression

@Suite("/gzip, /deflate, /brotli")
struct CompressedEchoTests {
    @Test("/gzip: the echo object with gzipped: true, gzip-compressed")
    func gzip() throws {
        let response = respond("GET", "/gzip?a=1")
        #expect(response.status == 200)
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(Array(response.bodyBytes.prefix(2)) == [0x1F, 0x8B])
        let plain = try #require(Compression.decompress(response.bodyBytes, format: .gzip))
        let json = try JSON.parse(plain)
        #expect(json.objectValue?.keys == ["method", "args", "headers", "origin", "url", "form", "data", "json", "files", "gzipped"])
        #expect(json["gzipped"] == true)
        #expect(json["args"] == ["a": "1"])
        #expect(plain.last == UInt8(ascii: "\n"), "the server's pretty layout")
    }

    @Test("/deflate: zlib-wrapped, with deflated: true")
    func deflate() throws {
        let response = respond("GET", "/deflate")
        #expect(response.headers["Content-Encoding"] == "deflate")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(Compression.decompress(response.bodyBytes, format: .raw) == nil, "not a raw stream")
        let json = try JSON.parse(try #require(Compression.decompress(response.bodyBytes, format: .zlib)))
        #expect(json["deflated"] == true)
        #expect(json["method"] == "GET")
    }

    @Test("/brotli: br-encoded with brotli: true when the library loads, else 501")
    func brotli() throws {
        let response = respond("GET", "/brotli")
        if Brotli.canCompress {
            #expect(response.status == 200)
            #expect(response.headers["Content-Encoding"] == "br")
            #expect(response.headers["Content-Type"] == "application/json")
            let json = try JSON.parse(try #require(Brotli.decompress(response.bodyBytes)))
            #expect(json["brotli"] == true)
            #expect(json["url"] == "http://example.com/brotli")
        } else {
            #expect(response.status == 501)
            #expect(response.headers["Content-Encoding"] == nil)
            #expect(try response.json["error"]?.stringValue?.hasPrefix("brotli is not available") == true)
        }
    }

    @Test("the brotli library is installed on this machine, so /brotli is not a 501 here")
    func brotliInstalled() {
        #expect(Brotli.canCompress)
        #expect(Brotli.canDecompress)
    }

    @Test("only GET (and HEAD)")
    func methods() {
        #expect(respond("POST", "/gzip").status == 405)
        #expect(respond("HEAD", "/deflate").status == 200)
    }
}

@Suite("/base64")
struct Base64RouteTests {
    @Test("standard base64 with its padding (Go's StdEncoding, as httpbun) decodes to text/plain")
    func text() {
        for value in ["aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybGQ%3D"] {
            let response = respond("GET", "/base64/" + value)
            #expect(response.status == 200, "\(value)")
            #expect(response.bodyText == "hello world", "\(value)")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        }
        #expect(respond("GET", "/base64/Pz8/Pz8/").bodyText == "??????", "a raw / in standard base64")
        #expect(respond("GET", "/base64/Pz8%2F").bodyText == "???")
        #expect(respond("GET", "/base64/PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==").headers["Content-Type"] == "text/plain; charset=utf-8",
                "client-chosen markup is never served as HTML")
    }

    @Test("bytes that are not text come back as Go sniffs them")
    func binary() {
        let response = respond("GET", "/base64/%2F%2B8A")
        #expect(response.bodyBytes == [0xFF, 0xEF, 0x00])
        #expect(response.headers["Content-Type"] == "application/octet-stream")
    }

    @Test("bad base64 is httpbun's 400; none decodes httpbun's example")
    func invalid() throws {
        #expect(respond("GET", "/base64/a").bodyText == "Incorrect Base64 data try: 'SFRUUEJVTiBpcyBhd2Vzb21lciE='.")
        for bad in ["%3D%3D", "ab%20cd", "a===", "ab=c", "*", "aGVsbG8gd29ybGQ", "Pz8_"] {
            #expect(respond("GET", "/base64/" + bad).status == 400, "\(bad)")
        }
        #expect(respond("GET", "/base64/").bodyText == "HTTPBUN is awesomer!")
    }
}

@Suite("/encoding/utf8")
struct UTF8PageTests {
    @Test("a UTF-8 HTML page with many scripts")
    func page() {
        let response = respond("GET", "/encoding/utf8")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        let text = response.bodyText
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        for sample in ["안녕하세요", "こんにちは", "Γειά σου", "مرحبا", "👋", "∀x ∈ ℝ", "Привет", "e\u{301}"] {
            #expect(text.contains(sample), "\(sample)")
        }
        #expect(String(validating: response.bodyBytes, as: UTF8.self) != nil)
        #expect(response.bodyBytes.contains { $0 >= 0xF0 }, "four-byte sequences present")
    }
}
