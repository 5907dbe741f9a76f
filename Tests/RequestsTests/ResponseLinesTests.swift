import Testing

@testable import Requests

/// `ResponseBody.lines`: split on `\n`, a trailing `\r` removed, whatever the chunks.
@Suite struct ResponseLinesTests {
    static func body(_ bytes: [UInt8], chunkSize: Int) -> ResponseBody {
        ResponseBody(.stream(AsyncThrowingStream { continuation in
            var index = 0
            while index < bytes.count {
                continuation.yield(Array(bytes[index..<min(index + chunkSize, bytes.count)]))
                index += chunkSize
            }
            continuation.finish()
        }))
    }

    static func lines(_ text: String, chunkSize: Int) async throws -> [String] {
        var lines: [String] = []
        for try await line in body(Array(text.utf8), chunkSize: chunkSize).lines { lines.append(line) }
        return lines
    }

    @Test("lines come out alike whatever the chunk size", arguments: [1, 2, 3, 7, 64, 100_000])
    func chunkSizes(size: Int) async throws {
        let text = "first\r\nsecond\n\n\r\nlast line without a newline\r"
        #expect(try await Self.lines(text, chunkSize: size) == ["first", "second", "", "", "last line without a newline\r"])
    }

    @Test func emptyBodyAndLoneNewline() async throws {
        #expect(try await Self.lines("", chunkSize: 4).isEmpty)
        #expect(try await Self.lines("\n", chunkSize: 4) == [""])
        #expect(try await Self.lines("\r\n\r\n", chunkSize: 1) == ["", ""])
        #expect(try await Self.lines("no newline", chunkSize: 3) == ["no newline"])
    }

    @Test("many lines in one chunk, and one long line over many chunks")
    func manyLinesAndLongLines() async throws {
        let many = (0..<50_000).map { "line \($0)" }
        #expect(try await Self.lines(many.joined(separator: "\n") + "\n", chunkSize: 1 << 20) == many)
        let long = String(repeating: "x", count: 200_000)
        #expect(try await Self.lines(long + "\n" + long, chunkSize: 16) == [long, long])
    }

    @Test("multi-byte characters split across chunks stay whole")
    func utf8AcrossChunks() async throws {
        #expect(try await Self.lines("caf\u{E9}\n\u{1F600}\n", chunkSize: 1) == ["caf\u{E9}", "\u{1F600}"])
    }
}
