import Testing

@testable import HTTPBunCore

@Suite struct MediaTypeTests {
    private func parameters(_ type: MediaType) -> [[String]] { type.parameters.map { [$0.name, $0.value] } }

    @Test func plainType() {
        let type = MediaType.parse("application/json")
        #expect(type.essence == "application/json")
        #expect(type.parameters.isEmpty)
        #expect(type.parameter("charset") == nil)
        #expect(type.isJSON)
    }

    @Test func caseIsFoldedForTypeAndParameterNamesButNotValues() {
        let type = MediaType.parse("Multipart/Form-Data; BOUNDARY=AbC; Charset=UTF-8")
        #expect(type.essence == "multipart/form-data")
        #expect(parameters(type) == [["boundary", "AbC"], ["charset", "UTF-8"]])
        #expect(type.parameter("Boundary") == "AbC")
        #expect(type.parameter("BOUNDARY") == "AbC")
    }

    @Test func whitespace() {
        let type = MediaType.parse("  text/plain \t;  charset = utf-8 ;format=flowed  ")
        #expect(type.essence == "text/plain")
        #expect(parameters(type) == [["charset", "utf-8"], ["format", "flowed"]])
    }

    @Test func quotedValues() {
        let type = MediaType.parse(#"multipart/form-data; boundary="a b;c"; name="x\"y\\z"; empty="""#)
        #expect(parameters(type) == [["boundary", "a b;c"], ["name", "x\"y\\z"], ["empty", ""]])
        // Text after a closing quote is dropped; spaces inside quotes are kept.
        #expect(parameters(MediaType.parse(#"a/b; q=" 1 "junk; r=2"#)) == [["q", " 1 "], ["r", "2"]])
    }

    @Test func unterminatedQuoteAndTrailingBackslashDoNotCrash() {
        #expect(parameters(MediaType.parse(#"a/b; q="never closed"#)) == [["q", "never closed"]])
        #expect(parameters(MediaType.parse(#"a/b; q="ends with \"#)) == [["q", "ends with \\"]])
        #expect(parameters(MediaType.parse(#"a/b; q=""#)) == [["q", ""]])
    }

    @Test func missingAndMalformedParameters() {
        #expect(MediaType.parse("text/html;").parameters.isEmpty)
        #expect(MediaType.parse("text/html; ;;").parameters.isEmpty)
        #expect(parameters(MediaType.parse("text/html; flag; a=1")) == [["a", "1"]])
        #expect(parameters(MediaType.parse("text/html; =1; b=")) == [["b", ""]])
        #expect(MediaType.parse("").essence == "")
        #expect(MediaType.parse("; a=1").essence == "")
        #expect(parameters(MediaType.parse("; a=1")) == [["a", "1"]])
    }

    @Test func firstRepeatedParameterWins() {
        #expect(MediaType.parse("a/b; x=1; X=2").parameter("x") == "1")
    }

    @Test func jsonDetection() {
        #expect(MediaType.parse("application/json; charset=utf-8").isJSON)
        #expect(MediaType.parse("APPLICATION/JSON").isJSON)
        #expect(MediaType.parse("application/vnd.api+json").isJSON)
        #expect(MediaType.parse("application/problem+JSON").isJSON)
        #expect(!MediaType.parse("text/json-ish").isJSON)
        #expect(!MediaType.parse("application/jsonx").isJSON)
        #expect(!MediaType.parse("text/plain").isJSON)
    }

    @Test func equality() {
        #expect(MediaType.parse("Text/Plain; Charset=utf-8") == MediaType.parse("text/plain;charset=\"utf-8\""))
        #expect(MediaType.parse("text/plain; charset=utf-8") != MediaType.parse("text/plain; charset=UTF-8"))
        #expect(Set([MediaType.parse("a/b"), MediaType.parse("A/B")]).count == 1)
    }

    @Test func contentDisposition() {
        let type = MediaType.parse(#"form-data; name="a\"b"; filename*=UTF-8''%E2%82%AC.txt"#)
        #expect(type.essence == "form-data")
        #expect(type.parameter("name") == "a\"b")
        #expect(type.parameter("filename*") == "UTF-8''%E2%82%AC.txt")
        #expect(type.parameter("filename") == nil)
    }
}
