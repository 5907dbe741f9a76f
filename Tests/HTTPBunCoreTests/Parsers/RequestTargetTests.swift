import Testing

@testable import HTTPBunCore

@Suite("Request target: path, query and fragment")
struct RequestTargetTests {
    @Test(arguments: [
        ("/get", "/get", "", 0),
        ("/get?", "/get", "", 0),
        ("/get?a=1&b=2", "/get", "a=1&b=2", 2),
        ("/get?a=1#frag", "/get", "a=1", 1),
        ("/get#frag?a=1", "/get", "", 0),
        ("/get?a=1#x?b=2", "/get", "a=1", 1),
        ("/g%C3%A9t?%C3%A9=%E2%82%AC", "/g%C3%A9t", "%C3%A9=%E2%82%AC", 1),
        // `?` followed by a combining mark is one Character; path and query still split at its byte.
        ("/caf\u{E9}?\u{301}a=1", "/caf\u{E9}", "\u{301}a=1", 1),
    ])
    func splitsTheTarget(target: String, path: String, query: String, pairs: Int) {
        let request = Request(method: "GET", target: target)
        #expect(request.rawPath == path)
        #expect(request.rawQuery == query)
        #expect(request.query.count == pairs)
    }

    @Test func decodesQueryPairsInOrder() {
        let request = Request(method: "GET", target: "/get?%C3%A9=%E2%82%AC&flag&a=1+2&a=3")
        #expect(request.query.map(\.name) == ["é", "flag", "a", "a"])
        #expect(request.query.map(\.value) == ["€", "", "1 2", "3"])
        #expect(request.queryValue("a") == "1 2")
        #expect(request.queryValue("missing") == nil)
    }

    @Test func smallAndLargeTargetsParseAlike() {
        // Small strings (up to 15 UTF-8 bytes) are stored inline and lend their bytes from the stack.
        #expect(Request(method: "GET", target: "/g?a=1").query.first?.value == "1")
        let long = "/get?" + String(repeating: "k=v&", count: 500) + "last=x"
        #expect(Request(method: "GET", target: long).query.count == 501)
        #expect(Request(method: "GET", target: long).queryValue("last") == "x")
    }
}
