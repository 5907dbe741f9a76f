import Testing

@testable import JSONValue

/// JSON text laid out by rule, one value at a time, with none of the writer's machinery (room,
/// word scans, fused writes): what the writer's output is checked against.
private enum Reference {
    static func text(_ value: JSON, _ format: JSONFormat) -> String {
        layout(value, format, depth: 0) + (format.trailingNewline ? "\n" : "")
    }

    static func layout(_ value: JSON, _ format: JSONFormat, depth: Int) -> String {
        func container(_ open: String, _ close: String, _ items: [String]) -> String {
            if items.isEmpty { return open + close }
            guard format.indent > 0 else { return open + items.joined(separator: format.compactItemSeparator) + close }
            let inner = "\n" + String(repeating: " ", count: (depth + 1) * format.indent)
            return open + inner + items.joined(separator: "," + inner) + "\n" + String(repeating: " ", count: depth * format.indent) + close
        }
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return quoted(text, format)
        case .array(let values): return container("[", "]", values.map { layout($0, format, depth: depth + 1) })
        case .object(let object):
            let entries = format.sortKeys ? object.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.entries
            let separator = format.indent > 0 ? ": " : format.compactKeySeparator
            return container("{", "}", entries.map { quoted($0.key, format) + separator + layout($0.value, format, depth: depth + 1) })
        }
    }

    static func quoted(_ text: String, _ format: JSONFormat) -> String {
        var out = "\""
        let units: [UInt32] = format.escapeNonASCII ? text.utf16.map { UInt32($0) } : text.unicodeScalars.map(\.value)
        for unit in units {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case _ where unit < 0x20 || (format.escapeNonASCII && unit >= 0x7F):
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            }
        }
        return out + "\""
    }
}

@Suite("JSONStreamWriter against a reference layout: room, escapes at run and word edges, depth")
struct JSONStreamWriterLayoutTests {
    static let formats: [JSONFormat] = [
        .pretty, .compact, JSONFormat(indent: 3), JSONFormat(indent: 4, escapeNonASCII: true, sortKeys: true),
        JSONFormat(indent: 0, escapeNonASCII: true, compactItemSeparator: ", ", compactKeySeparator: ": ", trailingNewline: false),
    ]

    /// Every character JSON escapes in one way or another, and some it never does.
    static let specials = ["\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", " ", "~"]

    /// Writes `value` item by item as a server route would, with `string(ifValidUTF8:)` for strings
    /// when `viaBytes`, and checks `count` after every call.
    static func write(_ value: JSON, into writer: inout JSONStreamWriter, viaBytes: Bool) {
        let before = writer.count
        switch value {
        case .string(let text) where viaBytes:
            #expect(Array(text.utf8).withUnsafeBufferPointer { writer.string(ifValidUTF8: $0) })
        case .string(let text): writer.string(text)
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .number(let text):
            if let int = Int(text) { writer.number(int) } else { writer.value(value) }
        case .array(let values):
            writer.beginArray()
            for element in values { write(element, into: &writer, viaBytes: viaBytes) }
            writer.endArray()
        case .object(let object):
            writer.beginObject()
            let entries = writer.format.sortKeys ? object.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.entries
            for entry in entries {
                writer.key(entry.key)
                write(entry.value, into: &writer, viaBytes: viaBytes)
            }
            writer.endObject()
        }
        #expect(writer.count > before)
    }

    /// The writer's bytes for `value` in `format`, both ways of writing strings, from a room of
    /// `capacity`, checked against the reference and against `count`.
    static func check(_ value: JSON, capacity: Int = 256, _ comment: @autoclosure () -> String = "") {
        for format in formats {
            let expected = Array(Reference.text(value, format).utf8)
            for viaBytes in [false, true] {
                var writer = JSONStreamWriter(format: format, reservingCapacity: capacity)
                write(value, into: &writer, viaBytes: viaBytes)
                let count = writer.count
                let bytes = writer.finish()
                #expect(count == bytes.count - (format.trailingNewline ? 1 : 0))
                #expect(writer.count == bytes.count)
                #expect(bytes == expected, "\(comment()) format \(format) viaBytes \(viaBytes)")
            }
            #expect(value.serializedBytes(format) == expected)
        }
    }

