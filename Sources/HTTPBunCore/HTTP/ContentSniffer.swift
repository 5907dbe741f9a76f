/// The `Content-Type` Go's `http.DetectContentType` gives a body (the WHATWG MIME sniffing rules
/// over its first 512 bytes, Go 1.19's table in Go's order): what httpbun's answers carry when a
/// handler names no type.
///
/// ```swift
/// ContentSniffer.goContentType(of: Array("sample".utf8))          // "text/plain; charset=utf-8"
/// ContentSniffer.goContentType(of: Array("<!doctype html>".utf8)) // "text/html; charset=utf-8"
/// ```
enum ContentSniffer {
    /// A pattern the data must match under a mask (an exact prefix has a mask of all ones), after
    /// leading whitespace when `skipsWhitespace`.
    private struct Signature {
        let pattern: [UInt8]
        let mask: [UInt8]
        let skipsWhitespace: Bool
        let type: String

        init(_ pattern: [UInt8], mask: [UInt8]? = nil, skipsWhitespace: Bool = false, _ type: String) {
            self.pattern = pattern
            self.mask = mask ?? Array(repeating: 0xFF, count: pattern.count)
            self.skipsWhitespace = skipsWhitespace
            self.type = type
        }

        init(_ text: String, mask: [UInt8]? = nil, skipsWhitespace: Bool = false, _ type: String) {
            self.init(Array(text.utf8), mask: mask, skipsWhitespace: skipsWhitespace, type)
        }

        func matches(_ data: ArraySlice<UInt8>) -> Bool {
            data.count >= pattern.count && zip(zip(data, mask), pattern).allSatisfy { $0.0 & $0.1 == $1 }
        }
    }

    private static let htmlTags = [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE",
        "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    ].map { Array($0.utf8) }

    /// Go's table after the HTML tags, up to (not including) its text rule; mp4 sits where Go has it.
    private static let signatures: [Signature] = [
        Signature("<?xml", skipsWhitespace: true, "text/xml; charset=utf-8"),
        Signature("%PDF-", "application/pdf"),
        Signature("%!PS-Adobe-", "application/postscript"),
        Signature([0xFE, 0xFF, 0, 0], mask: [0xFF, 0xFF, 0, 0], "text/plain; charset=utf-16be"),
        Signature([0xFF, 0xFE, 0, 0], mask: [0xFF, 0xFF, 0, 0], "text/plain; charset=utf-16le"),
        Signature([0xEF, 0xBB, 0xBF, 0], mask: [0xFF, 0xFF, 0xFF, 0], "text/plain; charset=utf-8"),
        Signature([0, 0, 1, 0], "image/x-icon"),
        Signature([0, 0, 2, 0], "image/x-icon"),
        Signature("BM", "image/bmp"),
        Signature("GIF87a", "image/gif"),
        Signature("GIF89a", "image/gif"),
        Signature(Array("RIFF\0\0\0\0WEBPVP".utf8), mask: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0] + Array(repeating: 0xFF, count: 6), "image/webp"),
        Signature([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        Signature([0xFF, 0xD8, 0xFF], "image/jpeg"),
        Signature(Array("FORM\0\0\0\0AIFF".utf8), mask: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], "audio/aiff"),
        Signature("ID3", "audio/mpeg"),
        Signature(Array("OggS\0".utf8), "application/ogg"),
        Signature(Array("MThd\0\0\0\u{06}".utf8), "audio/midi"),
        Signature(Array("RIFF\0\0\0\0AVI ".utf8), mask: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], "video/avi"),
        Signature(Array("RIFF\0\0\0\0WAVE".utf8), mask: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], "audio/wave"),
    ]

    private static let afterMP4: [Signature] = [
        Signature([0x1A, 0x45, 0xDF, 0xA3], "video/webm"),
        Signature(Array(repeating: 0, count: 34) + Array("LP".utf8), mask: Array(repeating: 0, count: 34) + [0xFF, 0xFF], "application/vnd.ms-fontobject"),
        Signature([0, 1, 0, 0], "font/ttf"),
        Signature("OTTO", "font/otf"),
        Signature("ttcf", "font/collection"),
        Signature("wOFF", "font/woff"),
        Signature("wOF2", "font/woff2"),
        Signature([0x1F, 0x8B, 0x08], "application/x-gzip"),
        Signature(Array("PK\u{03}\u{04}".utf8), "application/zip"),
        Signature(Array("Rar!\u{1A}\u{07}\0".utf8), "application/x-rar-compressed"),
        Signature(Array("Rar!\u{1A}\u{07}\u{01}\0".utf8), "application/x-rar-compressed"),
        Signature([0x00, 0x61, 0x73, 0x6D], "application/wasm"),
    ]

    static func goContentType(of body: [UInt8]) -> String {
        let data = body.prefix(512)
        let text = data.drop { [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains($0) }
        for tag in htmlTags where text.count > tag.count {
            // Letters compare without case; the next byte must end the tag (Go's htmlSig).
            let matches = zip(text, tag).allSatisfy { byte, expected in
                (0x41...0x5A).contains(expected) ? byte & 0xDF == expected : byte == expected
            }
            let next = text[text.startIndex + tag.count]
            if matches && (next == 0x20 || next == 0x3E) { return "text/html; charset=utf-8" }
        }
        for signature in signatures where signature.matches(signature.skipsWhitespace ? text : data) { return signature.type }
        if isMP4(data) { return "video/mp4" }
        for signature in afterMP4 where signature.matches(data) { return signature.type }
        let binary = text.contains { $0 <= 0x08 || $0 == 0x0B || (0x0E...0x1A).contains($0) || (0x1C...0x1F).contains($0) }
        return binary ? "application/octet-stream" : "text/plain; charset=utf-8"
    }

    /// Go's mp4Sig: an `ftyp` box whose brands include `mp4`.
    private static func isMP4(_ data: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(data)
        guard bytes.count >= 12 else { return false }
        let boxSize = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard bytes.count >= boxSize, boxSize % 4 == 0, bytes[4..<8].elementsEqual("ftyp".utf8) else { return false }
        var start = 8
        while start < boxSize {
            if start != 12 && bytes[start..<(start + 3)].elementsEqual("mp4".utf8) { return true }
            start += 4
        }
        return false
    }
}
