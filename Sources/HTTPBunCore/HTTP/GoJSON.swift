import HTTPWire
import JSONValue

/// JSON read and written as Go's `encoding/json` does, for answers that show it: httpbun's LLM mocks
/// put `json.Unmarshal`'s error text in their 400s, print request values with Go's number formats,
/// and stream `json.Marshal`'s escapes.
///
/// ```swift
/// GoJSON.parse(Array("not json".utf8), fields: ["model"])   // .failure: invalid character 'o' in literal null (expecting 'u')
/// GoJSON.marshal(["b": "<", "a": 1])     // {"a":1,"b":"\u003c"}
/// GoJSON.print(["k": 1e6])               // map[k:1e+06], as fmt's %v
/// ```
enum GoJSON {
    /// Why `json.Unmarshal` refused a body, in Go's words.
    struct Failure: Error, Equatable {
        var message: String
    }

    // MARK: Reading

    /// What `json.Unmarshal` reads from `bytes` into a struct whose JSON fields are `names`, or Go's
    /// syntax error (`invalid character 'x' looking for beginning of value`, `unexpected end of
    /// JSON input`). Bytes that are not UTF-8 inside strings become U+FFFD, one per byte, as in Go.
    ///
    /// Only what the struct can hold is parsed, as Go only decodes that: of an object, the members
    /// whose keys name a field (exactly or without case, `GoUnmarshal.fold`), in order and with
    /// repeats kept, since Go reads each in turn; the others are skipped unread, whatever their
    /// depth. Of any other value only the kind matters (Go's error names it), so an empty value of
    /// that kind stands in. A field's value nested deeper than `JSON.maximumNestingDepth` (512) is
    /// refused, where Go reads 10,000 levels: the tree could not hold it safely.
    static func parse(_ bytes: [UInt8], fields names: [String]) -> Result<JSON, Failure> {
        if let message = syntaxError(in: bytes) { return .failure(Failure(message: message)) }
        let text = replacingInvalidUTF8(bytes)
        var cursor = Cursor(bytes: text)
        cursor.skipSpace()
        switch text[cursor.index] {
        case UInt8(ascii: "{"): break
        case UInt8(ascii: "["): return .success(.array([]))
        case UInt8(ascii: "\""): return .success(.string(""))
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .success(.bool(false))
        case UInt8(ascii: "n"): return .success(.null)
        default: return .success(.number("0"))
        }
        let folded = Set(names.map(GoUnmarshal.fold))
        var members = JSONObject()
        for (keyRange, valueRange) in cursor.members() {
            guard case .string(let key)? = try? JSON.parse(text[keyRange]),
                names.contains(key) || folded.contains(GoUnmarshal.fold(key))
            else { continue }
            // Go's scanner passed the text, so only nesting past the parser's limit fails here.
            guard let value = try? JSON.parse(text[valueRange]) else {
                return .failure(Failure(
                    message: "\(key) is nested deeper than \(JSON.maximumNestingDepth) levels, more than this server reads"))
            }
            members.appendUnchecked(key, value)
        }
        return .success(.object(members))
    }

