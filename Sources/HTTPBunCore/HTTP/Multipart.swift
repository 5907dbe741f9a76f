import HTTPWire

/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Hashable {
    /// The `name` of `Content-Disposition`.
    public var name: String
    /// The `filename` (or decoded `filename*`) of `Content-Disposition`, when it is a file part.
    public var filename: String?
    /// The part's own headers, in order, names as sent.
    public var headers: HTTPHeaders
    /// The part's bytes: a view into the request body, not a copy (a 16 MiB upload stays 16 MiB).
    /// Its indices are the body's, so walk it as a collection rather than from 0.
    public var body: ArraySlice<UInt8>

    public init(name: String, filename: String?, headers: HTTPHeaders, body: ArraySlice<UInt8>) {
        self.name = name
        self.filename = filename
        self.headers = headers
        self.body = body
    }
}

/// `multipart/form-data` (RFC 7578) bodies.
enum Multipart {
    /// Most parts one body may have; past it the body is refused rather than parsed.
    public static let maximumPartCount = 10_000

    /// Longest boundary RFC 2046 allows.
    static let maximumBoundaryLength = 70

    /// Largest header block one part may have, in bytes (its final empty line included).
    static let maximumHeaderBlockSize = 16 * 1024

    /// Parses a multipart body with the given boundary (from `MediaType.parameter("boundary")`).
    ///
    /// ```swift
    /// let parts = try Multipart.parse(body, boundary: "XyZ")
    /// parts[0].name        // "field"
    /// parts[1].filename    // "a.txt"
    /// ```
    ///
    /// Delimiters are `--boundary` at the start of the body or after CRLF (or a bare LF), optionally
    /// followed by spaces or tabs; the preamble and the epilogue are ignored. Part bodies are kept
    /// byte for byte. Linear in the size of the body.
    public static func parse(_ body: [UInt8], boundary: String) throws(BodyParseError) -> [MultipartPart] {
        let parser = try MultipartParser(body: body, boundary: boundary)
        return try parser.parse()
    }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let dash = UInt8(ascii: "-")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let colon = UInt8(ascii: ":")

/// The state of one `Multipart.parse` call.
private struct MultipartParser {
    let body: [UInt8]
    let boundary: String
    /// `\n--boundary`: every delimiter but one at the very start of the body is preceded by a line
    /// break, whose LF is searched for with the rest (the CR, when there is one, is checked after).
    let pattern: [UInt8]
    /// Boyer–Moore–Horspool shifts for `pattern`, indexed by byte.
    let shifts: [Int]

    init(body: [UInt8], boundary: String) throws(BodyParseError) {
        let boundaryBytes = Array(boundary.utf8)
        guard !boundaryBytes.isEmpty else {
            throw BodyParseError("multipart boundary is empty; set a boundary parameter in Content-Type")
        }
        guard boundaryBytes.count <= Multipart.maximumBoundaryLength else {
            throw BodyParseError(
                "multipart boundary is \(boundaryBytes.count) bytes long; at most \(Multipart.maximumBoundaryLength) are allowed"
            )
        }
        self.body = body
        self.boundary = boundary
        let pattern = [lf, dash, dash] + boundaryBytes
        var shifts = [Int](repeating: pattern.count, count: 256)
        for index in 0..<(pattern.count - 1) { shifts[Int(pattern[index])] = pattern.count - 1 - index }
        self.pattern = pattern
        self.shifts = shifts
    }

    private var closeDelimiter: String { "--\(boundary)--" }

