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
}
