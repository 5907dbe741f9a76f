@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/redirect, /relative-redirect, /absolute-redirect")
struct RedirectChainTests {
    @Test("each hop is a 302 to the next, the last to /get")
    func relativeChain() throws {
        for (path, location) in [
            ("/redirect/3", "/redirect/2"), ("/redirect/1", "/get"), ("/relative-redirect/2", "/relative-redirect/1"),
            ("/relative-redirect/1", "/get"), ("/redirect/100", "/redirect/99"),
        ] {
            let response = respond("GET", path)
            #expect(response.status == 302, "\(path)")
            #expect(response.headers["Location"] == location, "\(path)")
            #expect(response.bodyBytes.isEmpty)
        }
        #expect(respond("POST", "/redirect/2").status == 302)
    }

    @Test("absolute chains use the request's scheme and Host")
    func absoluteChain() throws {
        let host: HTTPHeaders = ["Host": "example.com:8080"]
        #expect(respond("GET", "/absolute-redirect/3", headers: host).headers["Location"] == "http://example.com:8080/absolute-redirect/2")
        #expect(respond("GET", "/absolute-redirect/1", headers: host).headers["Location"] == "http://example.com:8080/get")
        #expect(respond("GET", "/redirect/2?absolute=true", headers: host).headers["Location"] == "http://example.com:8080/absolute-redirect/1")
        #expect(respond("GET", "/redirect/1?absolute=true", headers: host).headers["Location"] == "http://example.com:8080/get")
        #expect(respond("GET", "/redirect/2?absolute=false", headers: host).headers["Location"] == "/redirect/1")
        let proxied = respond("GET", "/absolute-redirect/1", headers: ["Host": "h.test", "X-Forwarded-Proto": "https"])
        #expect(proxied.headers["Location"] == "https://h.test/get")
    }

    @Test("generated Locations stay under the path prefix")
    func prefix() throws {
        let configuration = ServerConfiguration(pathPrefix: "/p/")
        #expect(respond("GET", "/p/redirect/2", configuration: configuration).headers["Location"] == "/p/redirect/1")
        #expect(respond("GET", "/p/relative-redirect/1", configuration: configuration).headers["Location"] == "/p/get")
        #expect(
            respond("GET", "/p/absolute-redirect/2", configuration: configuration).headers["Location"] == "http://example.com/p/absolute-redirect/1")
        #expect(respond("GET", "/redirect/2", configuration: configuration).status == 404)
    }

    @Test("counts outside 1...100: 400", arguments: ["0", "101", "-1", "99999999999999999999", "abc", "1.5", "%E2%91%A0", "%20"])
    func invalidCounts(count: String) throws {
        for family in ["redirect", "relative-redirect", "absolute-redirect"] {
            let response = respond("GET", "/\(family)/\(count)")
            #expect(response.status == 400, "\(family)/\(count)")
            #expect(response.headers["Location"] == nil)
            #expect(try response.json["error"]?.stringValue?.contains("from 1 to 100") == true)
        }
    }
}