    /// Walks JSON text already found valid (Go's scanner passed it), finding where values end
    /// without parsing them.
    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// At `{`: the key and value ranges of each member, in order.
        mutating func members() -> [(key: Range<Int>, value: Range<Int>)] {
            var members: [(key: Range<Int>, value: Range<Int>)] = []
            index += 1
            skipSpace()
            while bytes[index] != UInt8(ascii: "}") {
                let keyStart = index
                skipValue()
                let key = keyStart..<index
                skipSpace()
                index += 1  // the colon
                skipSpace()
                let valueStart = index
                skipValue()
                members.append((key, valueStart..<index))
                skipSpace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                }
            }
            return members
        }

        /// Moves past the value that starts at `index`.
        mutating func skipValue() {
            var depth = 0
            repeat {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    while bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
                    index += 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    index += 1
                default:
                    // A number or literal inside a container, or a top-level one: up to what ends it.
                    let start = index
                    while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
                    if index == start { index += 1 }  // a comma, colon or space inside a container
                }
            } while depth > 0
        }

        private static func endsScalar(_ byte: UInt8) -> Bool {
            [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"), 0x20, 0x09, 0x0A, 0x0D].contains(byte)
        }
    }

    /// Go's `checkValid`: the error its scanner stops at, or nil for valid JSON.
    static func syntaxError(in bytes: [UInt8]) -> String? {
        var scanner = Scanner()
        for byte in bytes {
            if let error = scanner.step(byte) { return error }
        }
        return scanner.end()
    }

    /// `bytes` with each byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD,
    /// as Go's `utf8.DecodeRune` reads them (a truncated sequence of two bytes gives two).
    static func replacingInvalidUTF8(_ bytes: [UInt8]) -> [UInt8] {
        guard String(validating: bytes, as: UTF8.self) == nil else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let length = wellFormedLength(bytes, at: index)
            if length == 0 {
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                index += 1
            } else {
                output.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
        return output
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode's table 3-7), or 0.
    private static func wellFormedLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let second: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (second, length) = (0x80...0xBF, 2)
        case 0xE0: (second, length) = (0xA0...0xBF, 3)
        case 0xE1...0xEC, 0xEE...0xEF: (second, length) = (0x80...0xBF, 3)
        case 0xED: (second, length) = (0x80...0x9F, 3)
        case 0xF0: (second, length) = (0x90...0xBF, 4)
        case 0xF1...0xF3: (second, length) = (0x80...0xBF, 4)
        case 0xF4: (second, length) = (0x80...0x8F, 4)
        default: return 0
        }
        guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
        return length
    }

    /// Go's JSON scanner (`encoding/json/scanner.go`), state for state, so that its errors name the
    /// same byte and the same place.
    struct Scanner {
        private enum State {
            case beginValueOrEmpty, beginValue, beginStringOrEmpty, beginString, endValue, endTop
            case inString, inStringEscape, inStringEscapeU(digits: Int)
            case negative, zero, nonZero, dot, fraction, exponent, exponentSign, exponentDigits
            /// Inside `true`, `false` or `null`, at `index`.
            case literal(word: String, index: Int)
        }

        private enum Container { case objectKey, objectValue, arrayValue }

        /// Go's `maxNestingDepth`.
        static let maximumDepth = 10_000

        private var state = State.beginValue
        private var containers: [Container] = []
        private var endTop = false

        /// Reads one byte; returns Go's error when the byte cannot come here.
        mutating func step(_ byte: UInt8) -> String? {
            // A state that does not consume the byte hands it on by moving and looping.
            while true {
                switch state {
                case .beginValueOrEmpty:
                    if Self.isSpace(byte) { return nil }
                    state = byte == UInt8(ascii: "]") ? .endValue : .beginValue
                case .beginValue:
                    if Self.isSpace(byte) { return nil }
                    switch byte {
                    case UInt8(ascii: "{"):
                        state = .beginStringOrEmpty
                        return push(.objectKey, byte)
                    case UInt8(ascii: "["):
                        state = .beginValueOrEmpty
                        return push(.arrayValue, byte)
                    case UInt8(ascii: "\""): state = .inString
                    case UInt8(ascii: "-"): state = .negative
                    case UInt8(ascii: "0"): state = .zero
                    case UInt8(ascii: "1")...UInt8(ascii: "9"): state = .nonZero
                    case UInt8(ascii: "t"): state = .literal(word: "true", index: 1)
                    case UInt8(ascii: "f"): state = .literal(word: "false", index: 1)
                    case UInt8(ascii: "n"): state = .literal(word: "null", index: 1)
                    default: return Self.error(byte, "looking for beginning of value")
                    }
                    return nil
                case .beginStringOrEmpty:
                    if Self.isSpace(byte) { return nil }
                    if byte == UInt8(ascii: "}") {
                        containers[containers.count - 1] = .objectValue
                        state = .endValue
                    } else {
                        state = .beginString
                    }
                case .beginString:
                    if Self.isSpace(byte) { return nil }
                    guard byte == UInt8(ascii: "\"") else { return Self.error(byte, "looking for beginning of object key string") }
                    state = .inString
                    return nil
                case .endValue:
                    guard let container = containers.last else {
                        state = .endTop
                        endTop = true
                        continue
                    }
                    if Self.isSpace(byte) { return nil }
                    switch (container, byte) {
                    case (.objectKey, UInt8(ascii: ":")):
                        containers[containers.count - 1] = .objectValue
                        state = .beginValue
                    case (.objectKey, _): return Self.error(byte, "after object key")
                    case (.objectValue, UInt8(ascii: ",")):
                        containers[containers.count - 1] = .objectKey
                        state = .beginString
                    case (.objectValue, UInt8(ascii: "}")), (.arrayValue, UInt8(ascii: "]")): pop()
                    case (.objectValue, _): return Self.error(byte, "after object key:value pair")
                    case (.arrayValue, UInt8(ascii: ",")): state = .beginValue
                    case (.arrayValue, _): return Self.error(byte, "after array element")
                    }
                    return nil
                case .endTop:
                    return Self.isSpace(byte) ? nil : Self.error(byte, "after top-level value")
                case .inString:
                    switch byte {
                    case UInt8(ascii: "\""): state = .endValue
                    case UInt8(ascii: "\\"): state = .inStringEscape
                    case ..<0x20: return Self.error(byte, "in string literal")
                    default: break
                    }
                    return nil
                case .inStringEscape:
                    switch byte {
                    case UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                        UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "\""):
                        state = .inString
                    case UInt8(ascii: "u"): state = .inStringEscapeU(digits: 0)
                    default: return Self.error(byte, "in string escape code")
                    }
                    return nil
                case .inStringEscapeU(let digits):
                    guard Self.isHexDigit(byte) else { return Self.error(byte, "in \\u hexadecimal character escape") }
                    state = digits == 3 ? .inString : .inStringEscapeU(digits: digits + 1)
                    return nil
                case .negative:
                    switch byte {
                    case UInt8(ascii: "0"): state = .zero
                    case UInt8(ascii: "1")...UInt8(ascii: "9"): state = .nonZero
                    default: return Self.error(byte, "in numeric literal")
                    }
                    return nil
                case .nonZero:
                    if Self.isDigit(byte) { return nil }
                    state = .zero
                case .zero:
                    switch byte {
                    case UInt8(ascii: "."): state = .dot
                    case UInt8(ascii: "e"), UInt8(ascii: "E"): state = .exponent
                    default:
                        state = .endValue
                        continue
                    }
                    return nil
                case .dot:
                    guard Self.isDigit(byte) else { return Self.error(byte, "after decimal point in numeric literal") }
                    state = .fraction
                    return nil
                case .fraction:
                    if Self.isDigit(byte) { return nil }
                    guard byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") else {
                        state = .endValue
                        continue
                    }
                    state = .exponent
                    return nil
                case .exponent:
                    state = .exponentSign
                    if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { return nil }
                case .exponentSign:
                    guard Self.isDigit(byte) else { return Self.error(byte, "in exponent of numeric literal") }
                    state = .exponentDigits
                    return nil
                case .exponentDigits:
                    if Self.isDigit(byte) { return nil }
                    state = .endValue
                case .literal(let word, let index):
                    let expected = word.utf8[word.utf8.index(word.utf8.startIndex, offsetBy: index)]
                    guard byte == expected else {
                        return Self.error(byte, "in literal \(word) (expecting \(Self.quote(expected)))")
                    }
                    state = index + 1 == word.utf8.count ? .endValue : .literal(word: word, index: index + 1)
                    return nil
                }
            }
        }

        /// The end of the input: Go feeds one space, then calls anything unfinished an unexpected end.
        mutating func end() -> String? {
            if endTop { return nil }
            if let error = step(UInt8(ascii: " ")) { return error }
            return endTop ? nil : "unexpected end of JSON input"
        }

        private mutating func push(_ container: Container, _ byte: UInt8) -> String? {
            containers.append(container)
            return containers.count <= Self.maximumDepth ? nil : Self.error(byte, "exceeded max depth")
        }

        private mutating func pop() {
            containers.removeLast()
            if containers.isEmpty {
                state = .endTop
                endTop = true
            } else {
                state = .endValue
            }
        }

        private static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        private static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }

        private static func error(_ byte: UInt8, _ context: String) -> String {
            "invalid character \(quote(byte)) \(context)"
        }

        /// Go's `quoteChar`: the byte taken as a rune (0xEF is `ï`) and quoted as `strconv.Quote`
        /// quotes it, between single quotes.
        static func quote(_ byte: UInt8) -> String {
            switch byte {
            case UInt8(ascii: "'"): return #"'\''"#
            case UInt8(ascii: "\""): return #"'"'"#
            case UInt8(ascii: "\\"): return #"'\\'"#
            case 0x07: return #"'\a'"#
            case 0x08: return #"'\b'"#
            case 0x0C: return #"'\f'"#
            case 0x0A: return #"'\n'"#
            case 0x0D: return #"'\r'"#
            case 0x09: return #"'\t'"#
            case 0x0B: return #"'\v'"#
            case ..<0x20, 0x7F: return #"'\x"# + Hex.encode([byte]) + "'"
            // C1 controls, the no-break space and the soft hyphen are not printable to Go.
            case 0x80...0xA0, 0xAD: return #"'\u00"# + Hex.encode([byte]) + "'"
            default: return "'" + String(Character(Unicode.Scalar(byte))) + "'"
            }
        }
    }

    // MARK: Writing

    /// `json.Marshal`: one line, keys sorted, and `<`, `>`, `&`, U+2028, U+2029 written as `\u` escapes.
    /// `sorted: false` keeps the members' order, as Go keeps a struct's fields in order.
    static func marshal(_ value: JSON, sorted: Bool = true) -> [UInt8] {
        escaped(value.serializedBytes(JSONFormat(indent: 0, sortKeys: sorted, trailingNewline: false)), html: true)
    }

    /// httpbun's answer bodies (`json.Encoder`, 2-space indent, HTML escaping off): keys sorted,
    /// U+2028 and U+2029 still escaped, a final newline.
    static func pretty(_ value: JSON) -> [UInt8] {
        escaped(value.serializedBytes(JSONFormat(sortKeys: true)), html: false)
    }

    /// go-httpbin's answer bodies: httpbun's layout, with members in the order given (a Go
    /// struct's field order); its maps are built sorted by the caller.
    static func encoded(_ value: JSON) -> [UInt8] {
        escaped(value.serializedBytes(JSONFormat()), html: false)
    }

    /// JSON text with the escapes Go adds to ours. Such characters stand only inside strings, so
    /// replacing them in the text is replacing them in the strings.
    private static func escaped(_ bytes: [UInt8], html: Bool) -> [UInt8] {
        let needsWork = bytes.contains { byte in
            byte == 0xE2 || (html && (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")))
        }
        guard needsWork else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                output.append(contentsOf: Array(#"\u202"#.utf8) + [bytes[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")])
                index += 3
                continue
            }
            if html && (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")) {
                output.append(contentsOf: Array(#"\u00"#.utf8) + Array(Hex.encode([byte]).utf8))
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// `json.Marshal` of a value `json.Unmarshal` put in an `any`: its numbers became float64s and
    /// are written as Go writes those (`1.50` as `1.5`, `1e21` as `1e+21`).
    static func marshalAny(_ value: JSON) -> String {
        String(decoding: marshal(asFloats(value)), as: UTF8.self)
    }

    static func asFloats(_ value: JSON) -> JSON {
        switch value {
        case .number(let text): .number(GoFloat.marshal(Double(text) ?? 0))
        case .array(let items): .array(items.map(asFloats))
        case .object(let object): .object(JSONObject(object.entries.map { (key: $0.key, value: asFloats($0.value)) }))
        case .null, .bool, .string: value
        }
    }

    /// fmt's `%v` of a value `json.Unmarshal` put in an `any`: `<nil>`, `true`, numbers as
    /// float64s (`1e+06`), strings bare, `[a b]`, `map[key:value]` with keys sorted.
    static func print(_ value: JSON) -> String {
        switch value {
        case .null: "<nil>"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): GoFloat.print(Double(text) ?? 0)
        case .string(let text): text
        case .array(let items): "[" + items.map(print).joined(separator: " ") + "]"
        case .object(let object):
            "map["
                + object.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { $0.key + ":" + print($0.value) }.joined(separator: " ") + "]"
        }
    }
}

/// Go's float64 formats: `strconv.FormatFloat`'s shortest digits, laid out as `encoding/json`
/// (`Marshal`) and fmt (`%v`) lay them out.
enum GoFloat {
    /// The shortest digits that read back as `value`, without leading or trailing zeros, and where
    /// the point goes: `value` is `0.digits × 10^point` (Go's `decimalSlice`). Zero has no digits.
    static func decimal(_ value: Double) -> (negative: Bool, digits: [UInt8], point: Int) {
        // Swift's description is the shortest round-trip form too: `1e-07`, `123.45`, `1e+16`.
        var text = Array(abs(value).description.utf8)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
            text.removeSubrange(e...)
        }
        var point = text.firstIndex(of: UInt8(ascii: ".")) ?? text.count
        var digits = text.filter { $0 != UInt8(ascii: ".") }
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { point = 0 }
        return (value.sign == .minus, digits, point + exponent)
    }

    /// `encoding/json`'s float64: plain decimals, exponents below 1e-6 and from 1e21 (`1e-7`, `1e+21`).
    static func marshal(_ value: Double) -> String {
        let magnitude = abs(value)
        guard magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 else { return plain(value) }
        // Go cleans `e-07` to `e-7`; positive exponents here have two digits anyway.
        return exponential(value, minimumExponentDigits: 1)
    }

    /// fmt's `%v` of a float64 (`%g`, shortest): exponents below 1e-4 and from 1e+06.
    static func print(_ value: Double) -> String {
        let (_, digits, point) = decimal(value)
        let exponent = digits.isEmpty ? -1 : point - 1
        return exponent < -4 || exponent >= 6 ? exponential(value, minimumExponentDigits: 2) : plain(value)
    }

    /// `%f` with the shortest digits: `0.001`, `1500`, `-0`.
    private static func plain(_ value: Double) -> String {
        let (negative, digits, point) = decimal(value)
        var text = negative ? "-" : ""
        if point <= 0 {
            text += "0"
        } else {
            for index in 0..<point { text.append(index < digits.count ? Character(Unicode.Scalar(digits[index])) : "0") }
        }
        if digits.count > max(point, 0) {
            text += "."
            for index in point..<digits.count {
                text.append(index < 0 ? "0" : Character(Unicode.Scalar(digits[index])))
            }
        }
        return text
    }

    /// `%e` with the shortest digits: `1e+06`, `1.5e-07`.
    private static func exponential(_ value: Double, minimumExponentDigits: Int) -> String {
        let (negative, digits, point) = decimal(value)
        var text = negative ? "-" : ""
        let mantissa = digits.isEmpty ? [UInt8(ascii: "0")] : digits
        text += String(decoding: mantissa[..<1], as: UTF8.self)
        if mantissa.count > 1 { text += "." + String(decoding: mantissa[1...], as: UTF8.self) }
        let exponent = digits.isEmpty ? 0 : point - 1
        let magnitude = String(abs(exponent))
        text += (exponent < 0 ? "e-" : "e+") + String(repeating: "0", count: max(0, minimumExponentDigits - magnitude.count)) + magnitude
        return text
    }
}

/// `json.Unmarshal` into Go struct fields: keys matched to field names exactly or else without
/// case, each value checked against its field's Go type, the first mismatch kept as Go words it
/// (`json: cannot unmarshal number into Go struct field ChatMessage.messages.content of type
/// string`), and the rest still read. A `null` leaves a field as it was (a pointer, slice or `any`
/// becomes nil).
///
/// ```swift
/// var go = GoUnmarshal()
/// var model = ""
/// go.fields(of: value, type: "llm.Request", names: ["model"]) { go, _, value in go.decode(value, into: &model) }
/// go.error   // nil, or Go's message
/// ```
struct GoUnmarshal {
    private(set) var error: String?
    /// Go's error context: the struct whose field is being read, and the field names from the top.
    private var structName: String?
    private var fieldPath: [String] = []

    init() {}

    /// Reads `value` as a struct of Go type `type` (`llm.ChatMessage`) with JSON field `names`,
    /// calling `field` with each member that names one (its canonical name) in document order.
    mutating func fields(of value: JSON, type: String, names: [String], _ field: (inout GoUnmarshal, String, JSON) -> Void) {
        guard case .object(let object) = value else {
            if !value.isNull { fail(Self.kind(value), type) }
            return
        }
        let shortName = type.split(separator: ".").last.map(String.init) ?? type
        let folded = names.map(Self.fold)
        for (key, member) in object {
            guard let name = names.first(where: { $0 == key }) ?? folded.firstIndex(of: Self.fold(key)).map({ names[$0] }) else { continue }
            let (outerStruct, outerPath) = (structName, fieldPath)
            structName = shortName
            fieldPath.append(name)
            field(&self, name, member)
            (structName, fieldPath) = (outerStruct, outerPath)
        }
    }

    /// A `string` field.
    mutating func decode(_ value: JSON, into target: inout String) {
        switch value {
        case .string(let text): target = text
        case .null: break
        default: fail(Self.kind(value), "string")
        }
    }

    /// An `int` field: a number with no fraction or exponent that fits 64 bits.
    mutating func decode(_ value: JSON, into target: inout Int) {
        switch value {
        case .number(let text):
            if let number = Int(text) { target = number } else { fail("number " + text, "int") }
        case .null: break
        default: fail(Self.kind(value), "int")
        }
    }

    /// A `float64` field.
    mutating func decode(_ value: JSON, into target: inout Double) {
        switch value {
        case .number(let text):
            if let number = Double(text), number.isFinite { target = number } else { fail("number " + text, "float64") }
        case .null: break
        default: fail(Self.kind(value), "float64")
        }
    }

    /// A `bool` field.
    mutating func decode(_ value: JSON, into target: inout Bool) {
        switch value {
        case .bool(let flag): target = flag
        case .null: break
        default: fail(Self.kind(value), "bool")
        }
    }

    /// An `any` field: any value, nil for `null`; a number too large for a float64 is Go's error.
    mutating func decode(_ value: JSON, into target: inout JSON?) {
        // Not `value.isNull ? nil : value`: JSON takes `nil` as a literal, and that would be `.null`.
        if value.isNull { target = nil } else { target = value }
        checkFloats(value)
    }

    private mutating func checkFloats(_ value: JSON) {
        switch value {
        case .number(let text): if !(Double(text)?.isFinite ?? false) { fail("number " + text, "float64") }
        case .array(let items): for item in items { checkFloats(item) }
        case .object(let object): for (_, member) in object { checkFloats(member) }
        case .null, .bool, .string: break
        }
    }

    /// A slice field of Go type `[]elementType`: elements are read into the slice's old elements
    /// where there are some (as Go does), else into `empty`.
    mutating func decode<Element>(
        _ value: JSON, into target: inout [Element]?, elementType: String, empty: Element,
        _ element: (inout GoUnmarshal, JSON, inout Element) -> Void
    ) {
        switch value {
        case .array(let items):
            let old = target ?? []
            target = items.enumerated().map { index, item in
                var decoded = index < old.count ? old[index] : empty
                element(&self, item, &decoded)
                return decoded
            }
        case .null: target = nil
        default: fail(Self.kind(value), "[]" + elementType)
        }
    }

    /// A pointer-to-struct field: nil for `null`, else the struct, made when missing.
    mutating func decode<Pointee>(
        _ value: JSON, into target: inout Pointee?, empty: Pointee, _ pointee: (inout GoUnmarshal, JSON, inout Pointee) -> Void
    ) {
        guard !value.isNull else {
            target = nil
            return
        }
        var decoded = target ?? empty
        pointee(&self, value, &decoded)
        target = decoded
    }

    private mutating func fail(_ value: String, _ type: String) {
        guard error == nil else { return }
        if let structName {
            error = "json: cannot unmarshal \(value) into Go struct field \(structName).\(fieldPath.joined(separator: ".")) of type \(type)"
        } else {
            error = "json: cannot unmarshal \(value) into Go value of type \(type)"
        }
    }

    /// How Go names a JSON value that does not fit (numbers get their text where they are parsed).
    private static func kind(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Go's `foldName`: ASCII letters in upper case, and the two non-ASCII letters that fold to
    /// ASCII ones (U+017F `ſ` to `S`, U+212A Kelvin `K` to `K`); other letters fold only to letters
    /// no field name here has.
    static func fold(_ name: String) -> [Unicode.Scalar] {
        name.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x61...0x7A: Unicode.Scalar(scalar.value - 0x20)!
            case 0x17F: "S"
            case 0x212A: "K"
            default: scalar
            }
        }
    }
}