    @Test("many small writes grow past a tiny starting room")
    func growthBySmallWrites() {
        var object = JSONObject()
        for index in 0..<300 {
            object["k\(index)"] = index.isMultiple(of: 3) ? ["x", nil, true, .number("\(index)")] : .string(String(repeating: "v", count: index % 19))
        }
        for capacity in [0, 1, 16, 17, 100] { Self.check(.object(object), capacity: capacity, "capacity \(capacity)") }
    }

    @Test("a string written in pieces is the string written whole, wherever it is cut")
    func stringsJoinedFromPieces() {
        let texts = ["http://127.0.0.1:8080/get?a=1", "a\"b\\c\nd", "\u{01}é😀x", "", String(repeating: "long-", count: 30) + "\t"]
        for format in Self.formats {
            for text in texts {
                let characters = Array(text)
                for cut in 0...characters.count {
                    for second in cut...characters.count {
                        let parts = [String(characters[..<cut]), String(characters[cut..<second]), String(characters[second...])]
                        var whole = JSONStreamWriter(format: format, reservingCapacity: 1)
                        var joined = JSONStreamWriter(format: format, reservingCapacity: 1)
                        for writer in [0, 1] {
                            // Inside an array, after another item, so the separator and line break count too.
                            if writer == 0 {
                                whole.beginArray(); whole.null(); whole.string(text); whole.endArray()
                            } else {
                                joined.beginArray(); joined.null(); joined.string(joining: parts[0], parts[1], parts[2]); joined.endArray()
                            }
                        }
                        #expect(joined.count == whole.count)
                        #expect(joined.finish() == whole.finish(), "\(text) cut at \(cut), \(second), format \(format)")
                    }
                }
            }
            var empty = JSONStreamWriter(format: format)
            empty.beginObject(); empty.key("k"); empty.string(joining: "", ""); empty.key("none"); empty.string(); empty.endObject()
            var expected = JSONStreamWriter(format: format)
            expected.beginObject(); expected.key("k"); expected.string(""); expected.key("none"); expected.string(""); expected.endObject()
            #expect(empty.finish() == expected.finish())
        }
    }

