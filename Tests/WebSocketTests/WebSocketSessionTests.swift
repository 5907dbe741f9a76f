import Testing

@testable import WebSocket

/// A client frame as RFC 6455 §5.3 wants it: masked (unless a test says otherwise).
func clientFrame(
    _ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, reserved: UInt8 = 0, mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D],
    masked: Bool = true
) -> [UInt8] {
    var frame: [UInt8] = [(fin ? 0x80 : 0) | reserved << 4 | opcode]
    let maskBit: UInt8 = masked ? 0x80 : 0
    switch payload.count {
    case 0...125: frame.append(maskBit | UInt8(payload.count))
    case 126...0xFFFF: frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    default: frame += [maskBit | 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
    }
    guard masked else { return frame + payload }
    return frame + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}

func text(_ string: String, fin: Bool = true) -> [UInt8] { clientFrame(0x1, Array(string.utf8), fin: fin) }

func closeFrame(_ code: UInt16, _ reason: [UInt8] = []) -> [UInt8] {
    clientFrame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
}

/// A server frame, read back from a session's output.
struct ServerFrame: Equatable, CustomStringConvertible {
    var fin: Bool
    var opcode: UInt8
    var payload: [UInt8]
    var closeCode: UInt16? { opcode == 0x8 && payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil }
    var description: String { "fin=\(fin) opcode=\(opcode) \(payload.count) bytes" }
}

/// Splits server output into frames; fails the test on a masked or cut-off frame.
func frames(_ bytes: [UInt8]) -> [ServerFrame] {
    var frames: [ServerFrame] = []
    var index = 0
    while index < bytes.count {
        let first = bytes[index], second = bytes[index + 1]
        #expect(second & 0x80 == 0, "server frames are never masked")
        var length = Int(second & 0x7F)
        index += 2
        if length >= 126 {
            let size = length == 126 ? 2 : 8
            length = bytes[index..<(index + size)].reduce(0) { $0 << 8 | Int($1) }
            index += size
        }
        frames.append(ServerFrame(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: Array(bytes[index..<(index + length)])))
        index += length
    }
    #expect(index == bytes.count, "the output ends on a frame boundary")
    return frames
}

let roomy = WebSocketLimits(maxFragmentSize: 1 << 20, maxMessageSize: 2 << 20)

/// Feeds `input` to a new session and returns the frames it answers.
func answer(_ input: [UInt8], limits: WebSocketLimits = roomy) -> (frames: [ServerFrame], closing: Bool) {
    var session = WebSocketSession(limits: limits)
    let output = session.receive(input)
    return (frames(output.bytes), output.closing)
}

/// The code of the close frame a session ends `input` with; nil when it does not close.
func closeCode(_ input: [UInt8], limits: WebSocketLimits = roomy) -> UInt16? {
    let (frames, closing) = answer(input, limits: limits)
    guard closing else { return nil }
    #expect(frames.last?.opcode == 0x8, "closing ends with a close frame")
    return frames.last?.closeCode
}

@Suite("RFC 6455 framing: echo, control frames, fragmentation")
struct WebSocketFramingTests {
    @Test("RFC 6455 §5.7's masked Hello comes back unmasked")
    func rfcExample() {
        var session = WebSocketSession(limits: roomy)
        let output = session.receive([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(output.bytes == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(!output.closing)
        #expect(session.messagesEchoed == 1)
    }

    @Test("text and binary keep their opcode; empty messages too")
    func textAndBinary() {
        #expect(answer(text("héllo")).frames == [ServerFrame(fin: true, opcode: 1, payload: Array("héllo".utf8))])
        #expect(answer(clientFrame(0x2, [0, 0xFF, 0x80])).frames == [ServerFrame(fin: true, opcode: 2, payload: [0, 0xFF, 0x80])])
        #expect(answer(clientFrame(0x1, [])).frames == [ServerFrame(fin: true, opcode: 1, payload: [])])
        #expect(answer(clientFrame(0x2, [])).frames == [ServerFrame(fin: true, opcode: 2, payload: [])])
    }

    @Test("7-bit, 16-bit and 64-bit lengths, in and out", arguments: [0, 125, 126, 127, 0xFFFF, 0x10000, 300_000])
    func lengths(size: Int) {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var session = WebSocketSession(limits: roomy)
        let output = session.receive(clientFrame(0x2, payload))
        let headerSize = size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10
        #expect(output.bytes.count == headerSize + size, "the shortest length encoding")
        #expect(frames(output.bytes) == [ServerFrame(fin: true, opcode: 2, payload: payload)])
    }

    @Test("bytes in any pieces give the same answer: one at a time, or many frames in one read")
    func pieces() {
        let input = text("one") + clientFrame(0x9, [1, 2]) + text("two", fin: false) + clientFrame(0x0, Array(" three".utf8))
            + clientFrame(0x2, Array(repeating: 9, count: 70_000))
        let whole = answer(input).frames
        var session = WebSocketSession(limits: roomy)
        var bytes: [UInt8] = []
        for byte in input { bytes += session.receive([byte]).bytes }
        #expect(frames(bytes) == whole)
        #expect(whole.map(\.opcode) == [1, 0xA, 1, 2])
        #expect(whole[2].payload == Array("two three".utf8))
    }

    @Test("a fragmented message is echoed whole, after the pings between its fragments")
    func fragmentation() {
        let input = text("Hello, ", fin: false) + clientFrame(0x9, Array("ping".utf8)) + clientFrame(0x0, Array("Wor".utf8), fin: false)
            + clientFrame(0xA, [7]) + clientFrame(0x0, Array("ld!".utf8))
        #expect(answer(input).frames == [
            ServerFrame(fin: true, opcode: 0xA, payload: Array("ping".utf8)),
            ServerFrame(fin: true, opcode: 1, payload: Array("Hello, World!".utf8)),
        ])
        let binary = clientFrame(0x2, [1], fin: false) + clientFrame(0x0, [], fin: false) + clientFrame(0x0, [2, 3])
        #expect(answer(binary).frames == [ServerFrame(fin: true, opcode: 2, payload: [1, 2, 3])])
    }

    @Test("the echo is cut into frames of max_fragment_size, as go-httpbin cuts it")
    func echoFragments() {
        let limits = WebSocketLimits(maxFragmentSize: 4, maxMessageSize: 100)
        let input = text("abcd", fin: false) + clientFrame(0x0, Array("efgh".utf8), fin: false) + clientFrame(0x0, Array("ij".utf8))
        #expect(answer(input, limits: limits).frames == [
            ServerFrame(fin: false, opcode: 1, payload: Array("abcd".utf8)),
            ServerFrame(fin: false, opcode: 0, payload: Array("efgh".utf8)),
            ServerFrame(fin: true, opcode: 0, payload: Array("ij".utf8)),
        ])
    }

    @Test("ping gets a pong with its payload, up to 125 bytes; a pong gets nothing")
    func pings() {
        #expect(answer(clientFrame(0x9, [])).frames == [ServerFrame(fin: true, opcode: 0xA, payload: [])])
        let full = Array(repeating: UInt8(0xFE), count: 125)
        #expect(answer(clientFrame(0x9, full)).frames == [ServerFrame(fin: true, opcode: 0xA, payload: full)])
        #expect(answer(clientFrame(0xA, Array("unsolicited".utf8))).frames == [])
        #expect(closeCode(clientFrame(0x9, Array(repeating: 0, count: 126))) == 1002)
    }
}

