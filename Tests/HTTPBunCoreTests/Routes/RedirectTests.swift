@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/redirect, /relative-redirect, /absolute-redirect")
struct RedirectChainTests {
    @Test("each hop is a 302 relative to the last, the last to ../anything, with httpbun's page")
    func relativeChain() throws {
        for (path, location) in [
            ("/redirect/3", "2"), ("/redirect/1", "../anything"), ("/relative-redirect/2", "1"),
            ("/relative-redirect/1", "../anything"), ("/redirect/20", "19"), ("/redirect/0", "../anything"),
        ] {
            let response = respond("GET", path)
            #expect(response.status == 302, "\(path)")
            #expect(response.headers["Location"] == location, "\(path)")
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(response.bodyText == """
                <!doctype html>
                <title>Redirecting...</title>
                <h1>Redirecting...</h1>
                <p>You should be redirected automatically to target URL: <a href="\(location)">\(location)</a>.  If not click the link.</p>

                """)
        }
        #expect(respond("POST", "/redirect/2").status == 302)
    }

    @Test("absolute chains go by paths from the root, the last to /anything")
    func absoluteChain() throws {
        let host: HTTPHeaders = ["Host": "example.com:8080"]
        #expect(respond("GET", "/absolute-redirect/3", headers: host).headers["Location"] == "/absolute-redirect/2")
        #expect(respond("GET", "/absolute-redirect/1", headers: host).headers["Location"] == "/anything")
        // httpbun has no ?absolute= switch on /redirect/n.
        #expect(respond("GET", "/redirect/2?absolute=true", headers: host).headers["Location"] == "1")
    }

    @Test("generated Locations stay under the path prefix")
    func prefix() throws {
        let configuration = ServerConfiguration(pathPrefix: "/p/")
        #expect(respond("GET", "/p/redirect/2", configuration: configuration).headers["Location"] == "1")
        #expect(respond("GET", "/p/relative-redirect/1", configuration: configuration).headers["Location"] == "../anything")
        #expect(respond("GET", "/p/absolute-redirect/2", configuration: configuration).headers["Location"] == "/p/absolute-redirect/1")
        #expect(respond("GET", "/p/absolute-redirect/1", configuration: configuration).headers["Location"] == "/p/anything")
        #expect(respond("GET", "/redirect/2", configuration: configuration).status == 404)
    }

    @Test("more than 20 hops: 400; a count that is not digits: no route", arguments: ["21", "101", "99999999999999999999", "-1", "abc", "1.5", "%E2%91%A0", "%20"])
    func invalidCounts(count: String) throws {
        for family in ["redirect", "relative-redirect", "absolute-redirect"] {
            let response = respond("GET", "/\(family)/\(count)")
            #expect(response.headers["Location"] == nil)
            if count.allSatisfy(\.isNumber) {
                #expect(response.status == 400, "\(family)/\(count)")
                #expect(response.bodyText == "count cannot be greater than 20")
            } else {
                #expect(response.status == 404, "\(family)/\(count)")
                #expect(response.bodyText == "404 page not found\n")
            }
        }
    }
}

@Suite("/redirect-to")
struct RedirectToTests {
    @Test("relative targets: 302 by default, any 3xx on request, any method, /redirect as its alias")
    func relative() throws {
        let response = respond("GET", "/redirect-to?url=/get%3Fa%3D1")
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/get?a=1")
        #expect(response.bodyBytes.isEmpty)
        for method in ["POST", "PUT", "DELETE", "PATCH", "TRACE"] {
            let coded = respond(method, "/redirect-to?url=%2Fanything&status_code=307")
            #expect(coded.status == 307, "\(method)")
            #expect(coded.headers["Location"] == "/anything")
        }
        #expect(respond("GET", "/redirect-to?url=other&status_code=300").status == 300)
        #expect(respond("GET", "/redirect-to?url=%3Fq%3D1&status=308").status == 308, "httpbun's `status` alias")
        #expect(respond("GET", "/redirect?url=/get&status=301").status == 301)
        #expect(respond("GET", "/redirect/?url=/get").headers["Location"] == "/get")
        // httpbun reads a status outside 300-399 as 302.
        #expect(respond("GET", "/redirect-to?url=/get&status_code=200").status == 302)
        #expect(respond("GET", "/redirect-to?url=/get&status_code=400").status == 302)
    }

