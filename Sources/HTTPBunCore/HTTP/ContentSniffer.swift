/// The `Content-Type` Go's `http.DetectContentType` gives a body (the WHATWG MIME sniffing rules
/// over its first 512 bytes): what httpbun's answers carry when a handler names no type. The
/// signatures a test fixture's bodies meet are here; the rest of Go's table (audio, video, fonts,
/// archives beyond gzip and zip) falls to its last two rules, text or octet-stream.
///
/// ```swift
/// ContentSniffer.goContentType(of: Array("sample".utf8))          // "text/plain; charset=utf-8"
/// ContentSniffer.goContentType(of: Array("<!doctype html>".utf8)) // "text/html; charset=utf-8"
/// ```
enum ContentSniffer {
    private static let htmlTags = [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE",
        "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    ].map { Array($0.utf8) }

    private static let exactSignatures: [(prefix: [UInt8], type: String)] = [
        (Array("%PDF-".utf8), "application/pdf"),
        (Array("%!PS-Adobe-".utf8), "application/postscript"),
        ([0xFE, 0xFF], "text/plain; charset=utf-16be"),
        ([0xFF, 0xFE], "text/plain; charset=utf-16le"),
        ([0xEF, 0xBB, 0xBF], "text/plain; charset=utf-8"),
        ([0x00, 0x00, 0x01, 0x00], "image/x-icon"),
        ([0x00, 0x00, 0x02, 0x00], "image/x-icon"),
        (Array("BM".utf8), "image/bmp"),
        (Array("GIF87a".utf8), "image/gif"),
        (Array("GIF89a".utf8), "image/gif"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ([0x1F, 0x8B, 0x08], "application/x-gzip"),
        (Array("PK\u{03}\u{04}".utf8), "application/zip"),
        ([0x00, 0x61, 0x73, 0x6D], "application/wasm"),
    ]

    static func goContentType(of body: [UInt8]) -> String {
        let data = body.prefix(512)
        let text = data.drop { [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains($0) }
        for tag in htmlTags where text.count > tag.count {
            // Case-insensitive for letters, followed by a space or `>` (Go's htmlSig).
            let matches = zip(text, tag).allSatisfy { $0 == $1 || ($1 >= 0x41 && $1 <= 0x5A && $0 == $1 | 0x20) }
            let next = text[text.startIndex + tag.count]
            if matches && (next == 0x20 || next == 0x3E) { return "text/html; charset=utf-8" }
        }
        if text.starts(with: Array("<?xml".utf8)) { return "text/xml; charset=utf-8" }
        for signature in exactSignatures where data.starts(with: signature.prefix) { return signature.type }
        if data.count >= 14, data.starts(with: Array("RIFF".utf8)), data.dropFirst(8).starts(with: Array("WEBPVP".utf8)) {
            return "image/webp"
        }
        let binary = data.contains { $0 <= 0x08 || $0 == 0x0B || (0x0E...0x1A).contains($0) || (0x1C...0x1F).contains($0) }
        return binary ? "application/octet-stream" : "text/plain; charset=utf-8"
    }
}
