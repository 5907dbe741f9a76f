import Testing

@testable import HTTPBunCore

@Suite struct CookieHeaderTests {
    private func pairs(_ values: [String]) -> [[String]] {
        CookieHeader.parse(values).map { [$0.name, $0.value] }
    }

    @Test func documentedExample() {
        #expect(pairs(["a=1; b=\"2\"", "c=3"]) == [["a", "1"], ["b", "2"], ["c", "3"]])
    }

    @Test func noHeadersAndEmptyHeaders() {
        #expect(pairs([]).isEmpty)
        #expect(pairs([""]).isEmpty)
        #expect(pairs([";;; ;"]).isEmpty)
    }

    @Test func separatorsWithAndWithoutSpaces() {
        #expect(pairs(["a=1;b=2"]) == [["a", "1"], ["b", "2"]])
        #expect(pairs(["a=1 ;  b=2;\tc=3;"]) == [["a", "1"], ["b", "2"], ["c", "3"]])
        #expect(pairs(["  a  =  1  "]) == [["a", "1"]])
    }

    @Test func skippedSegments() {
        #expect(pairs(["=value; a=1"]) == [["a", "1"]])
        #expect(pairs(["  =value"]).isEmpty)
        #expect(pairs(["flag; a=1; other"]) == [["a", "1"]])
    }

    @Test func valuesKeepEverythingAfterTheFirstEquals() {
        #expect(pairs(["a=b=c"]) == [["a", "b=c"]])
        #expect(pairs(["token=abc==; x=="]) == [["token", "abc=="], ["x", "="]])
    }

    @Test func emptyValues() {
        #expect(pairs(["a=; b=\"\""]) == [["a", ""], ["b", ""]])
    }

    @Test func quotesAreOnlyRemovedWhenTheyWrapTheValue() {
        #expect(pairs(["a=\"x y\"", "b=\"open", "c=close\"", "d=\"", "e=\"in\"side\""])
            == [["a", "x y"], ["b", "\"open"], ["c", "close\""], ["d", "\""], ["e", "in\"side"]])
    }

    @Test func nothingIsDecoded() {
        #expect(pairs(["a=%20b+c; n%41me=v"]) == [["a", "%20b+c"], ["n%41me", "v"]])
    }

    @Test func repeatsAndOrderAreKept() {
        #expect(pairs(["b=1; a=2", "b=3"]) == [["b", "1"], ["a", "2"], ["b", "3"]])
    }

    @Test func nonASCII() {
        #expect(pairs(["name=caf\u{E9}; \u{1F36A}=\u{1F36A}"]) == [["name", "caf\u{E9}"], ["\u{1F36A}", "\u{1F36A}"]])
        // A combining mark after `;` or `=` does not hide the separator.
        #expect(pairs(["a=1;\u{301}b=2"]) == [["a", "1"], ["\u{301}b", "2"]])
        #expect(pairs(["a=\u{301}x"]) == [["a", "\u{301}x"]])
    }
}
