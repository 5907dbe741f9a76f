import Testing

@testable import HTTPBunCore

@Suite struct PercentCodingTests {
    @Test func decodesEscapes() {
        #expect(PercentCoding.decode("a%20b%2Fc%2f", plusAsSpace: false) == "a b/c/")
        #expect(PercentCoding.decode("%E2%82%AC", plusAsSpace: false) == "€")
    }

    @Test func plusOnlyWhenAsked() {
        #expect(PercentCoding.decode("a+b", plusAsSpace: false) == "a+b")
        #expect(PercentCoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentCoding.decode("%2B", plusAsSpace: true) == "+")
    }

    @Test func malformedEscapesStay() {
        #expect(PercentCoding.decode("%", plusAsSpace: false) == "%")
        #expect(PercentCoding.decode("%4", plusAsSpace: false) == "%4")
        #expect(PercentCoding.decode("%G1%1G%zz", plusAsSpace: false) == "%G1%1G%zz")
        #expect(PercentCoding.decode("%%41", plusAsSpace: false) == "%A")
        #expect(PercentCoding.decode("a%", plusAsSpace: true) == "a%")
    }

    @Test func invalidUTF8() {
        #expect(PercentCoding.decode("%FF%FE", plusAsSpace: false) == "\u{FFFD}\u{FFFD}")
        #expect(PercentCoding.decode("%E2%82", plusAsSpace: false) == "\u{FFFD}")
        #expect(PercentCoding.decode(bytes: [0xFF, 0x61], plusAsSpace: false) == "\u{FFFD}a")
    }

    @Test func decodeBytesKeepsRawBytes() {
        #expect(PercentCoding.decodeBytes("%FF+%00".utf8, plusAsSpace: true) == [0xFF, 0x20, 0x00])
    }

    @Test func encode() {
        #expect(PercentCoding.encode("a b/€~") == "a%20b%2F%E2%82%AC~")
        #expect(PercentCoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentCoding.encode("a/b", keeping: { $0 == UInt8(ascii: "/") || PercentCoding.isUnreserved($0) }) == "a/b")
    }
}
