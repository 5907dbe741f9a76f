import Testing

@testable import HTTPBunCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func text<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

/// The message of the error `Multipart.parse` throws, or nil when it does not throw.
private func parseError(_ body: [UInt8], boundary: String) -> String? {
    do {
        _ = try Multipart.parse(body, boundary: boundary)
        return nil
    } catch {
        return error.message
    }
}

private func parseError(_ body: String, boundary: String = "XYZ") -> String? {
    parseError(bytes(body), boundary: boundary)
}

/// A field part, CRLF line endings.
private func field(_ name: String, _ value: String, boundary: String = "XYZ") -> String {
    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
}

@Suite struct MultipartTests {
    static let wellFormed =
        "--XYZ\r\n"
        + "Content-Disposition: form-data; name=\"title\"\r\n"
        + "\r\n"
        + "Hello, world\r\n"
        + "--XYZ\r\n"
        + "Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
        + "Content-Type: text/plain\r\n"
        + "\r\n"
        + "line one\r\nline two\r\n"
        + "--XYZ--\r\n"

    @Test func fieldsAndFiles() throws {
        let parts = try Multipart.parse(bytes(Self.wellFormed), boundary: "XYZ")
        try #require(parts.count == 2)
        #expect(parts[0].name == "title")
        #expect(parts[0].filename == nil)
        #expect(text(parts[0].body) == "Hello, world")
        #expect(parts[0].headers.fields == [.init(name: "Content-Disposition", value: "form-data; name=\"title\"")])
        #expect(parts[1].name == "upload")
        #expect(parts[1].filename == "a.txt")
        #expect(text(parts[1].body) == "line one\r\nline two")
        #expect(parts[1].headers["content-type"] == "text/plain")
        #expect(parts[1].headers.fields.map(\.name) == ["Content-Disposition", "Content-Type"])
    }

    @Test func severalFilesUnderOneField() throws {
        let body =
            "--b1\r\nContent-Disposition: form-data; name=\"files\"; filename=\"one.txt\"\r\n\r\n1\r\n"
            + "--b1\r\nContent-Disposition: form-data; name=\"files\"; filename=\"two.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n22\r\n"
            + "--b1\r\nContent-Disposition: form-data; name=\"files\"; filename=\"three\"\r\n\r\n333\r\n"
            + "--b1--"
        let parts = try Multipart.parse(bytes(body), boundary: "b1")
        #expect(parts.map(\.name) == ["files", "files", "files"])
        #expect(parts.map(\.filename) == ["one.txt", "two.bin", "three"])
        #expect(parts.map { text($0.body) } == ["1", "22", "333"])
    }

