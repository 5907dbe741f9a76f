/// How `JSON.serialized` lays text out.
///
/// ```swift
/// value.serialized(.compact)                      // {"a":1}
/// value.serialized(.init(indent: 2, escapeNonASCII: true, sortKeys: true))
/// ```
public struct JSONFormat: Sendable, Hashable {
    /// Spaces per nesting level; 0 writes everything on one line.
    public var indent: Int
    /// Writes non-ASCII characters as `\uXXXX` escapes (python's `ensure_ascii`).
    public var escapeNonASCII: Bool
    /// Writes object keys in sorted order (by code point, as python's `sort_keys` and Go do) rather
    /// than insertion order.
    public var sortKeys: Bool
    /// Separator after a comma in one-line output (`", "` in python, `","` in Go).
    public var compactItemSeparator: String
    /// Separator between key and value in one-line output.
    public var compactKeySeparator: String
    /// Appends a final newline.
    public var trailingNewline: Bool

    public init(
        indent: Int = 2, escapeNonASCII: Bool = false, sortKeys: Bool = false,
        compactItemSeparator: String = ",", compactKeySeparator: String = ":", trailingNewline: Bool = true
    ) {
        self.indent = indent
        self.escapeNonASCII = escapeNonASCII
        self.sortKeys = sortKeys
        self.compactItemSeparator = compactItemSeparator
        self.compactKeySeparator = compactKeySeparator
        self.trailingNewline = trailingNewline
    }

    /// httpbun's layout: 2-space indent, keys in order, UTF-8 kept, a final newline.
    public static let pretty = JSONFormat()
    /// One line, no spaces, no final newline.
    public static let compact = JSONFormat(indent: 0, trailingNewline: false)
}

extension JSON {
    /// The JSON text of this value as UTF-8 bytes.
    public func serializedBytes(_ format: JSONFormat = .pretty) -> [UInt8] {
        var writer = JSONStreamWriter(format: format)
        writer.value(self)
        return writer.finish()
    }

    /// The JSON text of this value.
    public func serialized(_ format: JSONFormat = .pretty) -> String {
        String(decoding: serializedBytes(format), as: UTF8.self)
    }
}

/// Writes JSON text straight into bytes, member by member, in a `JSONFormat`'s layout: what a hot
/// path uses instead of building a `JSON` tree only to serialise it and free it. `JSON.serialized`
/// is this writer walking a tree, so both lay text out identically.
///
/// ```swift
/// var writer = JSONStreamWriter(format: .pretty)
/// writer.beginObject()
/// writer.key("method"); writer.string("GET")
/// writer.key("args"); writer.value(["a": "1"])
/// writer.endObject()
/// let bytes = writer.finish()   // {\n  "method": "GET",\n  "args": {\n    "a": "1"\n  }\n}\n
/// ```
///
/// Keys are written in the order given; `format.sortKeys` sorts the objects of `JSON` values
/// written with `value(_:)`. Unbalanced calls are a programming error.
public struct JSONStreamWriter {
    public let format: JSONFormat
    /// The text is `output[..<used]`; the rest is zeroed room. Each piece is stored through a
    /// pointer after one room check: `Array.append` was a generic call with its own uniqueness and
    /// capacity checks for every separator, quote and run.
    private var output: [UInt8]
    private var used = 0
    /// Open containers; the one at depth `d` (1-based) has an item when bit `d - 1` is set (or,
    /// from depth 65, `deeperHaveItems[d - 65]`).
    private var depth = 0
    private var haveItems: UInt64 = 0
    private var deeperHaveItems: [Bool] = []
    /// A key was written and its value is next: no separator or newline before it.
    private var afterKey = false

    public init(format: JSONFormat = .pretty, reservingCapacity capacity: Int = 256) {
        self.format = format
        // Not `[UInt8](repeating:count:)`: that initialiser is not specialised and looked up the
        // array's storage class on every call, and every echo makes a writer. Zeros appended from
        // a buffer are one `memcpy`; appending `repeatElement` went byte by byte.
        output = []
        output.reserveCapacity(max(capacity, 16))
        while output.count < output.capacity {
            output.append(contentsOf: Self.zeros.prefix(output.capacity - output.count))
        }
    }

