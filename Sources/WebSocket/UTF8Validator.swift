/// Checks UTF-8 a piece at a time, as a text message arrives in frames and reads: RFC 6455 §8.1
/// wants the connection failed as soon as the bytes cannot be UTF-8, not when the message ends, so
/// a sequence split across two frames must be carried over, and an invalid one caught at its first
/// wrong byte.
///
/// ```swift
/// var utf8 = UTF8Validator()
/// utf8.feed([0xCE, 0xBA, 0xE1])   // true: "κ" and the start of a 3-byte sequence
/// utf8.isComplete                 // false: that sequence is still open
/// utf8.feed([0xBD, 0xB9])         // true: "ό"; now complete
/// UTF8Validator.isValid([0xC0, 0x80])   // false: an overlong NUL
/// ```
public struct UTF8Validator: Sendable, Equatable {
    /// Continuation bytes the open sequence still needs.
    private var pending = 0
    /// The range the next continuation byte must fall in: narrower than 80...BF right after the
    /// lead bytes whose sequences could otherwise be overlong (E0, F0), surrogates (ED) or past
    /// U+10FFFF (F4).
    private var lowest: UInt8 = 0x80
    private var highest: UInt8 = 0xBF

    public init() {}

    /// True when no sequence is open: the bytes so far are whole UTF-8.
    public var isComplete: Bool { pending == 0 }

    /// Takes the next bytes; false once they cannot be UTF-8, whatever follows (feed nothing more then).
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if pending == 0 {
                if byte < 0x80 { continue }
                switch byte {
                case 0xC2...0xDF: pending = 1
                case 0xE0: (pending, lowest) = (2, 0xA0)
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2
                case 0xED: (pending, highest) = (2, 0x9F)
                case 0xF0: (pending, lowest) = (3, 0x90)
                case 0xF1...0xF3: pending = 3
                case 0xF4: (pending, highest) = (3, 0x8F)
                default: return false
                }
            } else {
                guard byte >= lowest && byte <= highest else { return false }
                (lowest, highest) = (0x80, 0xBF)
                pending -= 1
            }
        }
        return true
    }

    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    /// Whether `bytes` are whole, valid UTF-8.
    public static func isValid<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var validator = UTF8Validator()
        let fed = bytes.withContiguousStorageIfAvailable { validator.feed($0) } ?? validator.feed(Array(bytes))
        return fed && validator.isComplete
    }
}
