@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/cache, /cache/{n}, /etag/{etag}")
struct CachingTests {
    @Test("/cache without validators: the echo object with Last-Modified and ETag")
    func fresh() throws {
        let response = respond("GET", "/cache?a=1")
        #expect(response.status == 200)
        #expect(try response.json["args"] == ["a": "1"])
        #expect(try response.json["url"] == "http://example.com/cache?a=1")
        let lastModified = try #require(response.headers["Last-Modified"])
        #expect(lastModified.utf8.count == 29)
        #expect(lastModified.hasSuffix(" GMT"))
        let etag = try #require(response.headers["ETag"])
        #expect(etag.utf8.count == 34 && etag.hasPrefix("\"") && etag.hasSuffix("\""))
        #expect(etag.utf8.dropFirst().dropLast().allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
    }

    @Test("/cache with If-Modified-Since or If-None-Match: 304 without a body; 412 for other methods")
    func conditional() throws {
        for headers: HTTPHeaders in [["If-Modified-Since": "Sat, 29 Oct 1994 19:43:31 GMT"], ["If-None-Match": "\"x\""], ["if-none-match": ""]] {
            let response = respond("GET", "/cache", headers: headers)
            #expect(response.status == 304, "\(headers)")
            #expect(response.bodyBytes.isEmpty)
            #expect(response.headers["Last-Modified"] == nil)
            #expect(respond("HEAD", "/cache", headers: headers).status == 304)
            let post = respond("POST", "/cache", headers: headers)
            #expect(post.status == 412)
            #expect(try post.json["error"] != nil)
        }
    }

    @Test("/cache/{n}: Cache-Control public, max-age=n with the echo object")
    func maxAge() throws {
        let response = respond("GET", "/cache/60")
        #expect(response.status == 200)
        #expect(response.headers["Cache-Control"] == "public, max-age=60")
        #expect(try response.json["method"] == "GET")
        #expect(respond("GET", "/cache/0").headers["Cache-Control"] == "public, max-age=0")
        #expect(respond("GET", "/cache/2147483648").status == 200)
        for bad in ["-1", "abc", "2147483649", "99999999999999999999", "1.5", "%20", "%EF%BC%91"] {
            let invalid = respond("GET", "/cache/" + bad)
            #expect(invalid.status == 400, "\(bad)")
            #expect(invalid.headers["Cache-Control"] == nil)
            #expect(try invalid.json["error"]?.stringValue?.contains("max-age") == true)
        }
    }

    @Test("/etag/{etag}: 200 with the tag when no condition holds")
    func etag() throws {
        let response = respond("GET", "/etag/abc?x=1")
        #expect(response.status == 200)
        #expect(response.headers["ETag"] == "\"abc\"")
        #expect(try response.json["args"] == ["x": "1"])
        #expect(respond("GET", "/etag/abc", headers: ["If-None-Match": "\"abcd\", W/\"ab\""]).status == 200)
        #expect(respond("GET", "/etag/%C3%A9t%C3%A9").headers["ETag"] == "\"été\"", "obs-text is allowed in a tag")
    }

    @Test("If-None-Match lists, weak tags, bare tags and * match: 304 with the ETag")
    func ifNoneMatch() throws {
        for value in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "\"x\",W/\"abc\" , \"y\"", "*", "abc", " \"a,b\", \"abc\""] {
            let response = respond("GET", "/etag/abc", headers: ["If-None-Match": value])
            #expect(response.status == 304, "\(value)")
            #expect(response.bodyBytes.isEmpty)
            #expect(response.headers["ETag"] == "\"abc\"")
        }
        let split = respond("GET", "/etag/abc", headers: HTTPHeaders([("If-None-Match", "\"x\""), ("If-None-Match", "\"abc\"")]))
        #expect(split.status == 304, "several header lines form one list")
        #expect(respond("PUT", "/etag/abc", headers: ["If-None-Match": "*"]).status == 412)
    }

    @Test("If-Match not listing the tag (strong comparison): 412; listing it or *: 200")
    func ifMatch() throws {
        for value in ["\"x\"", "W/\"abc\"", "\"abcd\", \"ab\"", ""] {
            let response = respond("GET", "/etag/abc", headers: ["If-Match": value])
            #expect(response.status == 412, "\(value)")
            #expect(try response.json["error"]?.stringValue?.contains("If-Match") == true)
        }
        for value in ["\"abc\"", "\"x\", \"abc\"", "*"] {
            #expect(respond("GET", "/etag/abc", headers: ["If-Match": value]).status == 200, "\(value)")
        }
        let both = respond("GET", "/etag/abc", headers: ["If-Match": "\"x\"", "If-None-Match": "\"abc\""])
        #expect(both.status == 412, "If-Match is evaluated first")
    }

    @Test("tags that cannot be sent in a header: 400")
    func invalidTag() throws {
        for bad in ["a%22b", "a%20b", "a%0D%0AX-Injected:%201", "%00", "a%09b", "a%7Fb"] {
            let response = respond("GET", "/etag/" + bad)
            #expect(response.status == 400, "\(bad)")
            #expect(response.headers["ETag"] == nil)
        }
    }

    @Test("entity-tag lists parse quoted commas, weak markers and *")
    func parsing() {
        #expect(
            EntityTagCondition.parse(["W/\"a,b\", c ,\"\""])
                == .tags([.init(opaque: "a,b", isWeak: true), .init(opaque: "c"), .init(opaque: "")]))
        #expect(EntityTagCondition.parse([" * "]) == .any)
        #expect(EntityTagCondition.parse(["\"unterminated"]) == .tags([.init(opaque: "unterminated")]))
        #expect(EntityTagCondition.parse([]) == .tags([]))
    }

    @Test("HTTP dates in IMF-fixdate form, across leap years and before 1970")
    func httpDates() {
        #expect(HTTPDate.format(secondsSinceEpoch: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 4_102_444_800) == "Fri, 01 Jan 2100 00:00:00 GMT")
        // The router's injected clock, not the machine's, dates the answer.
        #expect(respond("GET", "/cache").headers["Last-Modified"] == "Thu, 01 Jan 2026 00:00:00 GMT")
        let later = Router(services: RouteServices(now: { 784_111_777.9 })).respond(to: Request(method: "GET", target: "/cache"))
        #expect(later.headers["Last-Modified"] == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
