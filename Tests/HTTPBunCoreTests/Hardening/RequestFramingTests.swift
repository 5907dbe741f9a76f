@testable import HTTPBunCore
import Testing

@Suite("Request framing")
struct RequestFramingTests {
    @Test("one length, equal repeats, or chunked alone are fine")
    func unambiguous() {
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: []) == nil)
        #expect(RequestFraming.refusal(contentLengths: ["5"], transferEncodings: []) == nil)
        #expect(RequestFraming.refusal(contentLengths: ["5", " 5"], transferEncodings: []) == nil)
        #expect(RequestFraming.refusal(contentLengths: ["5, 5"], transferEncodings: []) == nil)
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: ["chunked"]) == nil)
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: ["Chunked"]) == nil)
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: ["CHUNKED"]) == nil)
    }

    @Test("conflicting lengths, or a length with Transfer-Encoding, are refused")
    func ambiguous() {
        #expect(RequestFraming.refusal(contentLengths: ["5", "6"], transferEncodings: [])?.status == 400)
        #expect(RequestFraming.refusal(contentLengths: ["0", "5"], transferEncodings: [])?.status == 400)
        #expect(RequestFraming.refusal(contentLengths: ["5, 6"], transferEncodings: [])?.status == 400)
        #expect(RequestFraming.refusal(contentLengths: ["3"], transferEncodings: ["chunked"])?.status == 400)
    }

    /// RFC 9112 §6.3: chunked not final is 400, a coding before chunked that we do not implement
    /// is 501, and chunked twice is 400. Each of these left the client waiting for the idle timeout.
    @Test("transfer codings", arguments: [
        (["gzip"], 400), (["identity"], 400), (["xchunked"], 400), (["chunked, identity"], 400),
        (["gzip, chunked"], 501), (["deflate", "chunked"], 501), (["chunked", "chunked"], 400),
        (["chunked, chunked"], 400), ([""], 400), ([" , "], 400), (["gzip", "gzip"], 400),
        // The list is fine, but libmicrohttpd would not decode it: refused, never left waiting.
        (["chunked "], 400), (["chunked;x=1"], 400), ([", chunked"], 400),
    ])
    func transferCodings(fields: [String], status: Int) {
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: fields)?.status == status, "\(fields)")
    }

    @Test("HTTP/1.0 may not use Transfer-Encoding")
    func http10TransferEncoding() {
        #expect(RequestFraming.refusal(contentLengths: [], transferEncodings: ["chunked"], version: "HTTP/1.0")?.status == 400)
        #expect(RequestFraming.refusal(contentLengths: ["5"], transferEncodings: [], version: "HTTP/1.0") == nil)
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

@Suite("Field syntax (RFC 9110 §5)")
struct FieldSyntaxTests {
    @Test("tokens with any value but controls are fine", arguments: [
        ("X-A", "1"), ("x-a", ""), ("!#$%&'*+-.^_`|~09azAZ", "v"), ("X-A", "a\tb"), ("X-A", "caf\u{E9} \u{2603}"),
        ("X-A", "  spaced  "), ("Content-Length", "5"), ("Transfer-Encoding", "chunked"), ("Content-Type", "text/plain"),
    ])
    func accepted(name: String, value: String) {
        #expect(FieldSyntax.problem(name: name, value: value) == nil)
    }

    @Test("names that are not tokens, and values with control bytes, are refused", arguments: [
        ("Content-Length ", "44"), ("Transfer-Encoding\t", "chunked"), ("X A", "b"), ("", "v"), ("X-\u{1}", "b"),
        ("X-\u{7F}", "b"), ("X-\u{E9}", "b"), ("X(A)", "b"), ("X/A", "b"), ("\"X\"", "b"), ("X-A", "a\rb"), ("X-A", "a\nb"),
        ("X-A", "a\u{0}b"), ("X-A", "\u{1B}[31m"), ("X-A", "\u{7F}"),
        // What libmicrohttpd makes of an obs-fold after a framing field's name.
        ("Content-Length44", "5"), ("content-lengthx", "5"), ("Transfer-Encodingchunked", ""), ("TRANSFER-ENCODING-X", "1"),
    ])
    func refused(name: String, value: String) {
        #expect(FieldSyntax.problem(name: name, value: value) != nil, "\(name.debugDescription): \(value.debugDescription)")
    }

    /// The value check reads eight bytes a step: every byte value at every place of values up to
    /// 20 bytes long is judged as the plain rule judges it.
    @Test("the word-at-a-time value check agrees with the rule, byte by byte")
    func valueCheckAgreesWithTheRule() {
        for length in 1...20 {
            for place in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var value = [UInt8](repeating: UInt8(ascii: "v"), count: length)
                    value[place] = byte
                    let refused = (byte < 0x20 && byte != 0x09) || byte == 0x7F
                    let problem = value.withUnsafeBytes { FieldSyntax.valueProblem($0, name: UnsafeRawBufferPointer(start: nil, count: 0)) }
                    if (problem != nil) != refused {
                        Issue.record("byte 0x\(String(byte, radix: 16)) at \(place) of \(length): \(problem ?? "accepted")")
                        return
                    }
                }
            }
        }
    }

    @Test("whitespace before the colon is named as such")
    func whitespaceBeforeColon() {
        #expect(FieldSyntax.problem(name: "Content-Length ", value: "5")?.contains("whitespace between") == true)
    }
}

@Suite("Absolute-form targets (RFC 9112 §3.2.2)")
struct AbsoluteFormTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/get?a=1", "127.0.0.1:8080", "/get?a=1"),
        ("HTTP://example.com/x", "example.com", "/x"),
        ("https://example.com", "example.com", "/"),
        ("http://example.com?a=1", "example.com", "/?a=1"),
        ("http://user:pw@example.com:81/p", "example.com:81", "/p"),
        ("http://[::1]:8080/get", "[::1]:8080", "/get"),
    ])
    func splits(target: String, authority: String, originForm: String) {
        let split = Request.absoluteForm(target)
        #expect(split?.authority == authority)
        #expect(split?.originForm == originForm)
    }

    @Test(arguments: ["/get", "*", "127.0.0.1:443", "http:/x", "http://", "http:///x", "ftp://example.com/", "httpx://a/b", ""])
    func otherFormsAreNot(target: String) {
        #expect(Request.absoluteForm(target) == nil)
    }
}