    @Test("a status_code that is not a number, or no url: 400 in httpbun's words")
    func invalid() throws {
        for (target, message) in [
            ("/redirect-to?url=/get&status_code=abc", "status_code must be an integer"),
            ("/redirect-to?url=/get&status_code=", "status_code must be an integer"),
            ("/redirect-to?url=/get&status_code=99999999999999999999", "status_code must be an integer"),
            ("/redirect-to", "Need url parameter"), ("/redirect-to?url=", "Need url parameter"), ("/redirect", "Need url parameter"),
        ] {
            let response = respond("GET", target)
            #expect(response.status == 400, "\(target)")
            #expect(response.headers["Location"] == nil)
            #expect(response.bodyText == message, "\(target)")
        }
    }

    @Test("control characters in the url: the Location guard's 403")
    func controlCharacters() throws {
        for target in ["/redirect-to?url=/a%0D%0ASet-Cookie:%20x=1", "/redirect-to?url=/a%00b", "/redirect-to?url=/%09/evil.com"] {
            let response = respond("GET", target)
            #expect(response.status == 403, "\(target)")
            #expect(response.headers["Location"] == nil)
            #expect(response.headers["Set-Cookie"] == nil)
            #expect(response.bodyText == "Forbidden redirect URL. Please be careful with this link.")
        }
    }

    @Test("absolute targets on this host, loopback or allowed hosts are followed")
    func allowedHosts() throws {
        let configuration = ServerConfiguration(allowedRedirectHosts: ["*.allowed.org", "Exact.NET"])
        for url in [
            "http://localhost:9/", "http://127.0.0.1/", "http://127.200.3.4:80",
            "http://[::1]:8080/get", "http://[0:0:0:0:0:0:0:1]/", "https://a.allowed.org/x", "https://deep.a.allowed.org",
            "http://exact.net/", "http://exact.net./", "HTTP://user:pw@localhost/", "http://example.com/own-host",
        ] {
            let response = respond("GET", "/redirect-to?url=" + url.percentEncodedQuery, configuration: configuration)
            #expect(response.status == 302, "\(url)")
            #expect(response.headers["Location"] == url)
        }
        // httpbun's default list: example.com and httpbun.com.
        for url in ["https://example.com/", "https://EXAMPLE.com:8443/x", "https://httpbun.com/get"] {
            let response = respond("GET", "/redirect-to?url=" + url.percentEncodedQuery, headers: ["Host": "127.0.0.1:1"])
            #expect(response.status == 302, "\(url)")
        }
    }

    @Test("other hosts and schemes: 403, so this is no open redirector")
    func refused() throws {
        let configuration = ServerConfiguration(allowedRedirectHosts: ["*.allowed.org", "exact.net"])
        for url in [
            "https://evil.com/", "//evil.com", "///evil.com", "/\\evil.com", "http:evil.com", "https:/evil.com",
            "http://example.com@evil.com/", "http://allowed.org/",
            "http://sub.exact.net/", "http://evilallowed.org", "http://127.0.0.1.evil.com/", "http://localhost.evil.com/",
            "http://128.0.0.1/", "http://[::2]/", "http://[::]/", "http:///", "javascript:alert(1)", "data:text/html,x", "ftp://localhost/",
            "https://httpbun.com/", "/%2F%2Fevil.com", "/%zz", " //evil.com", "\\\\evil.com", "\\/evil.com", "%2F%5Cevil.com",
        ] {
            let response = respond("GET", "/redirect-to?url=" + url.percentEncodedQuery, headers: ["Host": "127.0.0.1:1"], configuration: configuration)
            #expect(response.status == 403, "\(url)")
            #expect(response.headers["Location"] == nil)
            #expect(response.bodyText == "Forbidden redirect URL. Please be careful with this link.")
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