    private static let zeros = [UInt8](repeating: 0, count: 4096)

    /// Bytes written so far.
    public var count: Int { used }

    /// The text, with the final newline when the format asks for one.
    public mutating func finish() -> [UInt8] {
        if format.trailingNewline { append("\n") }
        // Dropping the room only lowers the count: the bytes are not copied.
        output.removeLast(output.count - used)
        return output
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// An object member's key; its value is the next thing written.
    ///
    /// Disfavoured so that a literal, `writer.key("method")`, takes the `StaticString` overload
    /// (a literal otherwise prefers `String`, its default type).
    @_disfavoredOverload
    public mutating func key(_ key: String) {
        writeString(key, isKey: true)
        afterKey = true
    }

    /// A literal key: its bytes are read in place, with no `String` to open. They are still
    /// scanned for escapes, so `"a\"b"` is right too.
    public mutating func key(_ key: StaticString) {
        guard key.hasPointerRepresentation, !format.escapeNonASCII else { return self.key(key.description) }
        // The bytes straight from the literal: `withUTF8Buffer` made the write a closure of its own.
        quoted(utf8: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), after: beginItemDeferringLineBreak(), isKey: true)
        afterKey = true
    }

    /// A key laid out in advance: one copy when the writer is where it was laid out for (a member
    /// of an object at the key's depth, 2-space indent), otherwise as `key(_ key: String)`.
    ///
    /// ```swift
    /// static let method = JSONKey("method")   // a member of a top-level object
    /// writer.key(Self.method)
    /// ```
    public mutating func key(_ key: JSONKey) {
        guard depth == key.depth, !afterKey, format.indent == 2, !format.escapeNonASCII || key.isASCII else {
            return self.key(key.text)
        }
        writeLaidOut(key.laidOut)
        afterKey = true
    }

    public mutating func string(_ string: String) {
        writeString(string, isKey: false)
    }

    /// One string made of `parts` one after another, written without making a `String` of them.
    ///
    /// ```swift
    /// writer.string(joining: scheme, "://", host, target)   // "http://127.0.0.1:8080/get?a=1"
    /// ```
    @inlinable
    public mutating func string(joining parts: String...) {
        // Inlined, so the caller's array of parts does not escape and can live on the stack.
        parts.withUnsafeBufferPointer { writeString(joining: $0) }
    }

