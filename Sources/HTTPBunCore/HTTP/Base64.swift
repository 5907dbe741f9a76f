import HTTPWire

/// Base64 (RFC 4648) without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(value >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(value & 63)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes standard or URL-safe (`-_`) base64, padded or not. Whitespace is not allowed.
    /// Returns nil for any other character or an impossible length.
    public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        var count = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                count += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }  // data after padding
            count += 1
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        if padding > 2 || (padding > 0 && count % 4 != 0) || (count - padding) % 4 == 1 { return nil }
        return output
    }

    /// Where Go's decoder stopped: the offset its `CorruptInputError` names.
    public struct CorruptInput: Error, Equatable {
        public let byte: Int
    }

    /// Go's `base64.StdEncoding.DecodeString` (or `URLEncoding`'s, `-_` for `+/`, when `urlSafe`):
    /// padding required, CR and LF skipped, non-zero trailing bits allowed; a failure names the byte
    /// Go's error names (`illegal base64 data at input byte 7`), which httpbun's answers quote.
    public static func decodeAsGo(_ text: String, urlSafe: Bool = false) -> Result<[UInt8], CorruptInput> {
        let source = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(source.count * 3 / 4)
        var index = 0
        while index < source.count {
            var quantum = [UInt8](repeating: 0, count: 4)
            var filled = 0
            var ended = false
            while filled < 4 {
                if index == source.count {
                    if filled == 0 { return .success(output) }
                    // Padding is required: a short last quantum is corrupt where it began.
                    return .failure(CorruptInput(byte: index - filled))
                }
                let byte = source[index]
                index += 1
                if let value = standardValue(urlSafe ? fromURLSafe(byte) : byte), !urlSafe || (byte != UInt8(ascii: "+") && byte != UInt8(ascii: "/")) {
                    quantum[filled] = value
                    filled += 1
                    continue
                }
                if byte == 0x0A || byte == 0x0D { continue }
                guard byte == UInt8(ascii: "=") else { return .failure(CorruptInput(byte: index - 1)) }
                switch filled {
                case 0, 1: return .failure(CorruptInput(byte: index - 1))
                case 2:
                    while index < source.count && (source[index] == 0x0A || source[index] == 0x0D) { index += 1 }
                    guard index < source.count else { return .failure(CorruptInput(byte: source.count)) }
                    guard source[index] == UInt8(ascii: "=") else { return .failure(CorruptInput(byte: index - 1)) }
                    index += 1
                default: break
                }
                while index < source.count && (source[index] == 0x0A || source[index] == 0x0D) { index += 1 }
                if index < source.count { return .failure(CorruptInput(byte: index)) }
                ended = true
                break
            }
            let bits = UInt32(quantum[0]) << 18 | UInt32(quantum[1]) << 12 | UInt32(quantum[2]) << 6 | UInt32(quantum[3])
            let decoded = [UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits)]
            output += decoded.prefix(ended ? filled - 1 : 3)
            if ended { break }
        }
        return .success(output)
    }

    /// The standard alphabet's byte for a URL-safe one (`-` is `+`, `_` is `/`).
    private static func fromURLSafe(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "-"): UInt8(ascii: "+")
        case UInt8(ascii: "_"): UInt8(ascii: "/")
        default: byte
        }
    }

    /// Go's `base64.URLEncoding.EncodeToString`: the URL-safe alphabet, padded.
    public static func encodeURLSafe<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(String.UnicodeScalarView(encode(bytes).unicodeScalars.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
    }

    private static func standardValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