    func parse() throws(BodyParseError) -> [MultipartPart] {
        guard let first = firstDelimiter() else {
            throw BodyParseError(
                "multipart body has no opening boundary --\(boundary); check the boundary parameter of Content-Type"
            )
        }
        if first.isClose {
            // A body without parts is only accepted in its canonical form.
            let canonical = Array(closeDelimiter.utf8)
            if body == canonical || body == canonical + [cr, lf] || body == canonical + [lf] { return [] }
            throw BodyParseError("multipart body has no parts")
        }
        var parts: [MultipartPart] = []
        var position = first.end
        while true {
            guard parts.count < Multipart.maximumPartCount else {
                throw BodyParseError("multipart body has more than \(Multipart.maximumPartCount) parts")
            }
            let partNumber = parts.count + 1
            guard position < body.count else {
                throw BodyParseError("multipart body has no closing boundary \(closeDelimiter) (it ends after part \(parts.count))")
            }
            let (headers, bodyStart) = try readHeaders(from: position, partNumber: partNumber)
            guard let next = nextDelimiter(from: bodyStart - 1) else {
                throw BodyParseError(
                    "multipart body has no closing boundary \(closeDelimiter) (part \(partNumber) is truncated)"
                )
            }
            var bodyEnd = next.lineBreak
            if bodyEnd > bodyStart, body[bodyEnd - 1] == cr { bodyEnd -= 1 }
            parts.append(try makePart(headers: headers, body: body[bodyStart..<max(bodyStart, bodyEnd)], partNumber: partNumber))
            if next.isClose { return parts }
            position = next.end
        }
    }

    // MARK: Delimiters

    private struct Delimiter {
        /// Index of the LF before the delimiter (or of the delimiter itself when it opens the body).
        var lineBreak: Int
        var isClose: Bool
        /// Index just past the delimiter line.
        var end: Int
    }

    /// When `body[index...]` starts with a delimiter line (`--boundary` then padding and a line
    /// break) or a close delimiter (`--boundary--`), that delimiter.
    private func delimiter(at index: Int, lineBreak: Int) -> Delimiter? {
        // `pattern` without its leading LF is `--boundary`.
        let length = pattern.count - 1
        guard index + length <= body.count else { return nil }
        for offset in 0..<length where body[index + offset] != pattern[offset + 1] { return nil }
        var cursor = index + length
        if cursor + 1 < body.count, body[cursor] == dash, body[cursor + 1] == dash {
            return Delimiter(lineBreak: lineBreak, isClose: true, end: cursor + 2)
        }
        while cursor < body.count, body[cursor] == space || body[cursor] == tab { cursor += 1 }
        guard cursor < body.count else { return nil }
        if body[cursor] == lf { return Delimiter(lineBreak: lineBreak, isClose: false, end: cursor + 1) }
        if body[cursor] == cr, cursor + 1 < body.count, body[cursor + 1] == lf {
            return Delimiter(lineBreak: lineBreak, isClose: false, end: cursor + 2)
        }
        return nil
    }

    private func firstDelimiter() -> Delimiter? {
        if let atStart = delimiter(at: 0, lineBreak: 0) { return atStart }
        return nextDelimiter(from: 0)
    }

    /// The first delimiter whose line break is at or after `start`.
    private func nextDelimiter(from start: Int) -> Delimiter? {
        var searchFrom = start
        while let found = find(from: searchFrom) {
            if let delimiter = delimiter(at: found + 1, lineBreak: found) { return delimiter }
            searchFrom = found + 1
        }
        return nil
    }

    /// Index of the next occurrence of `pattern` at or after `start` (Horspool: linear in practice,
    /// and never worse than body size times pattern length).
    private func find(from start: Int) -> Int? {
        // Unsafe buffers keep this loop fast in debug builds too, where a 16 MiB upload must not crawl.
        body.withUnsafeBufferPointer { body in
            pattern.withUnsafeBufferPointer { pattern in
                shifts.withUnsafeBufferPointer { shifts in
                    let count = pattern.count
                    let last = count - 1
                    let lastByte = pattern[last]
                    let end = body.count - count
                    var index = max(start, 0)
                    while index <= end {
                        let tail = body[index &+ last]
                        if tail == lastByte {
                            var offset = last &- 1
                            while offset >= 0, body[index &+ offset] == pattern[offset] { offset &-= 1 }
                            if offset < 0 { return index }
                        }
                        index &+= shifts[Int(tail)]
                    }
                    return nil
                }
            }
        }
    }

