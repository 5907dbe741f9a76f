@testable import HTTPBunCore
import JSONValue
import Testing

/// Route parameters chosen to break arithmetic: each must be a JSON 400 (or a normal answer), never
/// a trap. Found by the battery and the route fuzzer (hardening/battery.py, fuzz/FuzzTargets.swift).
@Suite("Hostile route parameters")
struct HostileParameterTests {
    @Test(
        "weights whose sum overflows to infinity are refused, not a crash",
        arguments: ["200:1e308,500:1e308", "200:1.7976931348623157e308,201:1.7976931348623157e308", "200:1e308,500:1e308,503:1e308"])
    func overflowingWeights(_ codes: String) throws {
        let response = respond("GET", "/status/" + codes)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "/status refuses in httpbun's words")
    }

    @Test("large but finite weights still pick by weight")
    func largeFiniteWeights() throws {
        let choice = try StatusChoice.parse("200:1e307,500:1e307")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 { #expect([200, 500].contains(choice.pick(using: &generator))) }
    }

    @Test(
        "absurd numbers in paths are 400 with a JSON error",
        arguments: [
            "/range/-5", "/range/99999999999999999999", "/stream/-1x",
            "/fault/truncate/99999999999999999999",
            "/stream-bytes/99999999999999999999",
            "/digest-auth/auth/u/p/MD5/99999999999999999999", "/unstable?failure_rate=1e308",
        ])
    func absurdNumbers(_ target: String) throws {
        let response = respond("GET", target)
        #expect(response.status == 400, "\(target) answered \(response.status)")
        #expect(response.headers["Content-Type"] == "application/json", "\(target)")
        #expect(try response.json["error"] != nil, "\(target)")
    }

    @Test(
        "absurd numbers where httpbun words the refusal: its text 400, or its 404 for a count that is not digits",
        arguments: [
            "/delay/1e308", "/delay/-1", "/delay/nan", "/delay/inf", "/delay/0x10", "/delay/0x1p3", "/delay/infinity",
            "/redirect/99999999999999999999", "/redirect/-1", "/drip?duration=1e308", "/drip?numbytes=-1",
            "/bytes/-1", "/bytes/99999999999999999999",
            "/status/99999999999999999999", "/status/-200", "/status/200:-1", "/status/200:nan", "/status/200:inf",
            "/sse?count=99999999999999999999", "/sse?delay=1e308",
        ])
    func absurdNumbersInHTTPBunWords(_ target: String) throws {
        let response = respond("GET", target)
        #expect(response.status == (["/redirect/-1", "/status/-200"].contains(target) ? 404 : 400), "\(target) answered \(response.status)")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(target)")
        #expect(response.delay == .zero)
        #expect(response.headers["Location"] == nil)
    }

    @Test(
        "a request target that is not a path, or holds control characters, is 400",
        arguments: ["get", "anything/x", "*", "/anything/\u{01}", "/get?a=\u{1b}[31m", "/anything/a\u{7f}", "/anything/\u{00}"])
    func malformedTargets(_ target: String) throws {
        let response = respond("GET", target)
        #expect(response.status == 400, "\(target) answered \(response.status)")
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test("OPTIONS * and raw UTF-8 in a path are still served")
    func lenientTargets() {
        #expect(respond("OPTIONS", "*").status != 400)
        #expect(respond("GET", "/anything/é").status == 200)
    }
}
