@testable import HTTPBun
import Testing

@Suite("Request framing")
struct RequestFramingTests {
    @Test("one length, equal repeats, or chunked alone are fine")
    func unambiguous() {
        #expect(RequestFraming.problem(contentLengths: [], transferEncodings: []) == nil)
        #expect(RequestFraming.problem(contentLengths: ["5"], transferEncodings: []) == nil)
        #expect(RequestFraming.problem(contentLengths: ["5", " 5"], transferEncodings: []) == nil)
        #expect(RequestFraming.problem(contentLengths: ["5, 5"], transferEncodings: []) == nil)
        #expect(RequestFraming.problem(contentLengths: [], transferEncodings: ["chunked"]) == nil)
    }

    @Test("conflicting lengths, or a length with Transfer-Encoding, are refused")
    func ambiguous() {
        #expect(RequestFraming.problem(contentLengths: ["5", "6"], transferEncodings: []) != nil)
        #expect(RequestFraming.problem(contentLengths: ["0", "5"], transferEncodings: []) != nil)
        #expect(RequestFraming.problem(contentLengths: ["5, 6"], transferEncodings: []) != nil)
        #expect(RequestFraming.problem(contentLengths: ["3"], transferEncodings: ["chunked"]) != nil)
    }

    @Test("the framing headers are read in one pass: each name's values in wire order, any case")
    func framingValuesInOnePass() {
        let headers: HTTPHeaders = [
            "Host": "h", "content-length": "5", "Transfer-Encoding": "chunked", "CONTENT-LENGTH": "6",
            "Content-Lengths": "7", "transfer-encoding": "gzip",
        ]
        let (lengths, encodings) = headers.values(for: "Content-Length", "Transfer-Encoding")
        #expect(lengths == ["5", "6"])
        #expect(encodings == ["chunked", "gzip"])
        #expect(lengths == headers.values(for: "Content-Length"))
        #expect(encodings == headers.values(for: "Transfer-Encoding"))
        let none = (["Host": "h"] as HTTPHeaders).values(for: "Content-Length", "Transfer-Encoding")
        #expect(none.first.isEmpty && none.second.isEmpty)
    }
}
