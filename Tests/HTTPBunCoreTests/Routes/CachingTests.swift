@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/cache, /cache/{n}, /etag/{etag}, as httpbun answers them")
struct CachingTests {
    @Test("/cache without validators: the echo object, no validators of its own")
    func fresh() throws {
        let response = respond("GET", "/cache?a=1")
        #expect(response.status == 200)
        #expect(try response.json["args"] == ["a": "1"])
        #expect(try response.json["url"] == "http://example.com/cache?a=1")
        #expect(response.headers["Last-Modified"] == nil)
        #expect(response.headers["ETag"] == nil)
    }

    @Test("/cache with a non-empty If-Modified-Since or If-None-Match: 304 without a body, whatever the method")
    func conditional() {
        for (name, value) in [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"), ("If-None-Match", "anything"), ("if-none-match", "\"x\"")] {
            for method in ["GET", "POST", "DELETE"] {
                let response = respond(method, "/cache", headers: ["Host": "h", name: value])
                #expect(response.status == 304, "\(method) \(name)")
                #expect(response.bodyBytes.isEmpty)
            }
        }
        #expect(respond("GET", "/cache", headers: ["Host": "h", "If-None-Match": ""]).status == 200, "an empty value is none")
    }

    @Test("/cache/{n}: Cache-Control public, max-age=n with the digits as sent; anything else is no route")
    func maxAge() throws {
        let response = respond("GET", "/cache/60?x=1")
        #expect(response.status == 200)
        #expect(response.headers["Cache-Control"] == "public, max-age=60")
        #expect(try response.json["args"] == ["x": "1"])
        #expect(respond("GET", "/cache/010").headers["Cache-Control"] == "public, max-age=010")
        #expect(respond("GET", "/cache/99999999999999999999").headers["Cache-Control"] == "public, max-age=99999999999999999999")
        for bad in ["abc", "-1", "1.5", "%31"] {
            let refused = respond("GET", "/cache/" + bad)
            #expect(refused.status == 404, "\(bad)")
            #expect(refused.bodyText == "404 page not found\n")
        }
    }

    @Test("/etag/{etag}: 304 when the last If-None-Match is the tag exactly, else the echo without an ETag")
    func etag() throws {
        let plain = respond("GET", "/etag/abc")
        #expect(plain.status == 200)
        #expect(plain.headers["ETag"] == nil)
        #expect(try plain.json["url"] == "http://example.com/etag/abc")
        #expect(respond("GET", "/etag/abc", headers: ["Host": "h", "If-None-Match": "abc"]).status == 304)
        #expect(respond("PUT", "/etag/abc", headers: ["Host": "h", "If-None-Match": "abc"]).status == 304)
        #expect(respond("GET", "/etag/abc", headers: ["Host": "h", "If-None-Match": "abc", "if-none-match": "zzz"]).status == 200, "the last one counts")
        // httpbun compares the value as sent: a quoted, weak, listed or * tag is another value.
        for value in ["\"abc\"", "W/\"abc\"", "abc, def", "*"] {
            #expect(respond("GET", "/etag/abc", headers: ["Host": "h", "If-None-Match": value]).status == 200, "\(value)")
        }
        #expect(respond("GET", "/etag/abc", headers: ["Host": "h", "If-Match": "nope"]).status == 200, "If-Match is not read")
        #expect(respond("GET", "/etag/a%22b").status == 200)
    }

    @Test("HTTP dates in IMF-fixdate form, across leap years and before 1970")
    func httpDates() {
        #expect(HTTPDate.format(secondsSinceEpoch: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 4_102_444_800) == "Fri, 01 Jan 2100 00:00:00 GMT")
    }
}
