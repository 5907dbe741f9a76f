@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("Numbers in paths and queries: plain decimal only, the same everywhere")
struct DecimalNumberTests {
    @Test("whole numbers: digits only, nothing that overflows")
    func whole() {
        #expect(DecimalNumber.whole("0") == 0)
        #expect(DecimalNumber.whole("042") == 42)
        for bad in ["", "+5", "-5", " 5", "5 ", "1e3", "0x10", "5.0", "٣", "99999999999999999999"] {
            #expect(DecimalNumber.whole(bad) == nil, "\(bad)")
        }
    }

    @Test("decimals: an optional minus, digits and one point; no exponent, hex, sign or words")
    func decimal() {
        #expect(DecimalNumber.decimal("1") == 1)
        #expect(DecimalNumber.decimal("0.25") == 0.25)
        #expect(DecimalNumber.decimal(".5") == 0.5)
        #expect(DecimalNumber.decimal("2.") == 2)
        #expect(DecimalNumber.decimal("-1") == -1)
        for bad in ["", ".", "-", "+1", "1e3", "0x10", "0x1p3", "nan", "inf", "1.2.3", "1 ", "--1"] {
            #expect(DecimalNumber.decimal(bad) == nil, "\(bad)")
        }
    }

    @Test("a plus sign is refused by every endpoint that reads a number, as /bytes always did")
    func signedNumbersAreRefusedEverywhere() throws {
        for target in [
            "/fault/truncate/+10",
            "/stream/+2", "/unstable?failure_rate=+0.5",
            "/unstable?failure_rate=5e-1", "/digest-auth/auth/u/p/MD5/+2",
        ] {
            let response = respond("GET", target)
            #expect(response.status == 400, "\(target) answered \(response.status)")
            #expect(try response.json["error"] != nil, "\(target)")
        }
        // Where httpbun defines the refusal, it is httpbun's: its chain patterns take digits only
        // (a 404), and its /delay answers text.
        for target in ["/redirect/+2", "/relative-redirect/+2", "/absolute-redirect/+2"] {
            #expect(respond("GET", target).status == 404, "\(target)")
        }
        #expect(respond("GET", "/drip?numbytes=+2").status == 400)
        // httpbun's /status pattern takes no +; its /bytes reads the unescaped " 5"; a + in a query is a space.
        #expect(respond("GET", "/status/+200").bodyText == "404 page not found\n")
        #expect(respond("GET", "/bytes/+5").bodyText == "Invalid size:  5")
        #expect(respond("GET", "/sse?count=+2").bodyText == "Invalid count value")
        for target in ["/delay/+1", "/delay/1e0"] {
            let response = respond("GET", target)
            #expect(response.status == 400, "\(target)")
            #expect(response.bodyText.hasPrefix("Invalid delay"), "\(target)")
        }
        // The plain forms still work.
        for target in ["/redirect/2", "/cache/60", "/fault/truncate/10", "/status/200", "/delay/0", "/links/3/1", "/unstable?failure_rate=0"] {
            #expect([200, 302].contains(respond("GET", target).status), "\(target)")
        }
    }
}