    // MARK: Headers

    /// Reads header lines up to the first empty line; returns the headers and where the body starts.
    private func readHeaders(from start: Int, partNumber: Int) throws(BodyParseError) -> (HTTPHeaders, Int) {
        var headers: [(String, String)] = []
        var lineStart = start
        let limit = min(body.count, start + Multipart.maximumHeaderBlockSize)
        while true {
            var lineEnd = lineStart
            while lineEnd < limit, body[lineEnd] != lf { lineEnd += 1 }
            guard lineEnd < limit else {
                if limit < body.count {
                    throw BodyParseError(
                        "multipart part \(partNumber) has a header block over \(Multipart.maximumHeaderBlockSize / 1024) KiB"
                    )
                }
                throw BodyParseError(
                    "multipart part \(partNumber) headers never end: expected an empty line before its content"
                )
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart, body[contentEnd - 1] == cr { contentEnd -= 1 }
            if contentEnd == lineStart { return (HTTPHeaders(headers), lineEnd + 1) }
            let line = body[lineStart..<contentEnd]
            if line.first == space || line.first == tab, !headers.isEmpty {
                // An obsolete folded continuation of the previous header.
                let continuation = trimmed(line)
                if !continuation.isEmpty {
                    let previous = headers[headers.count - 1].1
                    headers[headers.count - 1].1 = previous.isEmpty ? continuation : previous + " " + continuation
                }
            } else {
                guard let colonIndex = line.firstIndex(of: colon) else {
                    throw BodyParseError(
                        "multipart part \(partNumber) has a malformed header line (no ':'): \(String(decoding: line.prefix(100), as: UTF8.self))"
                    )
                }
                let name = trimmed(line[lineStart..<colonIndex])
                guard !name.isEmpty else {
                    throw BodyParseError("multipart part \(partNumber) has a header line without a name")
                }
                headers.append((name, trimmed(line[(colonIndex + 1)...])))
            }
            lineStart = lineEnd + 1
        }
    }

    private func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, first == space || first == tab { slice.removeFirst() }
        while let last = slice.last, last == space || last == tab { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    private func makePart(headers: HTTPHeaders, body: ArraySlice<UInt8>, partNumber: Int) throws(BodyParseError) -> MultipartPart {
        guard let disposition = headers.first("Content-Disposition") else {
            throw BodyParseError("multipart part \(partNumber) has no Content-Disposition header")
        }
        let type = MediaType.parse(disposition)
        guard let name = type.parameter("name") else {
            throw BodyParseError("multipart part \(partNumber) has no name in its Content-Disposition header")
        }
        let filename = type.parameter("filename*").flatMap(Self.decodeExtendedValue) ?? type.parameter("filename")
        return MultipartPart(name: name, filename: filename, headers: headers, body: body)
    }

    /// Decodes an RFC 5987 / RFC 8187 extended value, `charset'language'percent-encoded`.
    /// UTF-8 and ISO-8859-1 are understood; anything else (or a malformed value) is nil.
    static func decodeExtendedValue(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        guard let firstQuote = bytes.firstIndex(of: UInt8(ascii: "'")),
            let secondQuote = bytes[(firstQuote + 1)...].firstIndex(of: UInt8(ascii: "'"))
        else { return nil }
        let charset = String(decoding: bytes[..<firstQuote], as: UTF8.self)
        let encoded = bytes[(secondQuote + 1)...]
        if charset.equalsASCIICaseInsensitive("utf-8") {
            return PercentCoding.decode(bytes: encoded, plusAsSpace: false)
        }
        if charset.equalsASCIICaseInsensitive("iso-8859-1") {
            // Each decoded byte is the code point of the same value.
            let latin1 = PercentCoding.decodeBytes(encoded, plusAsSpace: false)
            var text = ""
            text.unicodeScalars.append(contentsOf: latin1.map { Unicode.Scalar($0) })
            return text
        }
        return nil
    }
}