    @usableFromInline
    mutating func writeString(joining parts: UnsafeBufferPointer<String>) {
        guard !format.escapeNonASCII else { return string(parts.joined()) }
        var total = 0
        for index in parts.indices { total &+= parts[index].utf8.count }
        // The parts side by side (on the stack, for a usual URL), then quoted as one string: part
        // by part, each was a borrow, a room check, an escape scan and a write of its own.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { joined in
            var end = 0
            for index in parts.indices {
                Self.withUTF8(parts[index]) { bytes in
                    if let source = bytes.baseAddress, let target = joined.baseAddress {
                        Self.copy(source, count: bytes.count, to: target + end)
                    }
                    end &+= bytes.count
                }
            }
            quoted(utf8: UnsafeBufferPointer(joined), after: beginItemDeferringLineBreak(), isKey: false)
        }
    }

    /// An object member whose value is a string, as `key(key)` then `string(value)` write it: in
    /// one write when neither needs an escape (nearly every query argument and header field).
    ///
    /// ```swift
    /// writer.member("Host", string: "example.com")   // "Host": "example.com"
    /// ```
    public mutating func member(_ key: String, string value: String) {
        guard !format.escapeNonASCII else {
            self.key(key)
            string(value)
            return
        }
        Self.withUTF8(key) { key in Self.withUTF8(value) { value in writeMember(key, value) } }
    }

    /// As `member(_:string:)`, from bytes, when both are valid UTF-8; otherwise writes nothing and
    /// returns false. No `String` is made of them.
    @discardableResult
    public mutating func member(utf8Key key: UnsafeBufferPointer<UInt8>, utf8String value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard UTF8Validation.isValid(key), UTF8Validation.isValid(value) else { return false }
        if format.escapeNonASCII {
            member(String(decoding: key, as: UTF8.self), string: String(decoding: value, as: UTF8.self))
        } else {
            writeMember(key, value)
        }
        return true
    }

    /// `"key": "value"` after the line break, in one write when the layout is indented and neither
    /// needs an escape; otherwise as a key and a string.
    private mutating func writeMember(_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        guard format.indent > 0, !afterKey, let keyBase = key.baseAddress, let valueBase = value.baseAddress,
            Self.firstEscape(in: keyBase, from: 0, count: key.count) == key.count,
            Self.firstEscape(in: valueBase, from: 0, count: value.count) == value.count
        else {
            quoted(utf8: key, after: beginItemDeferringLineBreak(), isKey: true)
            afterKey = true
            quoted(utf8: value, after: beginItemDeferringLineBreak(), isKey: false)
            return
        }
        let lineBreak = beginItemDeferringLineBreak()
        write(room: (lineBreak?.room ?? 0) &+ key.count &+ value.count &+ 6) { base, start in
            var end = lineBreak?.write(to: base, at: start) ?? start
            base[end] = UInt8(ascii: "\"")
            Self.copy(keyBase, count: key.count, to: base + (end &+ 1))
            end = Self.writeClosingQuote(to: base, at: end &+ 1 &+ key.count, keySeparator: true)
            base[end] = UInt8(ascii: "\"")
            Self.copy(valueBase, count: value.count, to: base + (end &+ 1))
            return Self.writeClosingQuote(to: base, at: end &+ 1 &+ value.count, keySeparator: false)
        }
    }

    /// Calls `body` with `text`'s UTF-8: borrowed in place from a native string (no copy, no
    /// retain), made native once otherwise.
    @inline(__always)
    private static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var text = text
        return text.withUTF8(body)
    }

    /// Writes `bytes` as a string when they are valid UTF-8 and returns true; otherwise writes
    /// nothing and returns false. No `String` is made of them: a large text body is copied once,
    /// straight into the output.
    @discardableResult
    public mutating func string(ifValidUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard UTF8Validation.isValid(bytes) else { return false }
        if format.escapeNonASCII {
            string(String(decoding: bytes, as: UTF8.self))
        } else {
            quoted(utf8: bytes, after: beginItemDeferringLineBreak(), isKey: false)
        }
        return true
    }

    /// Writes a run of members fixed in advance, as `key` and `value` for each would, in one copy
    /// when the run was laid out beforehand for where the writer is (a member of a top-level
    /// object, 2-space indent: an echo's first and last members).
    ///
    /// ```swift
    /// static let tail = JSONMembers(["form": [:], "data": "", "json": nil, "files": [:]])
    /// writer.members(tail)
    /// ```
    public mutating func members(_ run: JSONMembers) {
        if depth == 1, !afterKey, format.indent == 2, !format.escapeNonASCII || run.isASCII, !format.sortKeys || run.sortsAlike,
            !run.laidOut.isEmpty
        {
            writeLaidOut(run.laidOut)
            return
        }
        for member in run.members {
            key(member.key)
            value(member.value)
        }
    }

    /// Text laid out in advance for this depth after another member (`layOutAfterAMember`), as
    /// the next member: its leading separator is skipped when it is the object's first.
    @inline(__always)
    private mutating func writeLaidOut(_ laidOut: [UInt8]) {
        let skip = currentHasItems ? 0 : 1
        currentHasItems = true
        laidOut.withUnsafeBufferPointer { bytes in
            let count = bytes.count &- skip
            write(room: count) { base, start in
                Self.copy(bytes.baseAddress.unsafelyUnwrapped + skip, count: count, to: base + start)
                return start &+ count
            }
        }
    }

    /// What `body` writes as members of an object at `depth`, after another member, in a 2-space
    /// layout: the bytes `writeLaidOut` copies, starting with `,\n` and the indent.
    static func layOutAfterAMember(depth: Int, sortKeys: Bool = false, _ body: (inout JSONStreamWriter) -> Void) -> [UInt8] {
        var writer = JSONStreamWriter(format: JSONFormat(indent: 2, sortKeys: sortKeys, trailingNewline: false))
        for _ in 1..<depth {
            writer.beginObject()
            writer.key("outer")
        }
        writer.beginObject()
        writer.key("before")
        writer.null()
        let start = writer.count
        body(&writer)
        return Array(writer.finish()[start...])
    }

    public mutating func null() { writeItem("null") }

    public mutating func bool(_ flag: Bool) { writeItem(flag ? "true" : "false") }

    public mutating func number(_ value: Int) {
        beginItem()
        appendText(String(value))
    }

    /// A whole value: scalars as they are, arrays and objects item by item.
    public mutating func value(_ value: JSON) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let text):
            beginItem()
            appendText(text)
        case .string(let text): string(text)
        case .array(let values):
            beginArray()
            for element in values { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            let entries = format.sortKeys ? object.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.entries
            for entry in entries {
                key(entry.key)
                self.value(entry.value)
            }
            endObject()
        }
    }

    // MARK: Layout

    private var currentHasItems: Bool {
        @inline(__always) get { depth <= 64 ? haveItems & (1 << UInt64(depth - 1)) != 0 : deeperHaveItems[depth - 65] }
        @inline(__always) set {
            if depth <= 64 {
                if newValue { haveItems |= 1 << UInt64(depth - 1) } else { haveItems &= ~(1 << UInt64(depth - 1)) }
            } else {
                deeperHaveItems[depth - 65] = newValue
            }
        }
    }

    /// A pretty layout's `,\n` and indent before an item, or the `\n` and indent before a closing
    /// bracket.
    private struct LineBreak {
        var comma: Bool
        var spaces: Int

        /// What `write` may touch: the spaces go eight at a time, up to seven past the last.
        var room: Int { 2 + spaces + 7 }

        @inline(__always)
        func write(to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
            var end = start
            if comma {
                base[end] = UInt8(ascii: ",")
                end += 1
            }
            base[end] = UInt8(ascii: "\n")
            end += 1
            let raw = UnsafeMutableRawPointer(base + end)
            var offset = 0
            while offset < spaces {
                raw.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            return end + spaces
        }
    }

    /// Claims the next item slot and writes a compact separator if it needs one; returns the line
    /// break that a pretty layout needs, for the caller to write in one go with what follows.
    @inline(__always)
    private mutating func beginItemDeferringLineBreak() -> LineBreak? {
        if afterKey {
            afterKey = false
            return nil
        }
        guard depth > 0 else { return nil }
        let separated = currentHasItems
        if !separated { currentHasItems = true }
        guard format.indent > 0 else {
            if separated { appendText(format.compactItemSeparator) }
            return nil
        }
        return LineBreak(comma: separated, spaces: depth * format.indent)
    }

    /// Separator and line break before an array element or an object member.
    private mutating func beginItem() {
        guard let lineBreak = beginItemDeferringLineBreak() else { return }
        write(room: lineBreak.room) { base, start in lineBreak.write(to: base, at: start) }
    }

    /// An item that is one of the writer's literals, after its separator and line break.
    private mutating func writeItem(_ text: StaticString) {
        let lineBreak = beginItemDeferringLineBreak()
        text.withUTF8Buffer { bytes in
            write(room: (lineBreak?.room ?? 0) + bytes.count) { base, start in
                let end = lineBreak?.write(to: base, at: start) ?? start
                Self.copy(bytes.baseAddress.unsafelyUnwrapped, count: bytes.count, to: base + end)
                return end + bytes.count
            }
        }
    }

    private mutating func open(_ bracket: UInt8) {
        let lineBreak = beginItemDeferringLineBreak()
        write(room: (lineBreak?.room ?? 0) + 1) { base, start in
            let end = lineBreak?.write(to: base, at: start) ?? start
            base[end] = bracket
            return end + 1
        }
        depth += 1
        if depth > 64 {
            if deeperHaveItems.count < depth - 64 { deeperHaveItems.append(false) }
        }
        currentHasItems = false
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = currentHasItems
        depth -= 1
        let lineBreak = hadItems && format.indent > 0 ? LineBreak(comma: false, spaces: depth * format.indent) : nil
        write(room: (lineBreak?.room ?? 0) + 1) { base, start in
            let end = lineBreak?.write(to: base, at: start) ?? start
            base[end] = bracket
            return end + 1
        }
    }

    // MARK: Bytes

    /// Makes room for `room` more bytes, then lets `body` store them from `start` (the old
    /// `count`); it returns where they end.
    @inline(__always)
    private mutating func write(room: Int, _ body: (_ base: UnsafeMutablePointer<UInt8>, _ start: Int) -> Int) {
        if room > output.count &- used { grow(room: room) }
        let start = used
        used = output.withUnsafeMutableBufferPointer { body($0.baseAddress.unsafelyUnwrapped, start) }
    }

    /// At least doubles, so appending stays amortised O(1); only the bytes written are copied.
    @inline(never)
    private mutating func grow(room: Int) {
        let old = output
        let used = used
        let size = Swift.max(used + room, old.count * 2)
        output = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            old.withUnsafeBufferPointer { written in
                let copied = buffer.baseAddress.unsafelyUnwrapped
                copied.initialize(from: written.baseAddress.unsafelyUnwrapped, count: used)
                (copied + used).initialize(repeating: 0, count: size - used)
            }
            initialized = size
        }
    }

    /// Copies without a `memcpy` call for the few bytes most pieces of JSON are: loads and stores
    /// that overlap where `count` is not a whole number of them.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, count: Int, to target: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count > 16 {
            to.copyMemory(from: from, byteCount: count)
        } else if count >= 8 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count > 0 {
            target[0] = source[0]
            target[count >> 1] = source[count >> 1]
            target[count - 1] = source[count - 1]
        }
    }

    private mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            write(room: bytes.count) { base, start in
                if let source = bytes.baseAddress { Self.copy(source, count: bytes.count, to: base + start) }
                return start + bytes.count
            }
        }
    }

    /// The writer's own literals: a static buffer, with no `String` to open.
    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            write(room: bytes.count) { base, start in
                Self.copy(bytes.baseAddress.unsafelyUnwrapped, count: bytes.count, to: base + start)
                return start + bytes.count
            }
        }
    }

    // MARK: Strings

    /// `string` quoted as an item or a key (with the key separator), after the item's separator
    /// and line break.
    private mutating func writeString(_ string: String, isKey: Bool) {
        if format.escapeNonASCII {
            beginItem()
            writeEscapingNonASCII(string)
            if isKey { writeKeySeparator() }
            return
        }
        let lineBreak = beginItemDeferringLineBreak()
        Self.withUTF8(string) { quoted(utf8: $0, after: lineBreak, isKey: isKey) }
    }

    private mutating func writeKeySeparator() {
        if format.indent > 0 { append(": ") } else { appendText(format.compactKeySeparator) }
    }

    /// `unit`'s escape (`\n`, `\"`, `\u00e9`, …) at `start`; returns where it ends, at most 6 on.
    @inline(__always)
    private static func writeEscape(_ unit: UInt16, to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        base[start] = UInt8(ascii: "\\")
        let short: UInt8
        switch unit {
        case 0x22: short = UInt8(ascii: "\"")
        case 0x5C: short = UInt8(ascii: "\\")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        default:
            base[start + 1] = UInt8(ascii: "u")
            for digit in 0..<4 {
                let nibble = UInt8(truncatingIfNeeded: unit >> UInt16(12 - 4 * digit)) & 0xF
                base[start + 2 + digit] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
            }
            return start + 6
        }
        base[start + 1] = short
        return start + 2
    }

    /// Python's `ensure_ascii`: escapes by UTF-16 unit, so astral characters become surrogate
    /// pairs. A chunk of units per room check, so a large body needs no room for six times itself.
    private mutating func writeEscapingNonASCII(_ string: String) {
        append("\"")
        var units = string.utf16.makeIterator()
        var more = true
        while more {
            write(room: 6 * 256) { base, start in
                var end = start
                for _ in 0..<256 {
                    guard let unit = units.next() else {
                        more = false
                        break
                    }
                    if unit >= 0x20 && unit < 0x7F && unit != 0x22 && unit != 0x5C {
                        base[end] = UInt8(truncatingIfNeeded: unit)
                        end += 1
                    } else {
                        end = Self.writeEscape(unit, to: base, at: end)
                    }
                }
                return end
            }
        }
        append("\"")
    }

    /// Whether any byte of `word` is below 0x20, `"` (0x22) or `\` (0x5C): the classic
    /// "has a zero byte" bit trick, applied three times.
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// The offset of the first byte from `start` on that JSON escapes, or `count`. Eight bytes at a
    /// time, the last (or only) few as one word of overlapping loads: most text has no escapes,
    /// and most keys and values are shorter than eight bytes.
    @inline(__always)
    private static func firstEscape(in base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= count {
            if needsEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
            index += 8
        }
        let rest = count - index
        if rest == 0 { return count }
        if rest < 8 && !needsEscape(tailWord(base, from: index, count: count)) { return count }
        while index < count {
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return count
    }

    /// One word holding bytes `from..<count` (1 to 8 of them), filled out with the bytes before
    /// `from` when there are eight in all (the caller has found those clean) or with spaces, which
    /// need no escape: overlapping loads, no loop.
    @inline(__always)
    private static func tailWord(_ base: UnsafePointer<UInt8>, from index: Int, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        if count >= 8 { return raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) }
        let rest = count &- index
        if rest >= 4 {
            let head = raw.loadUnaligned(fromByteOffset: index, as: UInt32.self)
            return UInt64(head) | UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)) << 32
        }
        return UInt64(base[index]) | UInt64(base[index &+ rest >> 1]) << 8 | UInt64(base[count &- 1]) << 16 | 0x2020_2020_2000_0000
    }

    /// `bytes` as one whole string: a short one without escapes in one straight write, inlined
    /// into the caller; anything else through `writeQuoted`, whose set-up a short string with
    /// nothing to escape does not need.
    @inline(__always)
    private mutating func quoted(
        utf8 bytes: UnsafeBufferPointer<UInt8>, after lineBreak: LineBreak?, isKey: Bool
    ) {
        let count = bytes.count
        if count <= 16, let source = bytes.baseAddress, !Self.shortNeedsEscape(source, count: count) {
            writeShortQuoted(source, count: count, after: lineBreak, isKey: isKey)
        } else {
            writeQuoted(utf8: bytes, after: lineBreak, isKey: isKey)
        }
    }

    /// Whether any of a short string's 0 to 16 bytes needs an escape: at most two words, loaded
    /// overlapping, with no loop.
    @inline(__always)
    private static func shortNeedsEscape(_ source: UnsafePointer<UInt8>, count: Int) -> Bool {
        if count > 8 {
            return needsEscape(UnsafeRawPointer(source).loadUnaligned(as: UInt64.self))
                || needsEscape(tailWord(source, from: 8, count: count))
        }
        // An empty string has no byte to read (a small string's bytes are lent from a stack copy:
        // the fuzzer's address sanitizer caught the read before it).
        return count > 0 && needsEscape(tailWord(source, from: 0, count: count))
    }

    /// A short string with nothing to escape (most keys and values): one straight write of the
    /// line break, the quoted bytes and a key's separator, without `writeQuoted`'s run loop: with
    /// nothing to escape there is only one run.
    @inline(__always)
    private mutating func writeShortQuoted(
        _ source: UnsafePointer<UInt8>, count: Int, after lineBreak: LineBreak?, isKey: Bool
    ) {
        let keySeparator = isKey && format.indent > 0
        write(room: (lineBreak?.room ?? 0) &+ count &+ 4) { base, start in
            let end = lineBreak?.write(to: base, at: start) ?? start
            base[end] = UInt8(ascii: "\"")
            Self.copy(source, count: count, to: base + (end &+ 1))
            return Self.writeClosingQuote(to: base, at: end &+ 1 &+ count, keySeparator: keySeparator)
        }
        if isKey && !keySeparator { appendText(format.compactKeySeparator) }
    }

    /// The closing quote and, for a key in an indented layout, `: `; returns where they end.
    @inline(__always)
    private static func writeClosingQuote(to base: UnsafeMutablePointer<UInt8>, at end: Int, keySeparator: Bool) -> Int {
        base[end] = UInt8(ascii: "\"")
        guard keySeparator else { return end &+ 1 }
        base[end &+ 1] = UInt8(ascii: ":")
        base[end &+ 2] = UInt8(ascii: " ")
        return end &+ 3
    }

    /// `bytes` quoted, after `lineBreak` and, for a key, with the key separator: one write for each
    /// run that needs no escape, with its escape (or the rest) in the same write, so a key or value
    /// without escapes is a single write, and a large body one `memcpy` per run.
    @inline(never)
    private mutating func writeQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, after lineBreak: LineBreak?, isKey: Bool) {
        let count = bytes.count
        // An empty buffer may have no address; nothing is read through this one then.
        let source = bytes.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
        let keySeparator = isKey && format.indent > 0
        var lead = lineBreak.map { $0.room } ?? 0
        var runStart = 0
        var first = true
        while true {
            let runEnd = Self.firstEscape(in: source, from: runStart, count: count)
            let last = runEnd == count
            let run = runEnd - runStart
            write(room: lead + 1 + run + 6) { base, start in
                var end = start
                if first {
                    end = lineBreak?.write(to: base, at: end) ?? end
                    base[end] = UInt8(ascii: "\"")
                    end += 1
                }
                Self.copy(source + runStart, count: run, to: base + end)
                end += run
                if !last { return Self.writeEscape(UInt16(source[runEnd]), to: base, at: end) }
                return Self.writeClosingQuote(to: base, at: end, keySeparator: keySeparator)
            }
            if last { break }
            runStart = runEnd + 1
            first = false
            lead = 0
        }
        if isKey && !keySeparator { appendText(format.compactKeySeparator) }
    }
}

