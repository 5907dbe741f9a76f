import JSONValue

/// How log lines are written: for people (`human`) or one JSON object per line (`json`). The
/// access log's lines are made here; the binary's other lines follow the same format.
/// docs/logging.md shows both and names every field.
///
/// ```swift
/// var output: [UInt8] = []
/// var timestamps = LogTimestamps()
/// LogFormat.json.append(record, to: &output, timestamps: &timestamps)
/// // {"time":"2025-12-07T09:33:20.123Z","level":"info","message":"access","client":"127.0.0.1",...}
/// ```
public enum LogFormat: String, Sendable, CaseIterable {
    case human
    case json

    /// Appends `record`'s line (and, when it carries headers, theirs), ending in a newline.
    public func append(_ record: AccessRecord, to output: inout [UInt8], timestamps: inout LogTimestamps) {
        append(
            time: record.time, client: record.client, method: record.method, target: record.target, status: record.status,
            bytes: record.bytes, durationNanoseconds: record.durationNanoseconds, userAgent: record.userAgent,
            outcome: record.outcome, headers: record.headers, to: &output, timestamps: &timestamps)
    }

    /// `append(_:to:timestamps:)` with the record's fields given one by one: the server formats a
    /// line per request from its own fields, and a record made for it was copied whole and
    /// destroyed twice on the way.
    public func append(
        time: WallTime, client: String, method: String, target: String, status: Int?, bytes: Int, durationNanoseconds: Int64,
        userAgent: String?, outcome: AccessRecord.Outcome, headers: HTTPHeaders?, to output: inout [UInt8],
        timestamps: inout LogTimestamps
    ) {
        switch self {
        case .human:
            Self.appendHuman(
                time: time, client: client, method: method, target: target, status: status, bytes: bytes,
                durationNanoseconds: durationNanoseconds, userAgent: userAgent, outcome: outcome, headers: headers, to: &output,
                timestamps: &timestamps)
        case .json:
            Self.appendJSON(
                AccessRecord(
                    time: time, client: client, method: method, target: target, status: status, bytes: bytes,
                    durationNanoseconds: durationNanoseconds, userAgent: userAgent, outcome: outcome, headers: headers),
                to: &output, timestamps: &timestamps)
        }
    }

    /// `TIME INFO CLIENT METHOD TARGET STATUS BYTES DURATIONms "USER-AGENT"`, then, when the request
    /// was not answered whole, `unanswered: "REASON"` or `cut: "REASON"`; headers follow on indented lines.
    private static func appendHuman(
        time: WallTime, client: String, method: String, target: String, status: Int?, bytes: Int, durationNanoseconds: Int64,
        userAgent: String?, outcome: AccessRecord.Outcome, headers: HTTPHeaders?, to output: inout [UInt8],
        timestamps: inout LogTimestamps
    ) {
        // Room for the worst case (every byte of every text escaped as four), so the line is written
        // through a pointer with no room checks, and appended in one copy.
        let reason = outcome.reason
        let texts = client.utf8.count + method.utf8.count + target.utf8.count + (userAgent?.utf8.count ?? 0) + (reason?.utf8.count ?? 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128 + 4 * texts) { buffer in
            var line = LineWriter(buffer.baseAddress!)
            timestamps.write(time, to: &line)
            line.literal(" INFO ")
            if client.isEmpty { line.byte(UInt8(ascii: "-")) } else { line.bare(client) }
            line.byte(UInt8(ascii: " "))
            line.bare(method)
            line.byte(UInt8(ascii: " "))
            line.bare(target)
            line.byte(UInt8(ascii: " "))
            if let status { line.decimal(status) } else { line.byte(UInt8(ascii: "-")) }
            line.byte(UInt8(ascii: " "))
            line.decimal(bytes)
            line.byte(UInt8(ascii: " "))
            line.milliseconds(nanoseconds: durationNanoseconds)
            line.literal("ms \"")
            if let userAgent { line.quoted(userAgent) } else { line.byte(UInt8(ascii: "-")) }
            line.byte(UInt8(ascii: "\""))
            if let reason {
                line.byte(UInt8(ascii: " "))
                line.bare(outcome.name)
                line.literal(": \"")
                line.quoted(reason)
                line.byte(UInt8(ascii: "\""))
            }
            line.byte(UInt8(ascii: "\n"))
            output.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: line.count(from: buffer.baseAddress!)))
        }
        if let headers {
            for field in headers {
                let size = 8 + 4 * (field.name.utf8.count + field.value.utf8.count)
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
                    var line = LineWriter(buffer.baseAddress!)
                    line.literal("    ")
                    line.bare(field.name)
                    line.literal(": \"")
                    line.quoted(field.value)
                    line.literal("\"\n")
                    output.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: line.count(from: buffer.baseAddress!)))
                }
            }
        }
    }

    private static func appendJSON(_ record: AccessRecord, to output: inout [UInt8], timestamps: inout LogTimestamps) {
        let (time, duration) = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            var line = LineWriter(buffer.baseAddress!)
            timestamps.write(record.time, to: &line)
            let time = String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: line.count(from: buffer.baseAddress!)), as: UTF8.self)
            line = LineWriter(buffer.baseAddress!)
            line.milliseconds(nanoseconds: record.durationNanoseconds)
            return (time, String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: line.count(from: buffer.baseAddress!)), as: UTF8.self))
        }
        var writer = JSONStreamWriter(format: .compact)
        writer.beginObject()
        writer.key("time")
        writer.string(time)
        writer.key("level")
        writer.string("info")
        writer.key("message")
        writer.string("access")
        writer.key("client")
        writer.string(record.client)
        writer.key("method")
        writer.string(record.method)
        writer.key("target")
        writer.string(record.target)
        writer.key("status")
        if let status = record.status { writer.number(status) } else { writer.null() }
        writer.key("bytes")
        writer.number(record.bytes)
        writer.key("duration_ms")
        writer.value(.number(duration))
        writer.key("user_agent")
        if let userAgent = record.userAgent { writer.string(userAgent) } else { writer.null() }
        writer.key("outcome")
        writer.string(record.outcome.name)
        if let reason = record.outcome.reason {
            writer.key("reason")
            writer.string(reason)
        }
        if let headers = record.headers {
            writer.key("headers")
            writer.beginArray()
            for field in headers {
                writer.beginArray()
                writer.string(field.name)
                writer.string(field.value)
                writer.endArray()
            }
            writer.endArray()
        }
        writer.endObject()
        output.append(contentsOf: writer.finish())
        output.append(UInt8(ascii: "\n"))
    }

}