@Suite("RFC 6455 failures: the close code for each, at the first byte that shows it")
struct WebSocketFailureTests {
    @Test("reserved bits without an extension", arguments: [1, 2, 3, 4, 5, 6, 7] as [UInt8])
    func reservedBits(bits: UInt8) {
        #expect(closeCode(clientFrame(0x1, Array("x".utf8), reserved: bits)) == 1002)
    }

    @Test("reserved opcodes", arguments: [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8])
    func reservedOpcodes(opcode: UInt8) {
        #expect(closeCode(clientFrame(opcode, [])) == 1002)
        // Refused from its first two bytes: the rest of the frame is not waited for.
        #expect(closeCode(Array(clientFrame(opcode, [1, 2, 3]).prefix(2))) == 1002)
    }

    @Test("an unmasked client frame")
    func unmasked() {
        #expect(closeCode(clientFrame(0x1, Array("hi".utf8), masked: false)) == 1002)
    }

    @Test("fragmented control frames, and a continuation with nothing to continue or a new message inside one")
    func sequencing() {
        #expect(closeCode(clientFrame(0x9, [1], fin: false)) == 1002)
        #expect(closeCode(clientFrame(0x8, [0x03, 0xE8], fin: false)) == 1002)
        #expect(closeCode(clientFrame(0x0, Array("x".utf8))) == 1002)
        #expect(closeCode(text("a") + clientFrame(0x0, Array("b".utf8))) == 1002, "the message before was complete")
        #expect(closeCode(text("a", fin: false) + text("b")) == 1002)
        #expect(closeCode(text("a", fin: false) + clientFrame(0x2, [1])) == 1002)
    }

