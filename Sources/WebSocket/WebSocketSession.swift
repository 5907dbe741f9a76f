/// The limits one echo connection holds its client to: go-httpbin's `max_fragment_size` and
/// `max_message_size`. A frame or a message past them closes the connection with 1009.
///
/// ```swift
/// let limits = WebSocketLimits(maxFragmentSize: 512 * 1024, maxMessageSize: 1024 * 1024)   // go-httpbin's defaults
/// var session = WebSocketSession(limits: limits)
/// ```
public struct WebSocketLimits: Sendable, Equatable {
    /// Largest payload of one data frame the client may send; the echo is cut into frames no larger.
    public var maxFragmentSize: Int
    /// Largest message, all its fragments together.
    public var maxMessageSize: Int

    public init(maxFragmentSize: Int, maxMessageSize: Int) {
        self.maxFragmentSize = maxFragmentSize
        self.maxMessageSize = maxMessageSize
    }
}

/// What a session wants sent after it took some bytes.
///
/// ```swift
/// let output = session.receive(bytesFromTheSocket)
/// write(output.bytes)
/// if output.closing { shutDownAfterWriting() }
/// ```
public struct WebSocketOutput: Sendable, Equatable {
    /// Frames to write, in order.
    public var bytes: [UInt8]
    /// The last of `bytes` is the server's close frame: write them, then close the connection
    /// (RFC 6455 §7.1.1: the server closes TCP first). Nothing the client sends afterwards matters.
    public var closing: Bool

    public init(bytes: [UInt8] = [], closing: Bool = false) {
        self.bytes = bytes
        self.closing = closing
    }
}

/// The server side of one WebSocket echo connection (RFC 6455) as a value: bytes from the client go
/// in, in whatever pieces the socket gives them; the frames to send back come out. No socket, no
/// clock: the caller reads, writes and closes.
///
/// Each message is echoed whole once its last fragment arrives (text as text, binary as binary),
/// cut into frames of at most `maxFragmentSize` as go-httpbin cuts them. Pings get a pong with their
/// payload, pongs nothing, and a close frame a close frame with its code. Whatever breaks the
/// protocol gets a close frame with the code RFC 6455 names for it (1002 framing, 1007 bad UTF-8,
/// 1009 past the limits) at the first byte that shows it, even in the middle of a frame.
///
/// ```swift
/// var session = WebSocketSession(limits: WebSocketLimits(maxFragmentSize: 1024, maxMessageSize: 4096))
/// // A masked "Hi" (mask 01 02 03 04) in one text frame:
/// let output = session.receive([0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x49, 0x6B])
/// output.bytes     // [0x81, 0x02, 0x48, 0x69]: "Hi" back, unmasked
/// output.closing   // false
/// session.receive([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8]).bytes   // [0x88, 0x02, 0x03, 0xE8]: 1000 back
/// ```
public struct WebSocketSession: Sendable {
    public let limits: WebSocketLimits
    /// The code of the close frame the server sent, once it has.
    public private(set) var sentCloseCode: UInt16?
    /// The code of the client's close frame (1005 for one without a code), once one arrived.
    public private(set) var receivedCloseCode: UInt16?
    /// Messages echoed so far.
    public private(set) var messagesEchoed = 0

    /// The frame whose payload is arriving.
    private struct FrameInProgress {
        let fin: Bool
        let opcode: WebSocketOpcode
        var remaining: Int
        let mask: UInt32
        /// Where in the mask the next payload byte falls.
        var maskOffset = 0
    }

    /// The bytes of a frame header so far (2 to 14 of them).
    private var header: [UInt8] = []
    private var frame: FrameInProgress?
    /// The opcode of the data message under way (text or binary), nil between messages.
    private var messageOpcode: WebSocketOpcode?
    private var message: [UInt8] = []
    private var utf8 = UTF8Validator()
    /// The payload of the control frame under way.
    private var control: [UInt8] = []

    public init(limits: WebSocketLimits) {
        self.limits = limits
        header.reserveCapacity(14)
    }

    /// The server has sent its close frame: the session takes nothing more.
    public var isClosed: Bool { sentCloseCode != nil }

    public mutating func receive(_ bytes: [UInt8]) -> WebSocketOutput {
        bytes.withUnsafeBufferPointer { receive($0) }
    }