    @Test func bareLineFeeds() throws {
        let body = Self.wellFormed.replacing("\r\n", with: "\n")
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map(\.name) == ["title", "upload"])
        #expect(text(parts[0].body) == "Hello, world")
        #expect(text(parts[1].body) == "line one\nline two")
        #expect(parts[1].headers["Content-Type"] == "text/plain")
    }

    @Test func preambleAndEpilogueAreIgnored() throws {
        let body = "This is the preamble.\r\nIt has --XYZ in it but not at a line start.\r\n" + Self.wellFormed
            + "This is the epilogue.\r\n--XYZ\r\nContent-Disposition: form-data; name=\"ignored\"\r\n\r\nx\r\n"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map(\.name) == ["title", "upload"])
        #expect(text(parts[0].body) == "Hello, world")
    }

    @Test func transportPaddingAfterDelimiters() throws {
        let body = "--XYZ \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XYZ  \r\n"
            + "Content-Disposition: form-data; name=b\r\n\r\n2\r\n--XYZ--  \r\n"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map(\.name) == ["a", "b"])
        #expect(parts.map { text($0.body) } == ["1", "2"])
    }

    @Test func boundaryFromContentTypeWithQuotesAndUpperCaseParameter() throws {
        let type = MediaType.parse("multipart/form-data; BOUNDARY=\"weird boundary:'()+_,-./=?\"")
        #expect(type.essence == "multipart/form-data")
        let boundary = try #require(type.parameter("boundary"))
        #expect(boundary == "weird boundary:'()+_,-./=?")
        let parts = try Multipart.parse(bytes(field("k", "v", boundary: boundary) + "--\(boundary)--"), boundary: boundary)
        #expect(parts.map(\.name) == ["k"])
        #expect(parts.map { text($0.body) } == ["v"])
    }

    @Test func boundaryFollowedByCharset() throws {
        let type = MediaType.parse("multipart/form-data; boundary=XX; charset=utf-8")
        let boundary = try #require(type.parameter("boundary"))
        #expect(boundary == "XX")
        #expect(type.parameter("charset") == "utf-8")
        let parts = try Multipart.parse(bytes(field("a", "1", boundary: "XX") + "--XX--\r\n"), boundary: boundary)
        #expect(parts.map(\.name) == ["a"])
    }

    @Test func contentDispositionVariants() throws {
        let body =
            "--XYZ\r\ncontent-disposition:form-data;name=plain\r\n\r\n1\r\n"
            + "--XYZ\r\nCONTENT-DISPOSITION: form-data; name=\"a\\\"b\"\r\n\r\n2\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; name=\"semi;colon\"; filename=\"x;y.txt\"\r\n\r\n3\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; name=\"euro\"; filename=\"fallback.txt\"; "
            + "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n5\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; filename*=utf-8'en'na%C3%AFve.txt; name=\"star-only\"\r\n\r\n6\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; name=latin; filename*=ISO-8859-1''caf%E9.txt\r\n\r\n7\r\n"
            + "--XYZ\r\nContent-Disposition: form-data; name=bad; filename=\"good.txt\"; filename*=KOI8-R''x\r\n\r\n8\r\n"
            + "--XYZ--"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map(\.name) == ["plain", "a\"b", "semi;colon", "empty", "euro", "star-only", "latin", "bad"])
        #expect(parts.map(\.filename) == [nil, nil, "x;y.txt", "", "€ rates.txt", "naïve.txt", "café.txt", "good.txt"])
        #expect(parts.map { text($0.body) } == ["1", "2", "3", "", "5", "6", "7", "8"])
        #expect(parts[0].headers.fields.map(\.name) == ["content-disposition"])
        #expect(parts[0].headers["Content-Disposition"] == "form-data;name=plain")
    }

    @Test func foldedHeaderLinesAreJoined() throws {
        let body = "--XYZ\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\nX-Note: a\r\n\tb\r\n\r\nv\r\n--XYZ--"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map(\.name) == ["folded"])
        #expect(parts[0].headers["X-Note"] == "a b")
    }

    @Test func binaryContentIsKeptExactly() throws {
        let content: [UInt8] = [0x00, 0xFF, 0xFE, 0x0D, 0x0A, 0x2D, 0x2D, 0x0D, 0x0D, 0x0A, 0x0A, 0x80, 0xC3, 0x28, 0x0D]
        var body = bytes("--XYZ\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"b.bin\"\r\n\r\n")
        body += content
        body += bytes("\r\n--XYZ--\r\n")
        let parts = try Multipart.parse(body, boundary: "XYZ")
        #expect(parts.count == 1)
        #expect(Array(parts[0].body) == content)
    }

    @Test func everyByteValueSurvives() throws {
        let content = (0..<4).flatMap { _ in (0...255).map { UInt8($0) } }
        var body = bytes("--XYZ\r\nContent-Disposition: form-data; name=\"all\"\r\n\r\n")
        body += content
        body += bytes("\r\n--XYZ--")
        #expect(try Multipart.parse(body, boundary: "XYZ").first.map { Array($0.body) } == content)
    }

    @Test func boundaryLookalikesInContentAreContent() throws {
        let content = "a--XYZ b\r\n--XYZX\r\n--XY\r\n-XYZ\r\n --XYZ\r\n--XYZ-\r\n--XYZ-- no, this is still content? no"
        // The last line does start with the close delimiter, so the content ends before it.
        let body = "--XYZ\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n" + content + "\r\n--XYZ--"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.count == 1)
        #expect(text(parts[0].body) == "a--XYZ b\r\n--XYZX\r\n--XY\r\n-XYZ\r\n --XYZ\r\n--XYZ-")
    }

    @Test func contentContainingTheBoundaryWithoutLineBreak() throws {
        let body = "--XYZ\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\nvalue--XYZ--XYZ\r\n--XYZ--\r\n"
        let parts = try Multipart.parse(bytes(body), boundary: "XYZ")
        #expect(parts.map { text($0.body) } == ["value--XYZ--XYZ"])
    }

    @Test func emptyPartBodies() throws {
        // An empty body is normally written as a blank line, then CRLF and the delimiter.
        let canonical = try Multipart.parse(bytes(field("e", "") + "--XYZ--"), boundary: "XYZ")
        #expect(canonical.map { Array($0.body) } == [[]])
        // Some clients put the delimiter right after the blank line.
        let tight = try Multipart.parse(
            bytes("--XYZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n--XYZ--"), boundary: "XYZ")
        #expect(tight.map(\.name) == ["e"])
        #expect(tight.map { Array($0.body) } == [[]])
    }

    @Test func zeroParts() throws {
        #expect(try Multipart.parse(bytes("--XYZ--"), boundary: "XYZ").isEmpty)
        #expect(try Multipart.parse(bytes("--XYZ--\r\n"), boundary: "XYZ").isEmpty)
        #expect(parseError("preamble\r\n--XYZ--") == "multipart body has no parts")
        #expect(parseError("--XYZ--\r\nepilogue") == "multipart body has no parts")
    }

    @Test func boundaryErrors() {
        #expect(parseError(bytes(Self.wellFormed), boundary: "") == "multipart boundary is empty; set a boundary parameter in Content-Type")
        let seventy = String(repeating: "b", count: 70)
        #expect(parseError(bytes(field("a", "1", boundary: seventy) + "--\(seventy)--"), boundary: seventy) == nil)
        let seventyOne = seventy + "b"
        #expect(
            parseError(bytes(field("a", "1", boundary: seventyOne) + "--\(seventyOne)--"), boundary: seventyOne)
                == "multipart boundary is 71 bytes long; at most 70 are allowed")
    }

    @Test func missingOpeningBoundary() {
        let expected = "multipart body has no opening boundary --XYZ; check the boundary parameter of Content-Type"
        #expect(parseError("") == expected)
        #expect(parseError(Self.wellFormed, boundary: "other") == "multipart body has no opening boundary --other; check the boundary parameter of Content-Type")
        #expect(parseError("just some text") == expected)
        // `--XYZ` not at a line start opens nothing; the close delimiter is then all there is.
        #expect(parseError("x--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XYZ--") == "multipart body has no parts")
    }

    @Test func truncatedBodies() {
        let truncatedPart = "--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhalf a val"
        #expect(parseError(truncatedPart) == "multipart body has no closing boundary --XYZ-- (part 1 is truncated)")
        let noFinalBoundary = field("a", "1") + field("b", "2")
        #expect(parseError(noFinalBoundary) == "multipart body has no closing boundary --XYZ-- (part 2 is truncated)")
        let endsAfterDelimiter = field("a", "1") + field("b", "2") + "--XYZ\r\n"
        #expect(parseError(endsAfterDelimiter) == "multipart body has no closing boundary --XYZ-- (it ends after part 2)")
        let delimiterCut = field("a", "1") + "--XY"
        #expect(parseError(delimiterCut) == "multipart body has no closing boundary --XYZ-- (part 1 is truncated)")
        let closeCut = field("a", "1") + "--XYZ-"
        #expect(parseError(closeCut) == "multipart body has no closing boundary --XYZ-- (part 1 is truncated)")
    }

    @Test func headerErrors() {
        #expect(
            parseError("--XYZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XYZ--")
                == "multipart part 1 has no Content-Disposition header")
        #expect(
            parseError(field("a", "1") + "--XYZ\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nx\r\n--XYZ--")
                == "multipart part 2 has no name in its Content-Disposition header")
        #expect(
            parseError("--XYZ\r\nContent-Disposition: form-data; name=a\r\nX-Other: 1")
                == "multipart part 1 headers never end: expected an empty line before its content")
        #expect(
            parseError("--XYZ\r\nContent-Disposition: form-data; name=a\r\nnot a header\r\n\r\nx\r\n--XYZ--")
                == "multipart part 1 has a malformed header line (no ':'): not a header")
        #expect(
            parseError("--XYZ\r\n: value\r\n\r\nx\r\n--XYZ--") == "multipart part 1 has a header line without a name")
        // A part with no headers at all.
        #expect(parseError("--XYZ\r\n\r\nx\r\n--XYZ--") == "multipart part 1 has no Content-Disposition header")
    }

    @Test func headerBlockSizeLimit() throws {
        let padding = String(repeating: "p", count: 16 * 1024)
        let huge = "--XYZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: \(padding)\r\n\r\nx\r\n--XYZ--"
        #expect(parseError(huge) == "multipart part 1 has a header block over 16 KiB")
        let endless = "--XYZ\r\nContent-Disposition: form-data; name=a\r\n" + String(repeating: "X-Pad: 1\r\n", count: 2000)
        #expect(parseError(endless) == "multipart part 1 has a header block over 16 KiB")
        // Just under the limit is fine.
        let prefix = "Content-Disposition: form-data; name=a\r\nX-Pad: "
        let fits = String(repeating: "q", count: 16 * 1024 - prefix.utf8.count - 4)
        let parts = try Multipart.parse(bytes("--XYZ\r\n\(prefix)\(fits)\r\n\r\nx\r\n--XYZ--"), boundary: "XYZ")
        #expect(parts.first?.headers["x-pad"]?.utf8.count == fits.utf8.count)
    }

    static func manyParts(_ count: Int) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(count * 60)
        let part = bytes("--XYZ\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n")
        for _ in 0..<count { body += part }
        body += bytes("--XYZ--\r\n")
        return body
    }

    @Test func tenThousandPartsAreAccepted() throws {
        let parts = try Multipart.parse(Self.manyParts(10_000), boundary: "XYZ")
        #expect(parts.count == Multipart.maximumPartCount)
        #expect(parts.last.map { Array($0.body) } == bytes("v"))
    }

    @Test func tenThousandAndOnePartsAreRejected() {
        #expect(parseError(Self.manyParts(10_001), boundary: "XYZ") == "multipart body has more than 10000 parts")
    }

    @Test func hundredThousandPartsAreRejectedQuickly() {
        let body = Self.manyParts(100_000)
        // Only the first 10,001 parts are looked at. No clock here (tests on shared machines are
        // not benchmarks): a parser that built all 100,000 first would still be caught by size.
        #expect(parseError(body, boundary: "XYZ") == "multipart body has more than 10000 parts")
    }

    @Test func largeFileIsLinear() throws {
        var body = bytes("--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n")
        var content = [UInt8](repeating: UInt8(ascii: "-"), count: 16 << 20)
        // Line breaks and near-boundaries all over the content.
        for index in stride(from: 0, to: content.count - 8, by: 4096) {
            content.replaceSubrange(index..<index + 6, with: bytes("\r\n--XY"))
        }
        body += content
        body += bytes("\r\n--XYZ--\r\n")
        // A quadratic search would take minutes on 16 MiB: the size alone catches it, no clock needed.
        let parts = try Multipart.parse(body, boundary: "XYZ")
        #expect(parts.count == 1)
        let parsed = try #require(parts.first?.body)
        // Comparing 16 MiB element by element is slow in debug builds; the ends and the size tell enough.
        #expect(parsed.count == content.count)
        #expect(parsed.prefix(8192) == content.prefix(8192))
        #expect(parsed.suffix(8192) == content.suffix(8192))
    }

    @Test func pathologicalNearBoundariesStayLinear() throws {
        // A 70-byte boundary, and content made of its every prefix after a line break.
        let boundary = String(repeating: "a", count: 69) + "b"
        var content: [UInt8] = []
        while content.count < 2 << 20 { content += bytes("\r\n--" + String(repeating: "a", count: 69) + "c") }
        var body = bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n")
        body += content
        body += bytes("\r\n--\(boundary)--")
        let parts = try Multipart.parse(body, boundary: boundary)
        #expect(parts.first.map { Array($0.body) } == content)
    }

    /// Mutated and truncated valid bodies must parse or throw `BodyParseError`, never crash.
    @Test func randomBytesRobustness() {
        var generator = SplitMix64(seed: 0x5EED_B0D1)
        let seeds: [[UInt8]] = [
            bytes(Self.wellFormed),
            bytes(Self.wellFormed.replacing("\r\n", with: "\n")),
            bytes(field("a", "1") + field("b", "--XYZ") + "--XYZ--"),
            bytes("--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82\r\n\r\n\r\n--XYZ--"),
        ]
        let interesting = bytes("\r\n-XYZ\";=%' \t")
        var parsed = 0
        var rejected = 0
        for iteration in 0..<4000 {
            var body = seeds[iteration % seeds.count]
            let mutations = Int(generator.next() % 6)
            for _ in 0..<mutations {
                guard !body.isEmpty else { break }
                let position = Int(generator.next() % UInt64(body.count))
                switch generator.next() % 5 {
                case 0: body[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: body[position] = interesting[Int(generator.next() % UInt64(interesting.count))]
                case 2: body.remove(at: position)
                case 3: body.insert(interesting[Int(generator.next() % UInt64(interesting.count))], at: position)
                default: body.removeSubrange(position...)  // truncation
                }
            }
            do {
                let parts = try Multipart.parse(body, boundary: "XYZ")
                #expect(parts.count <= Multipart.maximumPartCount)
                parsed += 1
            } catch {
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
        #expect(parsed + rejected == 4000)
        #expect(parsed > 0)
        #expect(rejected > 0)
    }

    /// Bodies built from delimiter-heavy random tokens, with a one-byte boundary.
    @Test func randomTokenSoupRobustness() {
        var generator = SplitMix64(seed: 42)
        let tokens = ["--b", "--b--", "\r\n", "\n", "\r", "-", "b", " ", "\t", ":", ";", "=", "\"", "\\",
            "Content-Disposition: form-data; name=x", "name=", "filename*=UTF-8''%", "\r\n\r\n", "\u{FF}"]
        var parsedParts = 0
        for _ in 0..<3000 {
            // Half of the bodies get a valid frame around the soup, so that some of them parse.
            let framed = generator.next() % 2 == 0
            var body = framed ? bytes("--b\r\nContent-Disposition: form-data; name=x\r\n\r\n") : []
            for _ in 0..<Int(generator.next() % 40) { body += bytes(tokens[Int(generator.next() % UInt64(tokens.count))]) }
            if framed { body += bytes("\r\n--b--") }
            do {
                let parts = try Multipart.parse(body, boundary: "b")
                for part in parts { #expect(part.body.count <= body.count) }
                parsedParts += parts.count
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(parsedParts > 0)
    }
}

/// A small seeded generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Multipart: parts are views into the body")
struct MultipartViewTests {
    @Test("a part's body is a slice of the request body at its own offset, not a copy")
    func partIsAView() throws {
        let head = Array("--XYZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".utf8)
        let body = head + Array("content".utf8) + Array("\r\n--XYZ--\r\n".utf8)
        let part = try #require(try Multipart.parse(body, boundary: "XYZ").first)
        #expect(part.body.startIndex == head.count)
        #expect(String(decoding: part.body, as: UTF8.self) == "content")
    }
}
