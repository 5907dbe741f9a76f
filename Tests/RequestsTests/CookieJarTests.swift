import Foundation
import Synchronization
import HTTPWire
import Testing
@testable import Requests

@Suite struct CookieJarTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func jar(at date: Date) -> CookieJar { CookieJar(now: { date }) }
    func url(_ text: String) -> URL { URL(string: text)! }

    @Test func hostOnlyCookieIsNotSentToSubdomains() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "a=1"], url: url("http://example.com/"))
        #expect(jar.header(for: url("http://example.com/x")) == "a=1")
        #expect(jar.header(for: url("http://www.example.com/")) == nil)
    }

    @Test func domainCookieReachesSubdomainsButNotOtherSites() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "a=1; Domain=.example.com"], url: url("http://www.example.com/"))
        #expect(jar.header(for: url("http://api.example.com/")) == "a=1")
        #expect(jar.header(for: url("http://example.com/")) == "a=1")
        #expect(jar.header(for: url("http://badexample.com/")) == nil)
    }

    @Test func foreignOrTopLevelDomainsAreRejected() {
        let jar = jar(at: now)
        jar.store(from: Headers([("Set-Cookie", "a=1; Domain=other.com"), ("Set-Cookie", "b=2; Domain=com")]), url: url("http://www.example.com/"))
        #expect(jar.count == 0)
    }

    @Test func pathMatchingFollowsRFC6265() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "a=1; Path=/docs"], url: url("http://h.test/"))
        #expect(jar.header(for: url("http://h.test/docs")) == "a=1")
        #expect(jar.header(for: url("http://h.test/docs/web")) == "a=1")
        #expect(jar.header(for: url("http://h.test/docsets")) == nil)
        #expect(jar.header(for: url("http://h.test/")) == nil)
    }

    @Test func defaultPathIsTheRequestDirectory() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "a=1"], url: url("http://h.test/account/login"))
        #expect(jar.all.first?.path == "/account")
        #expect(jar.header(for: url("http://h.test/other")) == nil)
    }

    @Test func secureCookiesGoOnlyOverHTTPS() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "s=1; Secure"], url: url("https://h.test/"))
        #expect(jar.header(for: url("https://h.test/")) == "s=1")
        #expect(jar.header(for: url("http://h.test/")) == nil)
    }

    @Test func expiresAndMaxAge() {
        let clock = Mutex(now)
        let jar = CookieJar(now: { clock.withLock { $0 } })
        jar.store(from: Headers([
            ("Set-Cookie", "short=1; Max-Age=60"),
            ("Set-Cookie", "dated=2; Expires=\(httpDate(now.addingTimeInterval(3600)))"),
            ("Set-Cookie", "both=3; Expires=\(httpDate(now.addingTimeInterval(3600))); Max-Age=10"),
        ]), url: url("http://h.test/"))
        #expect(jar.dictionary == ["short": "1", "dated": "2", "both": "3"])
        clock.withLock { $0 = now.addingTimeInterval(30) }
        #expect(jar.dictionary == ["short": "1", "dated": "2"])   // Max-Age wins over Expires
        clock.withLock { $0 = now.addingTimeInterval(120) }
        #expect(jar.dictionary == ["dated": "2"])
        clock.withLock { $0 = now.addingTimeInterval(7200) }
        #expect(jar.dictionary.isEmpty)
    }

    @Test func deletionByMaxAgeZeroOrPastExpires() {
        let jar = jar(at: now)
        jar.store(from: Headers([("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]), url: url("http://h.test/"))
        jar.store(from: ["Set-Cookie": "a=; Max-Age=0"], url: url("http://h.test/"))
        jar.store(from: ["Set-Cookie": "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], url: url("http://h.test/"))
        #expect(jar.dictionary.isEmpty)
    }

    @Test func replacingKeepsOneCookiePerNameDomainPath() {
        let jar = jar(at: now)
        jar.store(from: ["Set-Cookie": "a=1"], url: url("http://h.test/"))
        jar.store(from: ["Set-Cookie": "a=2"], url: url("http://h.test/"))
        jar.store(from: ["Set-Cookie": "a=3; Path=/x"], url: url("http://h.test/"))
        #expect(jar.count == 2)
        // Longer paths first.
        #expect(jar.header(for: url("http://h.test/x/y")) == "a=3; a=2")
    }

    @Test func readsTheThreeHTTPDateFormsInExpires() {
        let jar = CookieJar(now: { Date(timeIntervalSince1970: 784_111_000) })
        for (index, date) in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"].enumerated() {
            jar.store(from: ["Set-Cookie": "c\(index)=1; Expires=\(date)"], url: url("http://h.test/"))
        }
        jar.store(from: ["Set-Cookie": "bad=1; Expires=not a date"], url: url("http://h.test/"))
        #expect(jar.count == 4)
        let later = CookieJar(now: { Date(timeIntervalSince1970: 784_111_778) })
        for (index, date) in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"].enumerated() {
            later.store(from: ["Set-Cookie": "c\(index)=1; Expires=\(date)"], url: url("http://h.test/"))
        }
        #expect(later.count == 0, "each form is read as 08:49:37, a second before this jar's clock")
    }

    @Test func malformedSetCookieIsIgnored() {
        let jar = jar(at: now)
        jar.store(from: Headers([("Set-Cookie", "novalue"), ("Set-Cookie", "=x")]), url: url("http://h.test/"))
        #expect(jar.count == 0)
    }

    @Test func cookiesFromARedirectReachTheNextHop() async throws {
        let seen = Recorder<Request>()
        let mock = recordingMock(seen) { request, _ in
            if request.url.path == "/set" {
                return Response(statusCode: 302, headers: Headers([("Location", "/cookies"), ("Set-Cookie", "k=v; Path=/")]))
            }
            return Response(statusCode: 200, text: request.headers["Cookie"] ?? "")
        }
        let session = Session(transport: mock)
        let response = try await session.get("http://h.test/set")
        #expect(response.text == "k=v")
        #expect(session.cookies["k"] == "v")
        #expect(response.history.map(\.statusCode) == [302])
    }

    @Test func callCookiesAreSentWithTheJars() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        session.cookies.set("stored", "1", domain: "h.test")
        _ = try await session.get("http://h.test/", cookies: ["extra": "2"])
        #expect(seen.all.first?.headers["Cookie"] == "stored=1; extra=2")
    }

    @Test func anExplicitCookieHeaderIsSentAsItIs() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.get("http://h.test/")
        #expect(seen.all.last?.headers.contains("Cookie") == false)   // an empty jar adds nothing
        session.cookies.set("stored", "1", domain: "h.test")
        _ = try await session.get("http://h.test/", headers: ["Cookie": "mine=0"], cookies: ["extra": "2"])
        #expect(seen.all.last?.headers.values(for: "Cookie") == ["mine=0"])
        _ = try await session.get("http://h.test/", headers: ["Cookie": "mine=0"])
        #expect(seen.all.last?.headers.values(for: "Cookie") == ["mine=0"])
        _ = try await session.get("http://h.test/")
        #expect(seen.all.last?.headers["Cookie"] == "stored=1")
    }
}

/// `date` as an IMF-fixdate, for Set-Cookie fixtures.
private func httpDate(_ date: Date) -> String { HTTPDate.format(secondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down))) }