/// An object key known in advance, laid out once for `JSONStreamWriter.key(_ key: JSONKey)`: the
/// separator, line break and indent before it, the quoted key and `: `.
public struct JSONKey: Sendable {
    let text: String
    /// Depth of the object the key is a member of: 1 for a top-level object.
    let depth: Int
    /// `,\n`, the indent, `"text": `, as a 2-space layout writes the key after another member.
    let laidOut: [UInt8]
    /// The key has no non-ASCII character, so escaping those changes nothing.
    let isASCII: Bool

    public init(_ text: String, depth: Int = 1) {
        precondition(depth >= 1, "a key is a member of an object, at depth 1 or more")
        self.text = text
        self.depth = depth
        laidOut = JSONStreamWriter.layOutAfterAMember(depth: depth) { $0.key(text) }
        isASCII = text.utf8.allSatisfy { $0 < 0x80 }
    }
}

/// Object members known in advance, laid out once for `JSONStreamWriter.members(_:)`.
public struct JSONMembers: Sendable {
    let members: [(key: String, value: JSON)]
    /// The members as a 2-space layout writes them after another member of a top-level object.
    let laidOut: [UInt8]
    /// No key or value has a non-ASCII character, so escaping those changes nothing.
    let isASCII: Bool
    /// Sorting the keys of nested objects changes nothing either.
    let sortsAlike: Bool