    /// Takes the next bytes from the client and answers what they complete.
    public mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>) -> WebSocketOutput {
        var output = WebSocketOutput()
        var index = 0
        while index < bytes.count && !isClosed {
            if var current = frame {
                let count = min(current.remaining, bytes.count - index)
                let chunk = UnsafeBufferPointer(rebasing: bytes[index..<(index + count)])
                index += count
                current.remaining -= count
                if current.opcode.isControl {
                    Self.appendUnmasked(chunk, to: &control, frame: &current)
                } else {
                    let start = message.count
                    Self.appendUnmasked(chunk, to: &message, frame: &current)
                    if messageOpcode == .text {
                        let valid = message.withUnsafeBufferPointer { utf8.feed(UnsafeBufferPointer(rebasing: $0[start...])) }
                        if !valid {
                            fail(WebSocketCloseCode.invalidPayload, "invalid UTF-8 in a text message", &output)
                            break
                        }
                    }
                }
                frame = current.remaining == 0 ? nil : current
                if current.remaining == 0 { finish(current, &output) }
                continue
            }
            // A header: its first two bytes say how long it is, and already whether it is acceptable.
            let wanted = header.count < 2 ? 2 : Self.headerLength(header[1])
            let count = min(wanted - header.count, bytes.count - index)
            header += UnsafeBufferPointer(rebasing: bytes[index..<(index + count)])
            index += count
            guard header.count == wanted else { continue }
            if wanted == 2 {
                if let (code, reason) = startProblem() { fail(code, reason, &output) }
                continue
            }
            startFrame(&output)
        }
        return output
    }

    /// The server ends the connection itself (going away, an idle timeout): the close frame to send,
    /// or nothing when one was sent already.
    public mutating func close(code: UInt16, reason: String) -> WebSocketOutput {
        var output = WebSocketOutput(closing: true)
        if !isClosed { fail(code, reason, &output) }
        return output
    }

    // MARK: Frames

    /// A header's length from its second byte: 2, the extended length (0, 2 or 8), the mask (4).
    private static func headerLength(_ second: UInt8) -> Int {
        switch second & 0x7F {
        case 126: 2 + 2 + 4
        case 127: 2 + 8 + 4
        default: 2 + 4
        }
    }

    /// What the first two header bytes break, if anything: checked before the rest arrives.
    private func startProblem() -> (UInt16, String)? {
        let first = header[0], second = header[1]
        // No extension is ever negotiated, so every reserved bit must be clear (RFC 6455 §5.2).
        if first & 0x70 != 0 { return (WebSocketCloseCode.protocolError, "reserved bits set without a negotiated extension") }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            return (WebSocketCloseCode.protocolError, "reserved opcode \(first & 0x0F)")
        }
        if second & 0x80 == 0 { return (WebSocketCloseCode.protocolError, "client frames must be masked") }
        let fin = first & 0x80 != 0
        if opcode.isControl {
            if !fin { return (WebSocketCloseCode.protocolError, "control frames must not be fragmented") }
            if second & 0x7F > 125 { return (WebSocketCloseCode.protocolError, "control frame payload over 125 bytes") }
        } else if opcode == .continuation {
            if messageOpcode == nil { return (WebSocketCloseCode.protocolError, "continuation frame with no message to continue") }
        } else if messageOpcode != nil {
            return (WebSocketCloseCode.protocolError, "new data frame before the fragmented message ended")
        }
        return nil
    }

    /// The header is whole: check its length against the limits and start reading the payload.
    private mutating func startFrame(_ output: inout WebSocketOutput) {
        let first = header[0], second = header[1]
        let opcode = WebSocketOpcode(rawValue: first & 0x0F)!
        var length: UInt64 = UInt64(second & 0x7F)
        var maskStart = 2
        if length >= 126 {
            let extended = length == 126 ? 2 : 8
            length = header[2..<(2 + extended)].reduce(0) { $0 << 8 | UInt64($1) }
            maskStart += extended
        }
        let mask = header[maskStart..<(maskStart + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        header.removeAll(keepingCapacity: true)
        // The most significant bit of a 64-bit length must be 0 (RFC 6455 §5.2).
        guard length >> 63 == 0 else {
            return fail(WebSocketCloseCode.protocolError, "payload length has its most significant bit set", &output)
        }
        if !opcode.isControl {
            // Checked on the announced length, before a byte of the payload is kept.
            guard length <= UInt64(limits.maxFragmentSize) else {
                return fail(
                    WebSocketCloseCode.tooBig, "frame payload size \(length) exceeds maximum of \(limits.maxFragmentSize) bytes", &output)
            }
            let messageSize = message.count + Int(length)
            guard messageSize <= limits.maxMessageSize else {
                return fail(
                    WebSocketCloseCode.tooBig, "message size \(messageSize) exceeds maximum of \(limits.maxMessageSize) bytes", &output)
            }
            if opcode != .continuation {
                messageOpcode = opcode
                utf8 = UTF8Validator()
            }
        } else {
            control.removeAll(keepingCapacity: true)
        }
        let started = FrameInProgress(fin: first & 0x80 != 0, opcode: opcode, remaining: Int(length), mask: mask)
        if length == 0 {
            finish(started, &output)
        } else {
            frame = started
        }
    }

    /// Appends `chunk` to `target`, unmasked with the frame's key from where its payload got to.
    private static func appendUnmasked(_ chunk: UnsafeBufferPointer<UInt8>, to target: inout [UInt8], frame: inout FrameInProgress) {
        let start = target.count
        target.append(contentsOf: chunk)
        let mask = frame.mask
        var offset = frame.maskOffset
        target.withUnsafeMutableBufferPointer { buffer in
            for index in start..<buffer.count {
                buffer[index] ^= UInt8(truncatingIfNeeded: mask >> UInt32(24 - 8 * offset))
                offset = (offset + 1) & 3
            }
        }
        frame.maskOffset = offset
    }

    /// A frame's payload is complete.
    private mutating func finish(_ frame: FrameInProgress, _ output: inout WebSocketOutput) {
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard frame.fin, let opcode = messageOpcode else { return }
            if opcode == .text && !utf8.isComplete {
                return fail(WebSocketCloseCode.invalidPayload, "text message ends inside a UTF-8 sequence", &output)
            }
            echo(opcode, &output)
            messageOpcode = nil
            // A large message's buffer is let go; a small one's is kept for the next message.
            if message.capacity > 64 * 1024 { message = [] } else { message.removeAll(keepingCapacity: true) }
        case .ping:
            WebSocketFrame.append(opcode: .pong, payload: control, to: &output.bytes)
        case .pong:
            break  // unsolicited pongs are allowed and need no answer (RFC 6455 §5.5.3)
        case .close:
            closeReceived(&output)
        }
    }

    /// The whole message back, in frames of at most `maxFragmentSize` (one frame when it fits).
    private mutating func echo(_ opcode: WebSocketOpcode, _ output: inout WebSocketOutput) {
        let size = max(1, limits.maxFragmentSize)
        var offset = 0
        repeat {
            let end = min(offset + size, message.count)
            WebSocketFrame.append(
                fin: end == message.count, opcode: offset == 0 ? opcode : .continuation, payload: message[offset..<end], to: &output.bytes)
            offset = end
        } while offset < message.count
        messagesEchoed += 1
    }

    /// The client's close frame: checked, then answered with its code (1000 when it had none).
    private mutating func closeReceived(_ output: inout WebSocketOutput) {
        guard !control.isEmpty else {
            receivedCloseCode = 1005
            return fail(WebSocketCloseCode.normal, "", &output)
        }
        guard control.count >= 2 else {
            return fail(WebSocketCloseCode.protocolError, "close frame payload of 1 byte: a close code takes 2", &output)
        }
        let code = UInt16(control[0]) << 8 | UInt16(control[1])
        receivedCloseCode = code
        guard WebSocketCloseCode.mayBeSent(code) else {
            return fail(WebSocketCloseCode.protocolError, "invalid close code \(code)", &output)
        }
        guard UTF8Validator.isValid(control[2...]) else {
            return fail(WebSocketCloseCode.invalidPayload, "close reason is not valid UTF-8", &output)
        }
        fail(code, "", &output)
    }

    /// Sends the server's close frame and takes nothing more. (Also the normal end: a close
    /// handshake is the client's close answered with this.)
    private mutating func fail(_ code: UInt16, _ reason: String, _ output: inout WebSocketOutput) {
        WebSocketFrame.append(opcode: .close, payload: WebSocketFrame.closePayload(code: code, reason: reason), to: &output.bytes)
        output.closing = true
        sentCloseCode = code
        frame = nil
        message = []
        control = []
    }
}
