import Testing

@testable import HTTPBun

@Suite struct PercentDecodingTests {
    @Test func decodesEscapes() {
        #expect(PercentDecoding.decode("a%20b%2Fc%2f", plusAsSpace: false) == "a b/c/")
        #expect(PercentDecoding.decode("%E2%82%AC", plusAsSpace: false) == "€")
    }

    @Test func plusOnlyWhenAsked() {
        #expect(PercentDecoding.decode("a+b", plusAsSpace: false) == "a+b")
        #expect(PercentDecoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentDecoding.decode("%2B", plusAsSpace: true) == "+")
    }

    @Test func malformedEscapesStay() {
        #expect(PercentDecoding.decode("%", plusAsSpace: false) == "%")
        #expect(PercentDecoding.decode("%4", plusAsSpace: false) == "%4")
        #expect(PercentDecoding.decode("%G1%1G%zz", plusAsSpace: false) == "%G1%1G%zz")
        #expect(PercentDecoding.decode("%%41", plusAsSpace: false) == "%A")
        #expect(PercentDecoding.decode("a%", plusAsSpace: true) == "a%")
    }

    @Test func invalidUTF8() {
        #expect(PercentDecoding.decode("%FF%FE", plusAsSpace: false) == "\u{FFFD}\u{FFFD}")
        #expect(PercentDecoding.decode("%E2%82", plusAsSpace: false) == "\u{FFFD}")
        #expect(PercentDecoding.decode(bytes: [0xFF, 0x61], plusAsSpace: false) == "\u{FFFD}a")
    }

    @Test func decodeBytesKeepsRawBytes() {
        #expect(PercentDecoding.decodeBytes("%FF+%00".utf8, plusAsSpace: true) == [0xFF, 0x20, 0x00])
    }

    @Test func encode() {
        #expect(PercentDecoding.encode("a b/€~") == "a%20b%2F%E2%82%AC~")
        #expect(PercentDecoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentDecoding.encode("a/b", keeping: { $0 == UInt8(ascii: "/") || PercentDecoding.isUnreserved($0) }) == "a/b")
    }
}
