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
    private var output: [UInt8] = []
    /// Open containers; the one at depth `d` (1-based) has an item when bit `d - 1` is set (or,
    /// from depth 65, `deeperHaveItems[d - 65]`).
    private var depth = 0
    private var haveItems: UInt64 = 0
    private var deeperHaveItems: [Bool] = []
    /// A key was written and its value is next: no separator or newline before it.
    private var afterKey = false

    public init(format: JSONFormat = .pretty, reservingCapacity capacity: Int = 256) {
        self.format = format
        output.reserveCapacity(capacity)
    }

    /// Bytes written so far.
    public var count: Int { output.count }

    /// The text, with the final newline when the format asks for one.
    public mutating func finish() -> [UInt8] {
        if format.trailingNewline { output.append(UInt8(ascii: "\n")) }
        return output
    }

    public mutating func beginObject() {
        beginItem()
        open(UInt8(ascii: "{"))
    }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() {
        beginItem()
        open(UInt8(ascii: "["))
    }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// An object member's key; its value is the next thing written.
    public mutating func key(_ key: String) {
        beginItem()
        writeString(key)
        if format.indent > 0 { append(": ") } else { appendText(format.compactKeySeparator) }
        afterKey = true
    }

    public mutating func string(_ string: String) {
        beginItem()
        writeString(string)
    }

    /// Writes `bytes` as a string when they are valid UTF-8 and returns true; otherwise writes
    /// nothing and returns false. No `String` is made of them: a large text body is copied once,
    /// straight into the output.
    @discardableResult
    public mutating func string(ifValidUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard UTF8Validation.isValid(bytes) else { return false }
        beginItem()
        writeString(utf8: bytes)
        return true
    }

    public mutating func null() {
        beginItem()
        append("null")
    }

    public mutating func bool(_ flag: Bool) {
        beginItem()
        append(flag ? "true" : "false")
    }

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
        get { depth <= 64 ? haveItems & (1 << UInt64(depth - 1)) != 0 : deeperHaveItems[depth - 65] }
        set {
            if depth <= 64 {
                if newValue { haveItems |= 1 << UInt64(depth - 1) } else { haveItems &= ~(1 << UInt64(depth - 1)) }
            } else {
                deeperHaveItems[depth - 65] = newValue
            }
        }
    }

    /// Separator and line break before an array element or an object member.
    private mutating func beginItem() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let separated = currentHasItems
        if !separated { currentHasItems = true }
        guard format.indent > 0 else {
            if separated { appendText(format.compactItemSeparator) }
            return
        }
        lineBreak(depth: depth, comma: separated)
    }

    /// `,\n` and 128 spaces: a separator, line break and indent are one append (a `StaticString`, so
    /// no lazy global to check and no array to retain on each call).
    private static let commaNewlineSpaces: StaticString = ",\n                                                                                                                                "

    private mutating func lineBreak(depth: Int, comma: Bool) {
        let spaces = depth * format.indent
        let start = comma ? 0 : 1
        if spaces <= 128 {
            Self.commaNewlineSpaces.withUTF8Buffer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<(2 + spaces)])) }
        } else {
            if comma { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
        }
    }

    private mutating func open(_ bracket: UInt8) {
        output.append(bracket)
        depth += 1
        if depth > 64 {
            if deeperHaveItems.count < depth - 64 { deeperHaveItems.append(false) }
        }
        currentHasItems = false
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = currentHasItems
        depth -= 1
        if hadItems && format.indent > 0 { lineBreak(depth: depth, comma: false) }
        output.append(bracket)
    }

    private mutating func appendText(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    /// The writer's own literals: a static buffer, with no `String` to open.
    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeEscapedUnit(_ unit: UInt16) {
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(Self.hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }

    private mutating func writeString(_ string: String) {
        if !format.escapeNonASCII {
            // Native strings lend their bytes without a copy (or a retain); others are made native once.
            if string.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) != nil { return }
            var text = string
            text.withUTF8 { writeString(utf8: $0) }
            return
        }
        output.append(UInt8(ascii: "\""))
        for unit in string.utf16 {
            switch unit {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x20..<0x7F: output.append(UInt8(unit))
            default: writeEscapedUnit(unit)
            }
        }
        output.append(UInt8(ascii: "\""))
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

    private mutating func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard !format.escapeNonASCII else {
            return writeString(String(decoding: bytes, as: UTF8.self))
        }
        output.append(UInt8(ascii: "\""))
        // Copies each run of bytes that need no escape in one go: appending byte by byte cost
        // 73% of the server's CPU time on a 1 MiB upload echoed back as text.
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight bytes at a time while none is a control byte, `"` or `\`: most text has none.
            if index + 8 <= count, let base = bytes.baseAddress {
                let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if !Self.needsEscape(word) {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let escaped = index - 1
            if runStart < escaped { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<escaped])) }
            runStart = index
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            default: writeEscapedUnit(UInt16(byte))
            }
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        output.append(UInt8(ascii: "\""))
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
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
        }
        while index < count, bytes[index] < 0x80 { index += 1 }
        if index == count { return true }
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
