import HTTPWire

/// Request framing and field syntax that libmicrohttpd 0.9.75 lets through although RFC 9110 and
/// RFC 9112 call it invalid: a proxy in front of us could frame the same bytes differently (request
/// smuggling), and our own reading of them is a guess. Checked once the headers are in, before any
/// body is read; every refusal is answered, then the connection is closed.
///
/// ```swift
/// RequestFraming.refusal(contentLengths: ["5", "6"], transferEncodings: [])          // 400, "conflicting ..."
/// RequestFraming.refusal(contentLengths: [], transferEncodings: ["gzip, chunked"])   // 501
/// RequestFraming.refusal(contentLengths: ["5"], transferEncodings: [])               // nil
/// ```
package enum RequestFraming {
    /// Why the body's framing is refused, or nil when it is unambiguous and ours to read.
    ///
    /// - Parameters:
    ///   - contentLengths: every `Content-Length` field value, in arrival order.
    ///   - transferEncodings: every `Transfer-Encoding` field value, in arrival order, as sent.
    ///   - version: the request's HTTP version (`HTTP/1.0` may not use `Transfer-Encoding`).
    public static func refusal(contentLengths: [String], transferEncodings: [String], version: String = "HTTP/1.1") -> HTTPError? {
        let lengths = contentLengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingSpaces }
        if let first = lengths.first, lengths.contains(where: { $0 != first }) {
            return HTTPError(400, "conflicting Content-Length headers (\(lengths.joined(separator: ", "))): send exactly one")
        }
        guard !transferEncodings.isEmpty else { return nil }
        if !contentLengths.isEmpty {
            return HTTPError(400, "both Content-Length and Transfer-Encoding are set: send only one of them")
        }
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding is faulty framing, whatever else it says.
        if version == "HTTP/1.0" {
            return HTTPError(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request: send Content-Length")
        }
        return transferCodingRefusal(transferEncodings)
    }

    /// RFC 9112 §6.3: `chunked` must be the final coding, applied once (else 400); a coding before it
    /// that we do not implement is 501. We decode no coding but `chunked`.
    static func transferCodingRefusal(_ fields: [String]) -> HTTPError? {
        let codings = fields.flatMap { $0.split(separator: ",") }.map { element in
            // A coding's parameters (`;q=...`) do not change its name.
            (element.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces } ?? "").lowercased()
        }.filter { !$0.isEmpty }
        let chunkedCount = codings.count { $0 == "chunked" }
        guard let last = codings.last else {
            return HTTPError(400, "Transfer-Encoding names no coding: send `Transfer-Encoding: chunked`")
        }
        if last != "chunked" {
            return HTTPError(400, "chunked must be the final transfer coding (Transfer-Encoding: \(fields.joined(separator: ", "))): the body's end cannot be found")
        }
        if chunkedCount > 1 {
            return HTTPError(400, "chunked may be applied only once (Transfer-Encoding: \(fields.joined(separator: ", ")))")
        }
        if codings.count > 1 {
            let others = codings.dropLast().joined(separator: ", ")
            return HTTPError(501, "transfer coding \(others) is not implemented: send the body with `Transfer-Encoding: chunked` alone")
        }
        // libmicrohttpd decodes a chunked body only when the first Transfer-Encoding field is exactly
        // `chunked`; any other spelling of the same list would leave the body unread and the client waiting.
        guard fields.count == 1, fields[0].utf8.count == 7, fields[0].lowercased() == "chunked" else {
            return HTTPError(400, "send the coding as `Transfer-Encoding: chunked` exactly, on one line (got \(fields.joined(separator: ", ")))")
        }
        return nil
    }
}

/// RFC 9110 §5.1 and §5.5: a field name is a token; a field value holds no CR, LF, NUL or other
/// control byte but horizontal tab. libmicrohttpd 0.9.75 passes all of these through, and keeps the
/// space of `Content-Length : 5` in the name, so nothing frames the body by it.
///
/// ```swift
/// FieldSyntax.problem(name: "X-A", value: "1")                  // nil
/// FieldSyntax.problem(name: "Content-Length ", value: "44")     // "... is not a token ..."
/// ```
///
/// Public, not `package`: the server inlines its scan of every field value, and an `@inlinable`
/// `package` declaration was not inlined across modules (bench/README.md).
public enum FieldSyntax {
    /// Why this field line is refused (400), or nil.
    public static func problem(name: String, value: String) -> String? {
        var name = name
        var value = value
        return name.withUTF8 { name in value.withUTF8 { value in problem(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value)) } }
    }

    /// The same check over the bytes as they arrived.
    public static func problem(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> String? {
        if let problem = nameProblem(name) { return problem }
        return valueProblem(value, name: name)
    }

    /// Why a field name is refused, or nil.
    public static func nameProblem(_ name: UnsafeRawBufferPointer) -> String? {
        guard !name.isEmpty else { return "a header field has an empty name" }
        for byte in name where !HTTPToken.isTokenByte(byte) {
            let shown = String(decoding: name, as: UTF8.self)
            if byte == 0x20 || byte == 0x09, name.last == byte {
                return "whitespace between the header field name \(shown.debugDescription) and its colon is not allowed"
            }
            return "the header field name \(shown.debugDescription) is not a token: it holds byte 0x\(Hex.encode([byte]))"
        }
        // An obs-fold continuation that libmicrohttpd glued onto a framing field's name
        // (`Content-Length:` then ` 44` becomes `Content-Length44`): refused by name, whatever the
        // server layer can tell about where the name came from.
        for framing in ["content-length", "transfer-encoding"] where name.count > framing.utf8.count && hasPrefix(name, framing) {
            return "the header field name \(String(decoding: name, as: UTF8.self).debugDescription) is a framing field with more after it: a folded line? (obs-fold is not allowed)"
        }
        return nil
    }

    /// Why a field value is refused, or nil: CR, LF, NUL and the other control bytes but tab.
    public static func valueProblem(_ value: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer) -> String? {
        guard mayHoldControlByte(value) else { return nil }
        for byte in value where isControl(byte) {
            return "the value of header field \(String(decoding: name, as: UTF8.self).debugDescription) holds control byte 0x\(Hex.encode([byte]))"
        }
        return nil
    }

    private static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    /// False when no byte is below 0x20 or DEL, eight bytes a step; true may be a tab. Every header
    /// value of every request passes here.
    @inlinable @inline(__always)
    public static func mayHoldControlByte(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // A byte below 0x20, or a byte equal to 0x7F (one that XOR 0x7F makes zero), sets its
            // high bit here (the classic "has a byte less than n" test, exact as a yes or no).
            let below = (word &- ones &* 0x20) & ~word & highBits
            let flipped = word ^ (ones &* 0x7F)
            let delete = (flipped &- ones) & ~flipped & highBits
            if below | delete != 0 { return true }
            offset += 8
        }
        guard offset < bytes.count else { return false }
        // The last few bytes as one word too, the rest of it filled with spaces (never flagged).
        var tail: UInt64 = 0x2020_2020_2020_2020
        withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset...])) }
        let flipped = tail ^ (ones &* 0x7F)
        return ((tail &- ones &* 0x20) & ~tail & highBits) | ((flipped &- ones) & ~flipped & highBits) != 0
    }

    private static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ lowercasePrefix: String) -> Bool {
        zip(bytes, lowercasePrefix.utf8).allSatisfy { byte, expected in
            (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == expected
        }
    }
}
