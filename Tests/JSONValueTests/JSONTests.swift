import Testing

@testable import JSONValue

private func parse(_ text: String) throws(JSONParseError) -> JSON { try JSON.parse(text) }

/// The error for `bytes`, or nil when they parse.
private func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSON.parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func parseError(_ text: String) -> JSONParseError? { parseError(Array(text.utf8)) }

@Suite struct JSONParsingTests {
    @Test func literals() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse(" \t\r\n null \n") == .null)
        for bad in ["nul", "nulll", "True", "FALSE", "none", "t", "undefined"] {
            #expect(parseError(bad) != nil, "\(bad)")
        }
    }

    @Test func numbersAreKeptAsWritten() throws {
        for text in ["0", "-0", "1", "-1", "10", "1.50", "0.0", "-0.5", "1e3", "1E3", "1e+3", "1e-3", "1.5E-10", "12345678901234567890123", "0e0", "-0.0e-0"] {
            #expect(try parse(text) == .number(text), "\(text)")
            #expect(try parse(text).numberText == text)
            #expect(try parse("[\(text)]")[0]?.numberText == text)
        }
        #expect(try parse("1.50").doubleValue == 1.5)
        #expect(try parse("1e3").intValue == 1000)
        #expect(try parse("-7").intValue == -7)
        #expect(try parse("1.5").intValue == nil)
    }

    @Test func malformedNumbers() {
        for bad in ["01", "-01", "00", "1.", "-1.", ".5", "-.5", "+1", "1e", "1e+", "1E-", "-", "--1", "1.e3", "0x10",
            "NaN", "-NaN", "Infinity", "-Infinity", "1 2", "[01]", "1.5.5", "１"]
        {
            #expect(parseError(bad) != nil, "\(bad)")
        }
        #expect(parseError("01")?.offset == 1)
        #expect(parseError("01")?.reason == "unexpected text after the value")
        #expect(parseError("1.")?.reason == "expected a digit after '.'")
        #expect(parseError(".5")?.description == "invalid JSON at byte 0: unexpected character")
    }

    @Test func strings() throws {
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse(#""plain""#) == .string("plain"))
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC\u0000""#) == .string("Aé€\u{0}"))
        #expect(try parse(#""caf\u00e9 and café""#) == .string("café and café"))
        #expect(try parse("\"raw € 😀 \u{7F}\"") == .string("raw € 😀 \u{7F}"))
        #expect(try parse(#""<script>&amp;</script>""#) == .string("<script>&amp;</script>"))
    }

    @Test func surrogates() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\uD83D\uDE00x""#) == .string("😀x"))
        // Lone surrogates become U+FFFD; what follows them is kept.
        #expect(try parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try parse(#""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
        #expect(try parse(#""\ude00\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try parse(#""\ud83d\n""#) == .string("\u{FFFD}\n"))
    }

    @Test func malformedStrings() {
        for bad in [#""unterminated"#, #""bad \x escape""#, #""\u12""#, #""\u12G4""#, #""\"#, "'single'", #""\ud83d\u12""#, #""\U0041""#] {
            #expect(parseError(bad) != nil, "\(bad)")
        }
        // Raw control characters must be escaped.
        for control in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8] {
            #expect(parseError([0x22, 0x61, control, 0x22]) != nil)
            #expect(parseError([0x22, 0x5C, 0x6E, control, 0x22]) != nil)  // after an escape too
        }
        #expect(parseError("\"a\nb\"")?.reason == "control character in a string")
    }

    @Test func invalidUTF8IsAnError() {
        for bad: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22],
            [0x22, 0x5C, 0x6E, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x5C, 0x6E, 0x22],
        ] {
            #expect(parseError(bad)?.reason == "string is not valid UTF-8", "\(bad)")
        }
        #expect(parseError([0xFF]) != nil)
        #expect(parseError([0x5B, 0xC3, 0xA9, 0x5D]) != nil)  // non-ASCII outside a string
    }

    @Test func byteOrderMarkCommentsAndTrailingCommasAreErrors() {
        for bad in ["\u{FEFF}{}", "{} // c", "/* c */ {}", "[1,]", "{\"a\":1,}", "[,1]", "[1,,2]", "{,}", "{\"a\" 1}",
            "{\"a\":}", "{a:1}", "{'a':1}", "[1", "{\"a\":1", "[1}", "{\"a\":1]", "", "   ", "{} {}", "[] x"]
        {
            #expect(parseError(bad) != nil, "\(bad.debugDescription)")
        }
        #expect(parseError("")?.reason == "unexpected end of input")
        #expect(parseError("[1,]")?.offset == 3)
    }

    @Test func containers() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object(JSONObject()))
        #expect(try parse(" [ 1 , \"a\" , [ ] , { } , null ] ") == [1, "a", [], [:], nil])
        let object = try parse(#"{"a": {"b": [true, {"c": null}]}}"#)
        #expect(object["a"]?["b"]?[0]?.boolValue == true)
        #expect(object["a"]?["b"]?[1]?["c"]?.isNull == true)
        #expect(object["a"]?["b"]?[2] == nil)
        #expect(object["missing"] == nil)
        #expect(object[0] == nil)
    }

    @Test func nestingDepthLimit() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try parse(deepest).arrayValue?.count == 1)
        let objects = String(repeating: "{\"a\":", count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(try parse(objects)["a"] != nil)

        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parseError(tooDeep)?.reason == "nesting deeper than 512")
        let tooDeepObjects = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(parseError(tooDeepObjects)?.reason == "nesting deeper than 512")
        let mixed = String(repeating: "[{\"k\":", count: 257) + "0" + String(repeating: "}]", count: 257)
        #expect(parseError(mixed)?.reason == "nesting deeper than 512")
    }

    @Test func hostileNestingDoesNotOverflowTheStack() {
        #expect(parseError(String(repeating: "[", count: 100_000))?.reason == "nesting deeper than 512")
        #expect(parseError(String(repeating: "{\"\":", count: 100_000))?.reason == "nesting deeper than 512")
    }

    @Test func duplicateKeysLastWinsInFirstPlace() throws {
        let value = try parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
        #expect(value.serialized(.compact) == #"{"a":3,"b":2}"#)
    }

    @Test func keysAreComparedByScalarsNotCanonicalEquivalence() throws {
        // Precomposed and decomposed é are different member names in JSON.
        let value = try parse("{\"caf\u{E9}\": 1, \"cafe\u{301}\": 2}")
        #expect(value.objectValue?.count == 2)
        #expect(value["caf\u{E9}"] == 1)
        #expect(value["cafe\u{301}"] == 2)
        #expect(value.serialized(.compact) == "{\"caf\u{E9}\":1,\"cafe\u{301}\":2}")
    }

    @Test func manyKeysParseInLinearTime() throws {
        var text = "{"
        for index in 0..<50_000 { text += "\"k\(index)\":\(index)," }
        text += "\"k0\":\"last\"}"
        // Quadratic key merging would take minutes here; no clock needed to notice.
        let value = try parse(text)
        #expect(value.objectValue?.count == 50_000)
        #expect(value.objectValue?.keys.first == "k0")
        #expect(value["k0"] == "last")
        #expect(value["k49999"] == 49_999)
    }

    @Test func parsesSlicesAndNonContiguousCollections() throws {
        let bytes = Array("xx[1,2]".utf8)
        #expect(try JSON.parse(bytes[2...]) == [1, 2])
        #expect(try JSON.parse("{\"a\":true}".utf8) == ["a": true])
    }

    @Test func hostileInputNeverCrashes() {
        var state: UInt64 = 0xDEC0DE
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let seed = Array(#"{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", true, null, {"b": {}}], "c": "\\"}"#.utf8)
        let alphabet = Array("{}[]\",:\\u0123456789abcdefeE+-.tnl \n\u{7F}".utf8) + [0x00, 0xC3, 0xFF]
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int(next() % 5) {
                guard !bytes.isEmpty else { break }
                let position = Int(next() % UInt64(bytes.count))
                switch next() % 4 {
                case 0: bytes[position] = alphabet[Int(next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: position)
                default: bytes.removeSubrange(position...)
                }
            }
            if let error = parseError(bytes) {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
    }
}

@Suite struct JSONSerializationTests {
    static let sample: JSON = [
        "name": "httpbun",
        "count": 3,
        "ratio": .number("1.50"),
        "ok": true,
        "missing": nil,
        "tags": ["a", "b"],
        "empty_array": [],
        "empty_object": [:],
        "nested": ["x": [1, ["y": "z"]]],
    ]

    @Test func prettyFormatByteForByte() {
        let expected = """
            {
              "name": "httpbun",
              "count": 3,
              "ratio": 1.50,
              "ok": true,
              "missing": null,
              "tags": [
                "a",
                "b"
              ],
              "empty_array": [],
              "empty_object": {},
              "nested": {
                "x": [
                  1,
                  {
                    "y": "z"
                  }
                ]
              }
            }

            """
        #expect(Self.sample.serialized() == expected)
        #expect(Self.sample.serializedBytes() == Array(expected.utf8))
        #expect(Self.sample.serialized(.pretty) == expected)
    }

    @Test func scalarsAndEmptiesAtTopLevel() {
        #expect(JSON.null.serialized() == "null\n")
        #expect(JSON(true).serialized() == "true\n")
        #expect(JSON.array([]).serialized() == "[]\n")
        #expect(JSON.object(JSONObject()).serialized() == "{}\n")
        #expect(JSON.string("s").serialized(.compact) == "\"s\"")
    }

    @Test func compactFormat() {
        #expect(
            Self.sample.serialized(.compact)
                == #"{"name":"httpbun","count":3,"ratio":1.50,"ok":true,"missing":null,"tags":["a","b"],"empty_array":[],"empty_object":{},"nested":{"x":[1,{"y":"z"}]}}"#
        )
        let python = JSONFormat(indent: 0, compactItemSeparator: ", ", compactKeySeparator: ": ")
        let value: JSON = ["a": [1, 2], "b": nil]
        #expect(value.serialized(python) == #"{"a": [1, 2], "b": null}"# + "\n")
    }

    @Test func otherIndentWidths() {
        let value: JSON = ["a": [1]]
        #expect(value.serialized(JSONFormat(indent: 4)) == "{\n    \"a\": [\n        1\n    ]\n}\n")
    }

    @Test func keyOrderIsPreservedAndSortable() throws {
        let parsed = try JSON.parse(#"{"zeta": 1, "alpha": 2, "Mid": 3, "beta": {"y": 1, "x": 2}}"#)
        #expect(parsed.serialized(.compact) == #"{"zeta":1,"alpha":2,"Mid":3,"beta":{"y":1,"x":2}}"#)
        let sorted = JSONFormat(indent: 0, sortKeys: true, trailingNewline: false)
        #expect(parsed.serialized(sorted) == #"{"Mid":3,"alpha":2,"beta":{"x":2,"y":1},"zeta":1}"#)
        // Code point order, as python's sort_keys: U+0065 U+0301 sorts before U+0066, which sorts before U+00E9.
        let accents: JSON = ["\u{E9}": 1, "f": 2, "e\u{301}": 3]
        #expect(accents.serialized(sorted) == "{\"e\u{301}\":3,\"f\":2,\"\u{E9}\":1}")
    }

    @Test func stringEscaping() {
        let value = JSON.string("quote\" backslash\\ slash/ \u{8}\u{C}\n\r\t \u{0}\u{1F}\u{7F} <>&' é€😀 \u{2028}")
        #expect(
            value.serialized(.compact)
                == "\"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0000\\u001f\u{7F} <>&' é€😀 \u{2028}\"")
    }

    @Test func escapeNonASCII() {
        let format = JSONFormat(indent: 0, escapeNonASCII: true, trailingNewline: false)
        let value = JSON.string("é€😀 \u{7F}\u{1F}\"\\ ok <>&")
        #expect(value.serialized(format) == #""\u00e9\u20ac\ud83d\ude00 \u007f\u001f\"\\ ok <>&""#)
        let object: JSON = ["clé": "naïve"]
        #expect(object.serialized(JSONFormat(escapeNonASCII: true)) == "{\n  \"cl\\u00e9\": \"na\\u00efve\"\n}\n")
    }

    @Test func roundTrip() throws {
        let text = Self.sample.serialized()
        let reparsed = try JSON.parse(text)
        #expect(reparsed == Self.sample)
        #expect(reparsed.serialized() == text)
        let escaped = JSON.string("é😀\u{1}\"").serialized(JSONFormat(escapeNonASCII: true))
        #expect(try JSON.parse(escaped) == .string("é😀\u{1}\""))
    }

    @Test func doublesAndIntegers() {
        #expect(JSON(2.0).numberText == "2")
        #expect(JSON(-0.0).numberText == "0")
        #expect(JSON(1.5).numberText == "1.5")
        #expect(JSON(Double.nan) == .null)
        #expect(JSON(Double.infinity) == .null)
        #expect(JSON(UInt8(7)).numberText == "7")
        #expect(JSON(Int64.min).numberText == "-9223372036854775808")
        let literal: JSON = 0.25
        #expect(literal.serialized(.compact) == "0.25")
    }
}

@Suite struct JSONEqualityTests {
    @Test func objectEqualityIgnoresKeyOrder() throws {
        let a = try JSON.parse(#"{"a": 1, "b": [1, 2], "c": {"x": null, "y": "z"}}"#)
        let b = try JSON.parse(#"{"c": {"y": "z", "x": null}, "b": [1, 2], "a": 1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(a.serialized() != b.serialized())
    }

    @Test func inequality() throws {
        #expect(try JSON.parse(#"{"a": 1}"#) != JSON.parse(#"{"a": 2}"#))
        #expect(try JSON.parse(#"{"a": 1}"#) != JSON.parse(#"{"b": 1}"#))
        #expect(try JSON.parse(#"{"a": 1}"#) != JSON.parse(#"{"a": 1, "b": 1}"#))
        #expect(try JSON.parse("[1, 2]") != JSON.parse("[2, 1]"))
        #expect(JSON.null != JSON.bool(false))
        #expect(JSON.string("1") != JSON.number("1"))
    }

    @Test func numbersCompareByValue() {
        #expect(JSON.number("1") == JSON.number("1.0"))
        #expect(JSON.number("1e2") == JSON.number("100"))
        #expect(JSON.number("-0") == JSON.number("0"))
        #expect(JSON.number("1").hashValue == JSON.number("1.00").hashValue)
        #expect(JSON.number("1") != JSON.number("2"))
    }

    @Test func largeObjectsCompareByValue() {
        var left = JSONObject()
        var right = JSONObject()
        for index in 0..<1000 { left["k\(index)"] = JSON(index) }
        for index in (0..<1000).reversed() { right["k\(index)"] = JSON(index) }
        #expect(left == right)
        right["k500"] = "changed"
        #expect(left != right)
        right["k500"] = nil
        right["other"] = JSON(500)
        #expect(left != right)
    }

    @Test func objectBuilding() {
        var object = JSONObject()
        object["b"] = 1
        object["a"] = "x"
        object["b"] = 2
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 2)
        object["b"] = nil
        #expect(object.keys == ["a"])
        let fromEntries = JSONObject([(key: "x", value: 1), (key: "y", value: 2), (key: "x", value: 3)])
        #expect(fromEntries.keys == ["x", "y"])
        #expect(fromEntries["x"] == 3)
        let many = JSONObject((0..<100).map { (key: "k\($0 % 40)", value: JSON($0)) })
        #expect(many.count == 40)
        #expect(many.keys.first == "k0")
        #expect(many["k0"] == 80)
    }
}

@Suite("JSON prints as JSON")
struct JSONDescriptionTests {
    @Test("description is compact JSON text, keys in order")
    func description() {
        let value: JSON = ["b": 1, "a": ["x", nil, true]]
        #expect(value.description == #"{"b":1,"a":["x",null,true]}"#)
        #expect("\(value.objectValue!)" == #"{"b":1,"a":["x",null,true]}"#)
    }
}

@Suite("JSONStreamWriter: member-by-member writing, laid out as the tree serialiser lays out")
struct JSONStreamWriterTests {
    static let sample: JSON = [
        "s": "plain", "esc": "quote \" backslash \\ nl \n tab \t ctl \u{01} del \u{7F} é 😀",
        "n": .number("2.50"), "t": true, "f": false, "z": nil,
        "empty": [:], "list": [], "nested": ["a": [1, ["b": []], [:]], "c": ["d": "e"]],
    ]

    static let formats: [JSONFormat] = [
        .pretty, .compact, JSONFormat(indent: 4, escapeNonASCII: true), JSONFormat(indent: 0, compactItemSeparator: ", ", compactKeySeparator: ": "),
    ]

    @Test("writing a tree value by value gives the tree serialiser's bytes, in every format")
    func matchesTree() {
        for format in Self.formats {
            var writer = JSONStreamWriter(format: format)
            writer.beginObject()
            for (key, value) in Self.sample.objectValue! {
                writer.key(key)
                switch value {
                case .string(let text): writer.string(text)
                case .bool(let flag): writer.bool(flag)
                case .null: writer.null()
                default: writer.value(value)
                }
            }
            writer.endObject()
            #expect(writer.finish() == Self.sample.serializedBytes(format), "format \(format)")
        }
    }

    @Test("nesting deeper than 64 levels keeps its layout")
    func deepNesting() throws {
        var deep: JSON = ["leaf": 1]
        for level in 0..<150 { deep = level.isMultiple(of: 2) ? ["k": deep, "x": []] : [deep, 2] }
        let text = deep.serialized()
        #expect(try JSON.parse(Array(text.utf8)) == deep)
        // The innermost object is wrapped 150 times: its key is 151 levels in, 302 spaces.
        #expect(text.contains("\n" + String(repeating: " ", count: 302) + "\"leaf\": 1\n"))
    }

    @Test("string escaping is right at every offset of the 8-byte fast scan")
    func escapesAtEveryOffset() throws {
        for special in ["\"", "\\", "\n", "\u{00}", "\u{1F}", "é"] {
            for offset in 0..<20 {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
                let bytes = JSON.string(text).serializedBytes(.compact)
                #expect(try JSON.parse(bytes) == .string(text), "\(special.debugDescription) at \(offset)")
                // Only the five JSON escapes, `\u00XX` for other control bytes, and nothing else changes.
                #expect(bytes.count == text.utf8.count + 2 + (special.utf8.first! < 0x20 && special != "\n" ? 5 : special == "é" ? 0 : 1))
            }
        }
    }

    @Test("string(ifValidUTF8:) writes valid UTF-8 without change and refuses anything else")
    func validatedBytes() {
        let valid: [[UInt8]] = [[], Array("ascii only, longer than eight bytes".utf8), Array("mixé 😀 text".utf8), [0xF4, 0x8F, 0xBF, 0xBF]]
        let invalid: [[UInt8]] = [
            [0xFF], [0xC0, 0xAF],  // never valid; an overlong "/"
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            Array("sixteen ascii bytes then".utf8) + [0xE2, 0x82],  // truncated after the fast scan
        ]
        for bytes in valid {
            var writer = JSONStreamWriter(format: .compact)
            #expect(bytes.withUnsafeBufferPointer { writer.string(ifValidUTF8: $0) })
            #expect(writer.finish() == JSON.string(String(decoding: bytes, as: UTF8.self)).serializedBytes(.compact))
        }
        for bytes in invalid {
            var writer = JSONStreamWriter(format: .compact)
            #expect(!bytes.withUnsafeBufferPointer { writer.string(ifValidUTF8: $0) }, "\(bytes)")
            #expect(writer.finish().isEmpty)
        }
    }
}
