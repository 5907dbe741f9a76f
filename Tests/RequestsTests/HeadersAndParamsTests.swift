import Foundation
import HTTPWire
import Testing
@testable import Requests

@Suite struct HeadersTests {
    @Test func namesMatchIgnoringCaseOnlyForLetters() {
        // ASCII: byte by byte, folding only letters.
        let headers: Headers = ["Set-Cookie": "1", "X-ID-9": "2", "X@": "3", "A[": "4", "Accept": "5"]
        #expect(headers["set-cookie"] == "1")
        #expect(headers["x-id-9"] == "2")
        #expect(headers["x`"] == nil)       // 0x40 and 0x60 differ by the case bit but are not letters
        #expect(headers["a{"] == nil)
        #expect(headers["Accept-"] == nil)
        // Names are ASCII tokens (RFC 9110 §5.1): bytes beyond ASCII are compared as they are.
        let unicode: Headers = ["Café-É": "6"]
        #expect(unicode["Café-É"] == "6")
        #expect(unicode["café-é"] == nil)
    }

    @Test func namesAreCaseInsensitive() {
        var headers: Headers = ["Content-Type": "text/plain"]
        #expect(headers["content-type"] == "text/plain")
        headers["CONTENT-TYPE"] = "application/json"
        #expect(headers.count == 1)
        #expect(headers["Content-Type"] == "application/json")
    }

    @Test func keepsSeveralValues() {
        var headers = Headers()
        headers.add("Accept", "text/html")
        headers.add("accept", "application/json")
        #expect(headers.values(for: "ACCEPT") == ["text/html", "application/json"])
        #expect(headers["Accept"] == "text/html, application/json")
        headers["Accept"] = nil
        #expect(!headers.contains("accept"))
    }

    @Test func updateReplacesByName() {
        let base: Headers = ["User-Agent": "a", "Accept": "*/*"]
        let merged = base.updating(["user-agent": "MyBot"])
        #expect(merged.values(for: "User-Agent") == ["MyBot"])
        #expect(merged["Accept"] == "*/*")
    }
}

@Suite struct ParamsTests {
    @Test func encodesInOrderWithRepeats() {
        let params: Params = ["q": "python", "page": 2, "tag": ["a", "b"]]
        #expect(params.encoded() == "q=python&page=2&tag=a&tag=b")
    }

    @Test func variablesNumbersFlagsAndNil() {
        let query = "swift"
        let page = 3
        let missing: String? = nil
        let tags = ["a", "b"]
        let params: Params = ["q": query, "page": page, "exact": true, "ratio": 0.5, "skip": missing, "tag": tags]
        #expect(params.encoded() == "q=swift&page=3&exact=true&ratio=0.5&tag=a&tag=b")
        let form: RequestData = ["user": query, "n": page]
        guard case .form(let fields) = form else { Issue.record("not a form"); return }
        #expect(fields.encoded() == "user=swift&n=3")
    }

    @Test func escapesReservedCharactersOnce() {
        let params: Params = ["q": "a b&c=d/é", "x": "100%"]
        #expect(params.encoded() == "q=a+b%26c%3Dd%2F%C3%A9&x=100%25")
    }

    @Test func mergesWithTheURLsOwnQuery() throws {
        let url = try URLBuilder.parse("http://h.test/get?a=1&b=%20x")
        let merged = URLBuilder.adding(["c": "3", "a": "2"], to: url)
        #expect(merged.absoluteString == "http://h.test/get?a=1&b=%20x&c=3&a=2")
    }

    @Test func requotesUnsafeCharactersButNotEscapes() throws {
        let url = try URLBuilder.parse("http://h.test/a b/%41?q=x y")
        #expect(url.absoluteString == "http://h.test/a%20b/%41?q=x%20y")
    }

    @Test func requoteKeepsCleanURLsAndQuotesTheRest() {
        // Nothing to change: the fast path hands back the text as it is.
        #expect(FormEncoding.requote("http://h.test/a/%41?q=1&r=%2f#x") == "http://h.test/a/%41?q=1&r=%2f#x")
        // Broken escapes, quotes, controls and non-ASCII are encoded; a valid escape after them is not.
        #expect(FormEncoding.requote("/%4") == "/%254")
        #expect(FormEncoding.requote("/%zz%41") == "/%25zz%41")
        #expect(FormEncoding.requote("/100%") == "/100%25")
        #expect(FormEncoding.requote("/\"<>\\^`{|}\u{7F}\t") == "/%22%3C%3E%5C%5E%60%7B%7C%7D%7F%09")
        #expect(FormEncoding.requote("/é x") == "/%C3%A9%20x")
        #expect(FormEncoding.requote("") == "")
    }

    @Test func trimsWhitespaceAsFoundationDoes() throws {
        for text in ["http://h.test/", "  http://h.test/ ", "\thttp://h.test/\t", "\u{A0}http://h.test/\u{3000}",
                     " \u{2003}http://h.test/é\u{202F}", "http://h.test/é", "\n http://h.test/", "   ", ""] {
            #expect(String(URLBuilder.trimmingWhitespace(text)) == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
        #expect(try URLBuilder.parse("\u{3000} HTTP://h.test/a b#frag\t").absoluteString == "HTTP://h.test/a%20b")
    }

    @Test func findsTheSchemeSeparatorPastOtherColons() throws {
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("http:x://h.test/") }
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("http:/h.test/") }
        #expect(try URLBuilder.parse("https://h.test:8443/a:b").port == 8443)
        #expect(try URLBuilder.parse("hTtPs://h.test/").scheme == "hTtPs")
        for other in ["httpx://h.test/", "htt://h.test/", "hxxp://h.test/", "://h.test/"] {
            #expect(throws: InvalidURL.self) { try URLBuilder.parse(other) }
        }
    }

    @Test func rejectsURLsWithoutSchemeOrHost() {
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("h.test/get") }
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("ftp://h.test/") }
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("http:///nohost") }
    }

    @Test func joinsBaseURLs() {
        #expect(URLBuilder.join(base: "http://h.test/api/", "/users") == "http://h.test/api/users")
        #expect(URLBuilder.join(base: "http://h.test/api", "users") == "http://h.test/api/users")
        #expect(URLBuilder.join(base: "http://h.test/api", "http://other.test/x") == "http://other.test/x")
        // A "://" in the query is not a scheme: the path still joins the base.
        #expect(URLBuilder.join(base: "http://h.test", "/redirect-to?url=http://x/") == "http://h.test/redirect-to?url=http://x/")
        #expect(URLBuilder.join(base: "http://h.test", "redirect-to?url=https://x/") == "http://h.test/redirect-to?url=https://x/")
    }

    @Test func aSchemeOnlyCountsAtTheStart() throws {
        #expect(try URLBuilder.parse("http://h.test/r?url=ftp://x").absoluteString == "http://h.test/r?url=ftp://x")
        // No leading scheme: said so, not "scheme 'h.test/?u=http' is not supported".
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("h.test/?u=http://x") }
        do {
            _ = try URLBuilder.parse("h.test/?u=http://x")
        } catch let error as InvalidURL {
            #expect(error.reason.contains("no scheme"))
        }
        #expect(throws: InvalidURL.self) { try URLBuilder.parse("svn+ssh://h.test/") }
    }

    @Test func sessionAndCallParamsMergeCallWins() async throws {
        let seen = Recorder<Request>()
        let session = Session(params: ["api_key": "k", "page": 1], transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.get("http://h.test/items?sort=asc", params: ["page": 2])
        #expect(seen.all.first?.url.absoluteString == "http://h.test/items?sort=asc&api_key=k&page=2")
    }
}
