@testable import HTTPBunCore
import Testing

/// Each expectation was printed by werkzeug 3.1.9 (python httpbin's, `conformance/requirements.txt`):
/// `parse_cookie(header).items(multi=True)` and `dump_cookie("k", value)`.
@Suite("Cookies as python httpbin's werkzeug reads and writes them")
struct WerkzeugCookieTests {
    @Test("parse_cookie", arguments: [
        (#"a=1; b="2""#, [["a", "1"], ["b", "2"]]),
        (#"foo="bar:baz""#, [["foo", "bar:baz"]]),
        (#"a="x\073y"; b; c=d"e; f=1"#, [["a", "x;y"], ["b", ""], ["f", "1"]]),
        (" x = 1 ; y=2", [["x", "1"], ["y", "2"]]),
        (#"q="unterminated; r=1"#, [["r", "1"]]),
        ("a=1;;b=2", [["a", "1"], ["b", "2"]]),
        (#"n="\303\251""#, [["n", "é"]]),
        (#"e="""#, [["e", ""]]),
        (#"k="a\"b""#, [["k", "a\"b"]]),
        (#"k="a\\b""#, [["k", "a\\b"]]),
        ("sp=a b; z=9", [["z", "9"]]),
        ("=v; w=1", [["w", "1"]]),
        ("a\tb=1", []),
        ("x=1;y", [["x", "1"], ["y", ""]]),
        (#"x="1" ; y="2"x; z=3"#, [["x", "1"], ["z", "3"]]),
        ("dup=1; dup=2", [["dup", "1"], ["dup", "2"]]),
        ("u=é; v=2", [["u", "é"], ["v", "2"]]),
        (#"a="\477""#, [["a", "477"]]),
    ])
    func parse(header: String, expected: [[String]]) {
        #expect(CookieHeader.parseAsWerkzeug([header]).map { [$0.name, $0.value] } == expected)
    }

    @Test("dump_cookie's value quoting", arguments: [
        (#""bar:baz""#, #""\"bar:baz\"""#), ("plain", "plain"), ("b c", #""b c""#), ("é", #""\303\251""#), ("x;y", #""x\073y""#),
        ("a,b", #""a\054b""#), (#"back\slash"#, #""back\\slash""#), ("tab\there", #""tab\011here""#),
        ("ok!#$%&()*+-./:<=>?@[]^`{|}~", "ok!#$%&()*+-./:<=>?@[]^`{|}~"), ("", ""), ("quote'", "quote'"),
        // werkzeug leaves 0x1A-0x1F raw, which no header may carry: escaped here (docs/flavors.md).
        ("\u{1B}", #""\033""#),
    ])
    func dump(value: String, expected: String) {
        #expect(SetCookie.werkzeugValue(value) == expected)
    }

    @Test("--flavor httpbin sets and echoes quoted values as httpbin does")
    func httpbinFlavor() throws {
        let configuration = ServerConfiguration(flavor: .httpbin)
        let set = respond("GET", "/cookies/set?foo=%22bar:baz%22", configuration: configuration)
        #expect(set.status == 302)
        #expect(set.headers.values(for: "Set-Cookie") == [#"foo="\"bar:baz\""; Path=/"#])
        let echoed = respond("GET", "/cookies", headers: ["Host": "h", "Cookie": #"foo="\"bar:baz\""; n="\303\251"; n=2"#], configuration: configuration)
        #expect(try echoed.json == ["cookies": ["foo": "\"bar:baz\"", "n": "é"]])
        var https = Request(method: "GET", target: "/cookies/set/a/b%20c", headers: ["Host": "h"])
        https.scheme = "https"
        #expect(Router(configuration: configuration).respond(to: https).headers.values(for: "Set-Cookie") == [#"a="b c"; Secure; Path=/"#])
    }
}