@Suite("/redirect-to")
struct RedirectToTests {
    @Test("relative targets: 302 by default, any 3xx on request")
    func relative() throws {
        let response = respond("GET", "/redirect-to?url=/get%3Fa%3D1")
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/get?a=1")
        #expect(response.bodyBytes.isEmpty)
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let coded = respond(method, "/redirect-to?url=%2Fanything&status_code=307")
            #expect(coded.status == 307, "\(method)")
            #expect(coded.headers["Location"] == "/anything")
        }
        #expect(respond("GET", "/redirect-to?url=other&status_code=300").status == 300)
        #expect(respond("GET", "/redirect-to?url=%3Fq%3D1&status=308").status == 308, "httpbun's `status` alias")
        #expect(respond("OPTIONS", "/redirect-to").status == 200)
        #expect(respond("TRACE", "/redirect-to?url=/get").status == 405)
    }

    @Test("status_code outside 300...399 or not a number, or no url: 400")
    func invalid() throws {
        for target in [
            "/redirect-to?url=/get&status_code=200", "/redirect-to?url=/get&status_code=400", "/redirect-to?url=/get&status_code=abc",
            "/redirect-to?url=/get&status_code=", "/redirect-to?url=/get&status_code=99999999999999999999", "/redirect-to",
            "/redirect-to?url=", "/redirect-to?url=%20%20", "/redirect-to?url=/a%0D%0ASet-Cookie:%20x=1", "/redirect-to?url=/a%00b",
            "/redirect-to?url=/%09/evil.com",
        ] {
            let response = respond("GET", target)
            #expect(response.status == 400, "\(target)")
            #expect(response.headers["Location"] == nil)
            #expect(try response.json["error"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("absolute targets on this host, loopback or allowed hosts are followed")
    func allowedHosts() throws {
        let configuration = ServerConfiguration(allowedRedirectHosts: ["*.allowed.org", "Exact.NET"])
        for url in [
            "http://example.com/get", "https://EXAMPLE.com:8443/x", "http://localhost:9/", "http://127.0.0.1/", "http://127.200.3.4:80",
            "http://[::1]:8080/get", "http://[0:0:0:0:0:0:0:1]/", "https://a.allowed.org/x", "https://deep.a.allowed.org",
            "http://exact.net/", "http://exact.net./", "HTTP://user:pw@localhost/",
        ] {
            let response = respond("GET", "/redirect-to?url=" + url.percentEncodedQuery, configuration: configuration)
            #expect(response.status == 302, "\(url)")
            #expect(response.headers["Location"] == url)
        }
    }

    @Test("other hosts and schemes: 403, so this is no open redirector")
    func refused() throws {
        let configuration = ServerConfiguration(allowedRedirectHosts: ["*.allowed.org", "exact.net"])
        for url in [
            "https://evil.com/", "//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "http:evil.com", "https:/evil.com",
            "http://example.com@evil.com/", "http://evil.com\\@example.com/", "http://evil.com#@example.com", "http://allowed.org/",
            "http://sub.exact.net/", "http://evilallowed.org", "http://127.0.0.1.evil.com/", "http://localhost.evil.com/",
            "http://128.0.0.1/", "http://[::2]/", "http://[::]/", "http:///", "javascript:alert(1)", "data:text/html,x", "ftp://localhost/",
            " //evil.com",
        ] {
            let response = respond("GET", "/redirect-to?url=" + url.percentEncodedQuery, configuration: configuration)
            #expect(response.status == 403, "\(url)")
            #expect(response.headers["Location"] == nil)
            #expect(try response.json["error"]?.stringValue?.contains("not allowed") == true)
        }
    }

    @Test("non-ASCII and spaces are percent-encoded in Location")
    func encoding() throws {
        let response = respond("GET", "/redirect-to?url=/caf%C3%A9%20x")
        #expect(response.headers["Location"] == "/caf%C3%A9%20x")
    }

    @Test("loopback recognition")
    func loopback() {
        for host in ["localhost", "127.0.0.1", "127.255.255.255", "::1", "0:0:0:0:0:0:0:1", "0::1", "::0:1"] {
            #expect(RedirectTarget.isLoopback(host), "\(host)")
        }
        for host in ["127.0.0.256", "127.1", "0x7f.0.0.1", "128.0.0.1", "::2", "::", "1::1", "localhost.com", "", "127.0.0.1.", ":::1"] {
            #expect(!RedirectTarget.isLoopback(host), "\(host)")
        }
        #expect(RedirectTarget.host(ofHostHeader: "[::1]:8080") == "::1")
        #expect(RedirectTarget.host(ofHostHeader: "Example.COM:80") == "example.com")
    }
}

extension String {
    /// The string as one query value: everything but unreserved characters percent-encoded.
    fileprivate var percentEncodedQuery: String {
        var output = ""
        for byte in utf8 {
            if byte.isASCIILetter || (0x30...0x39).contains(byte) || "-._~".utf8.contains(byte) {
                output.append(Character(Unicode.Scalar(byte)))
            } else {
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }
}
