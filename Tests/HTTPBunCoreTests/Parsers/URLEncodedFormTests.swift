import Testing

@testable import HTTPBunCore

@Suite struct URLEncodedFormTests {
    private func pairs(_ text: String) -> [[String]] { URLEncodedForm.parse(text.utf8).map { [$0.name, $0.value] } }
    private func pairs(_ bytes: [UInt8]) -> [[String]] { URLEncodedForm.parse(bytes).map { [$0.name, $0.value] } }

    @Test func documentedExample() {
        #expect(pairs("a=1&a=2&flag") == [["a", "1"], ["a", "2"], ["flag", ""]])
    }

    @Test func emptyInput() {
        #expect(pairs("").isEmpty)
        #expect(pairs("&&&").isEmpty)
    }

    @Test func repeatedKeysKeepWireOrder() {
        #expect(pairs("b=1&a=2&b=3") == [["b", "1"], ["a", "2"], ["b", "3"]])
    }

    @Test func plusAndEscapes() {
        #expect(pairs("q=a+b&r=a%2Bb&s=%20%2b") == [["q", "a b"], ["r", "a+b"], ["s", " +"]])
        #expect(pairs("k+ey%3D=v%26al%3Due") == [["k ey=", "v&al=ue"]])
    }

    @Test func malformedEscapesAreKeptLiterally() {
        #expect(pairs("a=%zz&b=%&c=%4&d=100%&e=%%41") == [["a", "%zz"], ["b", "%"], ["c", "%4"], ["d", "100%"], ["e", "%A"]])
    }

    @Test func bareKeysEmptySegmentsAndTrailingAmpersand() {
        #expect(pairs("flag&&x=1&") == [["flag", ""], ["x", "1"]])
        #expect(pairs("a=&=b&=") == [["a", ""], ["", "b"], ["", ""]])
        #expect(pairs("a==b") == [["a", "=b"]])
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(pairs("a=%FF&b=%C3&c=%C3%A9") == [["a", "\u{FFFD}"], ["b", "\u{FFFD}"], ["c", "é"]])
        #expect(pairs([0x6B, 0x3D, 0xFF, 0x41]) == [["k", "\u{FFFD}A"]])
    }

    @Test func unicode() {
        #expect(pairs("name=%E2%82%AC%F0%9F%98%80&caf%C3%A9=ok") == [["name", "€😀"], ["café", "ok"]])
        #expect(pairs("raw=€") == [["raw", "€"]])
    }

    @Test func worksOnSlices() {
        let body = Array("xx&a=1&b=2".utf8)
        #expect(URLEncodedForm.parse(body[3...]).map { [$0.name, $0.value] } == [["a", "1"], ["b", "2"]])
    }

    @Test func encodeRoundTrips() {
        let original = [("a b", "c+d&e=f"), ("€", "%"), ("", "~-._")]
        let encoded = URLEncodedForm.encode(original)
        #expect(encoded == "a+b=c%2Bd%26e%3Df&%E2%82%AC=%25&=~-._")
        #expect(pairs(encoded) == original.map { [$0.0, $0.1] })
    }
}