    @Test("a 64-bit length with its top bit set")
    func hugeLength() {
        let frame: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]
        #expect(closeCode(frame) == 1002)
    }

    @Test("max_fragment_size and max_message_size: 1009, on the announced length, with go-httpbin's words")
    func limits() {
        let limits = WebSocketLimits(maxFragmentSize: 10, maxMessageSize: 15)
        #expect(answer(clientFrame(0x2, Array(repeating: 1, count: 10)), limits: limits).frames.count == 1)
        var session = WebSocketSession(limits: limits)
        let tooBig = session.receive(Array(clientFrame(0x2, Array(repeating: 1, count: 11)).prefix(6)))
        #expect(frames(tooBig.bytes) == [ServerFrame(fin: true, opcode: 8, payload: [0x03, 0xF1] + Array("frame payload size 11 exceeds maximum of 10 bytes".utf8))])
        #expect(tooBig.closing)
        let overMessage = clientFrame(0x2, Array(repeating: 1, count: 10), fin: false) + clientFrame(0x0, Array(repeating: 1, count: 6))
        let (frames, _) = answer(overMessage, limits: limits)
        #expect(frames.last?.closeCode == 1009)
        #expect(frames.last?.payload.dropFirst(2) == Array("message size 16 exceeds maximum of 15 bytes".utf8)[...])
        #expect(closeCode(clientFrame(0x9, Array(repeating: 0, count: 100)), limits: limits) == nil, "control frames are not data")
    }

    @Test("nothing is read after the server's close frame")
    func afterClose() {
        var session = WebSocketSession(limits: roomy)
        #expect(session.receive(clientFrame(0x1, [], reserved: 4) + text("ignored")).closing)
        #expect(session.receive(text("more")) == WebSocketOutput())
        #expect(session.isClosed)
        #expect(session.sentCloseCode == 1002)
    }
}

@Suite("UTF-8 in text messages and close reasons")
struct WebSocketUTF8Tests {
    @Test("valid text across fragments, split inside a character")
    func splitCharacter() {
        let bytes = Array("κόσμε 😀".utf8)
        for cut in 1..<bytes.count {
            let input = clientFrame(0x1, Array(bytes[..<cut]), fin: false) + clientFrame(0x0, Array(bytes[cut...]))
            #expect(answer(input).frames == [ServerFrame(fin: true, opcode: 1, payload: bytes)], "cut at \(cut)")
        }
    }

    @Test("invalid text fails fast: inside a frame, before the frame is complete")
    func failFast() {
        var session = WebSocketSession(limits: roomy)
        let frame = clientFrame(0x1, [0x61, 0xFF] + Array(repeating: 0x61, count: 50))
        let output = session.receive(Array(frame.prefix(8)))
        #expect(output.closing)
        #expect(frames(output.bytes).last?.closeCode == 1007)
    }