    public init(_ members: KeyValuePairs<String, JSON>) {
        self.members = members.map { (key: $0.key, value: $0.value) }
        laidOut = Self.layOut(self.members, sortKeys: false)
        isASCII = laidOut.allSatisfy { $0 < 0x80 }
        sortsAlike = Self.layOut(self.members, sortKeys: true) == laidOut
    }

    private static func layOut(_ members: [(key: String, value: JSON)], sortKeys: Bool) -> [UInt8] {
        JSONStreamWriter.layOutAfterAMember(depth: 1, sortKeys: sortKeys) { writer in
            for member in members {
                writer.key(member.key)
                writer.value(member.value)
            }
        }
    }
}

extension JSON: CustomStringConvertible {
    /// Compact JSON text, so `print(response.json())` shows `{"a":1}`.
    public var description: String { serialized(.compact) }
}

extension JSONObject: CustomStringConvertible {
    public var description: String { JSON.object(self).serialized(.compact) }
}

/// UTF-8 validation without copying: a word-at-a-time scan while the bytes are ASCII (the common
/// case), then the standard decoder for the rest.
enum UTF8Validation {
    /// Inlined, for the ASCII words; the decoder is called only from the first non-ASCII byte.
    @inline(__always)
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index &+ 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index &+= 8
            }
        }
        while index < count, bytes[index] < 0x80 { index &+= 1 }
        return index == count || isValid(bytes, from: index)
    }

    @inline(never)
    private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Bool {
        var iterator = UnsafeBufferPointer(rebasing: bytes[index...]).makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
