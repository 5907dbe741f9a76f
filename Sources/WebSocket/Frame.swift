/// A frame's opcode (RFC 6455 §5.2); the others (3-7, B-F) are reserved and fail the connection.
///
/// ```swift
/// WebSocketOpcode(rawValue: 0x9)     // .ping
/// WebSocketOpcode.ping.isControl     // true
/// WebSocketOpcode(rawValue: 0x3)     // nil: reserved
/// ```
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes, never fragmented (RFC 6455 §5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// Close status codes (RFC 6455 §7.4).
///
/// ```swift
/// WebSocketCloseCode.mayBeSent(1000)   // true
/// WebSocketCloseCode.mayBeSent(1005)   // false: "no status", never on the wire
/// WebSocketCloseCode.mayBeSent(3000)   // true: registered for libraries and frameworks
/// ```
public enum WebSocketCloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let invalidPayload: UInt16 = 1007
    public static let tooBig: UInt16 = 1009

    /// Whether a peer may put `code` in a close frame: the codes RFC 6455 §7.4.1 defines for the
    /// wire (1000-1003, 1007-1011), those IANA's registry added since (1012-1014), and the ranges
    /// for libraries and applications (3000-4999). 1004 is reserved, 1005, 1006 and 1015 stand for
    /// what never travels, and the rest of 1016-2999 is the protocol's own future: Autobahn's
    /// section 7.9 fails a server that accepts any of them.
    public static func mayBeSent(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}

/// Server-to-client frames: unmasked (RFC 6455 §5.1), with the shortest length encoding.
public enum WebSocketFrame {
    /// The frame header for a payload of `length` bytes.
    ///
    /// ```swift
    /// WebSocketFrame.header(fin: true, opcode: .text, length: 5)     // [0x81, 0x05]
    /// WebSocketFrame.header(fin: true, opcode: .binary, length: 300) // [0x82, 0x7E, 0x01, 0x2C]
    /// ```
    public static func header(fin: Bool, opcode: WebSocketOpcode, length: Int) -> [UInt8] {
        var header: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        switch length {
        case 0...125:
            header.append(UInt8(length))
        case 126...0xFFFF:
            header += [126, UInt8(length >> 8), UInt8(length & 0xFF)]
        default:
            header.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { header.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift))) }
        }
        return header
    }

    /// Appends a whole frame, header and payload, to `output`.
    ///
    /// ```swift
    /// var output: [UInt8] = []
    /// WebSocketFrame.append(opcode: .pong, payload: [1, 2], to: &output)   // [0x8A, 0x02, 1, 2]
    /// ```
    public static func append<Payload: Collection<UInt8>>(
        fin: Bool = true, opcode: WebSocketOpcode, payload: Payload, to output: inout [UInt8]
    ) {
        output += header(fin: fin, opcode: opcode, length: payload.count)
        output += payload
    }

    /// A frame as a client must send it (RFC 6455 §5.3): masked with `mask`.
    ///
    /// ```swift
    /// WebSocketFrame.masked(opcode: .text, payload: Array("Hi".utf8), mask: 0x01020304)
    /// // [0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x49, 0x6B]
    /// ```
    public static func masked(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8], mask: UInt32) -> [UInt8] {
        var frame = header(fin: fin, opcode: opcode, length: payload.count)
        frame[1] |= 0x80
        let key = (0..<4).map { UInt8(truncatingIfNeeded: mask >> UInt32(24 - 8 * $0)) }
        frame += key
        frame += payload.enumerated().map { $0.element ^ key[$0.offset & 3] }
        return frame
    }

    /// A close frame's payload: the code, then as much of `reason` as fits in a control frame
    /// (125 bytes), cut at a character boundary so that it stays UTF-8.
    ///
    /// ```swift
    /// WebSocketFrame.closePayload(code: 1001, reason: "bye")   // [0x03, 0xE9, 0x62, 0x79, 0x65]
    /// ```
    public static func closePayload(code: UInt16, reason: String) -> [UInt8] {
        var payload: [UInt8] = [UInt8(code >> 8), UInt8(code & 0xFF)]
        var room = 123
        for scalar in reason.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            guard bytes.count <= room else { break }
            payload += bytes
            room -= bytes.count
        }
        return payload
    }
}