    @Test("invalid across a fragment boundary, and a message that ends mid-character")
    func acrossFragments() {
        #expect(closeCode(clientFrame(0x1, [0xCE], fin: false) + clientFrame(0x0, [0x41])) == 1007)
        #expect(closeCode(clientFrame(0x1, [0xF4], fin: false) + clientFrame(0x0, [0x90, 0x80, 0x80])) == 1007)
        #expect(closeCode(clientFrame(0x1, Array("ok".utf8) + [0xE2, 0x82])) == 1007)
        #expect(closeCode(clientFrame(0x1, [0xE2], fin: false) + clientFrame(0x0, [0x82], fin: false) + clientFrame(0x0, [])) == 1007)
        #expect(closeCode(clientFrame(0x2, [0xFF, 0xC0])) == nil, "binary is not UTF-8")
    }

    @Test("the validator: overlongs, surrogates, past U+10FFFF, stray continuations", arguments: [
        ([0xC0, 0x80], false), ([0xC1, 0xBF], false), ([0xE0, 0x80, 0x80], false), ([0xE0, 0xA0, 0x80], true),
        ([0xED, 0x9F, 0xBF], true), ([0xED, 0xA0, 0x80], false), ([0xF0, 0x8F, 0xBF, 0xBF], false), ([0xF0, 0x90, 0x80, 0x80], true),
        ([0xF4, 0x8F, 0xBF, 0xBF], true), ([0xF4, 0x90, 0x80, 0x80], false), ([0xF5, 0x80, 0x80, 0x80], false), ([0xFF], false),
        ([0x80], false), ([0xC2], false), ([0x7F], true), ([], true),
    ] as [([UInt8], Bool)])
    func validator(bytes: [UInt8], valid: Bool) {
        #expect(UTF8Validator.isValid(bytes) == valid)
        #expect(UTF8Validator.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "agrees with the standard library")
    }
}

@Suite("The close handshake")
struct WebSocketCloseTests {
    @Test("a valid code is echoed", arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func validCodes(code: UInt16) {
        let (frames, closing) = answer(closeFrame(code, Array("bye".utf8)))
        #expect(closing)
        #expect(frames == [ServerFrame(fin: true, opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])])
    }

    @Test("an invalid code is a protocol error", arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCodes(code: UInt16) {
        #expect(closeCode(closeFrame(code)) == 1002)
    }

    @Test("no payload gets 1000; one byte is a protocol error; a reason that is not UTF-8, 1007")
    func payloads() {
        var session = WebSocketSession(limits: roomy)
        #expect(frames(session.receive(clientFrame(0x8, [])).bytes) == [ServerFrame(fin: true, opcode: 8, payload: [0x03, 0xE8])])
        #expect(session.receivedCloseCode == 1005)
        #expect(closeCode(clientFrame(0x8, [0x03])) == 1002)
        #expect(closeCode(closeFrame(1000, [0xCE, 0xBA, 0xE1, 0xBD])) == 1007)
        #expect(closeCode(closeFrame(1000, Array("κόσμε".utf8))) == 1000)
        #expect(closeCode(text("half", fin: false) + closeFrame(1001)) == 1001, "a close may interrupt a fragmented message")
    }

    @Test("the server's own close: once, with its reason cut to fit a control frame at a character boundary")
    func serverClose() {
        var session = WebSocketSession(limits: roomy)
        let output = session.close(code: 1001, reason: String(repeating: "é", count: 100))
        let frame = frames(output.bytes)
        #expect(frame.count == 1)
        #expect(frame[0].closeCode == 1001)
        #expect(frame[0].payload.count == 2 + 122, "61 two-byte characters: a 62nd would pass 123")
        #expect(output.closing)
        #expect(session.close(code: 1000, reason: "again") == WebSocketOutput(closing: true))
    }

    @Test("server frame headers use the shortest length encoding")
    func headers() {
        #expect(WebSocketFrame.header(fin: true, opcode: .text, length: 5) == [0x81, 0x05])
        #expect(WebSocketFrame.header(fin: true, opcode: .binary, length: 300) == [0x82, 0x7E, 0x01, 0x2C])
        #expect(WebSocketFrame.header(fin: false, opcode: .continuation, length: 0x10000) == [0x00, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }
}