/// Writes a line through a pointer, into room the caller has made big enough.
struct LineWriter {
    private var cursor: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { cursor = start }

    func count(from start: UnsafeMutablePointer<UInt8>) -> Int { cursor - start }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        cursor.pointee = byte
        cursor += 1
    }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        cursor.update(from: base, count: bytes.count)
        cursor += bytes.count
    }

    mutating func literal(_ text: StaticString) {
        bytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A field with no spaces of its own (address, method, target, header name): a space, a
    /// backslash or a control byte is written `\xNN`, so a line always splits into the same fields
    /// and a request can never forge a line of its own.
    mutating func bare(_ text: String) { escaping(text, quoted: false) }

    /// A field written between double quotes: a quote, a backslash or a control byte is escaped.
    mutating func quoted(_ text: String) { escaping(text, quoted: true) }

    private mutating func escaping(_ text: String, quoted: Bool) {
        // The UTF-8 view's own storage: `withUTF8` would need a mutable copy.
        if text.utf8.withContiguousStorageIfAvailable({ quoted ? escapingQuoted($0) : escapingBare($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { quoted ? escapingQuoted($0) : escapingBare($0) }
        }
    }

    // One loop per kind of field, each with its own test inline: nearly every byte is a compare,
    // a store and an increment.
    private mutating func escapingBare(_ text: UnsafeBufferPointer<UInt8>) {
        for byte in text {
            if _slowPath(byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\")) { escape(byte) } else { self.byte(byte) }
        }
    }

    private mutating func escapingQuoted(_ text: UnsafeBufferPointer<UInt8>) {
        for byte in text {
            if _slowPath(byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"")) {
                escape(byte)
            } else {
                self.byte(byte)
            }
        }
    }

    private mutating func escape(_ byte: UInt8) {
        self.byte(UInt8(ascii: "\\"))
        self.byte(UInt8(ascii: "x"))
        self.byte(Hex.digit(byte >> 4))
        self.byte(Hex.digit(byte & 0xF))
    }

    mutating func decimal(_ value: Int) {
        guard value >= 0 else {
            byte(UInt8(ascii: "-"))
            return decimal(0 &- value)
        }
        guard value >= 10 else { return byte(UInt8(ascii: "0") + UInt8(value)) }
        var digits = 0
        var rest = value
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        rest = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            cursor[offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        cursor += digits
    }

    /// `digits` digits of `value`, zero-padded.
    mutating func padded(_ value: Int, digits: Int) {
        var rest = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            cursor[offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        cursor += digits
    }

    /// Milliseconds with three decimals (microsecond resolution): `0.412`, `2001.050`.
    mutating func milliseconds(nanoseconds: Int64) {
        let microseconds = Int(max(0, nanoseconds / 1000))
        decimal(microseconds / 1000)
        byte(UInt8(ascii: "."))
        padded(microseconds % 1000, digits: 3)
    }
}