    @Test("one huge string grows the room once and keeps its escapes")
    func growthByHugeString() {
        let chunk = String(repeating: "abcdefghijklmnopqrstuvwxyz0123", count: 40_000)
        let text = chunk + "\"\n\u{01}é" + chunk + "\\"
        Self.check(["body": .string(text), "after": [1, "two"]], capacity: 64)
        var writer = JSONStreamWriter(format: .compact, reservingCapacity: 16)
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { writer.string(ifValidUTF8: $0) })
        #expect(writer.count == bytes.count + 2 + 1 + 1 + 5 + 1)
    }

    @Test("escapes at every offset of the word scan, at both ends of runs, in keys and values")
    func escapesAtRunAndWordEdges() {
        for special in Self.specials {
            for length in 0..<20 {
                for offset in 0...length {
                    let plain = String(repeating: "a", count: length)
                    let index = plain.index(plain.startIndex, offsetBy: offset)
                    let text = String(plain[..<index]) + special + String(plain[index...])
                    // Two escapes side by side, and a key that is all escapes.
                    let doubled = String(plain[..<index]) + special + special + String(plain[index...])
                    Self.check([text: .string(text), doubled: [.string(doubled)], special: .string(special)], "\(special.debugDescription) at \(offset) of \(length)")
                }
            }
        }
    }

    @Test("strings of every short length need no escape, or one at the last byte")
    func shortStrings() {
        for length in 0..<40 {
            let plain = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x20 + $0 % 90)).escapedForTest) })
            Self.check([plain: .string(plain), plain + "\u{1F}": .string(plain + "\"")], "length \(length)")
        }
    }

    @Test("nesting deeper than 64 levels, every format")
    func deepNesting() {
        var deep: JSON = ["leaf": "\u{01}"]
        for level in 0..<150 { deep = level.isMultiple(of: 2) ? ["k": deep, "x": [], "e": [:]] : [deep, 2, []] }
        Self.check(deep)
        var arrays: JSON = []
        for _ in 0..<100 { arrays = [arrays] }
        Self.check(arrays, capacity: 1)
    }

    @Test("a run of members laid out in advance writes what member by member writes, wherever it goes")
    func membersLaidOutInAdvance() {
        let runs = [
            JSONMembers(["form": [:], "data": "", "json": nil, "files": [:]]),
            JSONMembers(["é": "ü", "list": [1, "two", [:]]]),
            JSONMembers(["nested": ["b": 1, "a": ["d": nil, "c": true]], "q": "\"\n"]),
            JSONMembers([:]),
        ]
        for format in Self.formats + [JSONFormat(indent: 2, escapeNonASCII: true, sortKeys: true)] {
            for run in runs {
                for place in ["after a member", "first member", "nested after a member", "nested first"] {
                    var laidOut = JSONStreamWriter(format: format, reservingCapacity: 1)
                    var oneByOne = JSONStreamWriter(format: format, reservingCapacity: 1)
                    for index in 0..<2 {
                        func write(_ writer: inout JSONStreamWriter) {
                            writer.beginObject()
                            if place.hasPrefix("nested") {
                                writer.key("outer")
                                writer.beginObject()
                            }
                            if place.hasSuffix("after a member") {
                                writer.key("method")
                                writer.string("GET")
                            }
                            if index == 0 {
                                writer.members(run)
                            } else {
                                for member in run.members {
                                    writer.key(member.key)
                                    writer.value(member.value)
                                }
                            }
                            writer.key("last")
                            writer.bool(true)
                            if place.hasPrefix("nested") { writer.endObject() }
                            writer.endObject()
                        }
                        if index == 0 { write(&laidOut) } else { write(&oneByOne) }
                    }
                    #expect(laidOut.finish() == oneByOne.finish(), "\(place), format \(format)")
                }
            }
        }
    }

    @Test("a member in one call writes what a key and a string write, from Strings and from bytes")
    func membersInOneCall() {
        let texts = ["", "a", "Host", "127.0.0.1:8080", "sixteen-bytes-16", "seventeen-bytes-17", "a value longer than sixteen bytes, no escapes"]
            + Self.specials.map { "x\($0)y" } + Self.specials
        for format in Self.formats {
            for key in texts {
                var inOneCall = JSONStreamWriter(format: format, reservingCapacity: 1)
                var inTwo = JSONStreamWriter(format: format, reservingCapacity: 1)
                inOneCall.beginObject()
                inTwo.beginObject()
                inOneCall.key("outer")
                inTwo.key("outer")
                inOneCall.beginObject()
                inTwo.beginObject()
                for value in texts {
                    inOneCall.member(key, string: value)
                    let written = Array(key.utf8).withUnsafeBufferPointer { key in
                        Array(value.utf8).withUnsafeBufferPointer { inOneCall.member(utf8Key: key, utf8String: $0) }
                    }
                    #expect(written)
                    for _ in 0..<2 {
                        inTwo.key(key)
                        inTwo.string(value)
                    }
                }
                for (badKey, badValue): ([UInt8], [UInt8]) in [([0xFF], [0x61]), ([0x61], [0xC3]), ([0xED, 0xA0, 0x80], [])] {
                    let before = inOneCall.count
                    let written = badKey.withUnsafeBufferPointer { key in
                        badValue.withUnsafeBufferPointer { inOneCall.member(utf8Key: key, utf8String: $0) }
                    }
                    #expect(!written)
                    #expect(inOneCall.count == before)
                }
                inOneCall.endObject()
                inTwo.endObject()
                inOneCall.endObject()
                inTwo.endObject()
                #expect(inOneCall.finish() == inTwo.finish(), "key \(key.debugDescription), format \(format)")
            }
        }
    }

    @Test("a key laid out in advance writes what its String writes, at its own depth and any other")
    func keysLaidOutInAdvance() {
        let texts = ["method", "é", "q\"\n\u{01}", "a key longer than sixteen bytes", ""]
        for format in Self.formats + [JSONFormat(indent: 2, escapeNonASCII: true, sortKeys: true)] {
            for text in texts {
                for keyDepth in 1...3 {
                    let key = JSONKey(text, depth: keyDepth)
                    for writtenDepth in 1...3 {
                        for first in [true, false] {
                            var laidOut = JSONStreamWriter(format: format, reservingCapacity: 1)
                            var plain = JSONStreamWriter(format: format, reservingCapacity: 1)
                            for index in 0..<2 {
                                func write(_ writer: inout JSONStreamWriter) {
                                    writer.beginObject()
                                    for _ in 1..<writtenDepth {
                                        writer.key("outer")
                                        writer.beginObject()
                                    }
                                    if !first {
                                        writer.key("before")
                                        writer.null()
                                    }
                                    if index == 0 { writer.key(key) } else { writer.key(String(text)) }
                                    writer.string("value")
                                    writer.key("after")
                                    writer.beginArray()
                                    writer.endArray()
                                    for _ in 0..<writtenDepth { writer.endObject() }
                                }
                                if index == 0 { write(&laidOut) } else { write(&plain) }
                            }
                            #expect(
                                laidOut.finish() == plain.finish(),
                                "\(text) for depth \(keyDepth) at depth \(writtenDepth), first: \(first), format \(format)")
                        }
                    }
                }
            }
        }
    }

    @Test("a literal key writes the bytes its String would")
    func literalKeys() {
        for format in Self.formats {
            var literal = JSONStreamWriter(format: format)
            var string = JSONStreamWriter(format: format)
            literal.beginObject()
            string.beginObject()
            // Each literal below picks the StaticString overload; the String twin is a variable.
            literal.key("method")
            string.key(String("method"))
            literal.string("GET")
            string.string("GET")
            literal.key("quote \" backslash \\ tab \t ctl \u{01}")
            string.key(String("quote \" backslash \\ tab \t ctl \u{01}"))
            literal.beginArray()
            string.beginArray()
            literal.endArray()
            string.endArray()
            literal.key("é 😀 a key longer than sixteen bytes")
            string.key(String("é 😀 a key longer than sixteen bytes"))
            literal.null()
            string.null()
            literal.key("")
            string.key(String(""))
            literal.bool(true)
            string.bool(true)
            literal.endObject()
            string.endObject()
            #expect(literal.count == string.count)
            let bytes = literal.finish()
            #expect(bytes == string.finish(), "format \(format)")
            let value: JSON = ["method": "GET", "quote \" backslash \\ tab \t ctl \u{01}": [], "é 😀 a key longer than sixteen bytes": nil, "": true]
            // Keys go in the order given; the reference would sort them.
            if !format.sortKeys { #expect(bytes == Array(Reference.text(value, format).utf8)) }
        }
    }

    @Test("empty containers, lone scalars and the top level")
    func scalars() {
        for value: JSON in [nil, true, false, .number("-1.5e3"), "", "x", [], [:], [[]], [[:]], ["": ""]] {
            Self.check(value)
        }
    }
}

extension Unicode.Scalar {
    /// A printable stand-in, so a generated plain string has no escapes.
    fileprivate var escapedForTest: Unicode.Scalar { self == "\"" || self == "\\" ? "_" : self }
}
