import HTTPWire

/// A parsed `Content-Type` (or `Accept` item): `type/subtype; name=value; ...`.
///
/// ```swift
/// let type = MediaType.parse("multipart/form-data; BOUNDARY=\"a b\"; charset=utf-8")
/// type.essence               // "multipart/form-data"
/// type.parameter("boundary") // "a b"
/// ```
struct MediaType: Sendable, Hashable {
    /// `type/subtype`, lower-cased, without parameters.
    public var essence: String
    /// Parameters in order; names lower-cased, values unquoted.
    public var parameters: [(name: String, value: String)]

    public static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.essence == rhs.essence && lhs.parameters.elementsEqual(rhs.parameters, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(essence) }

    public func parameter(_ name: String) -> String? {
        let lowered = Self.lowercased(name.utf8)
        for parameter in parameters where parameter.name == lowered { return parameter.value }
        return nil
    }

    /// `application/json` and every `+json` type.
    public var isJSON: Bool { essence == "application/json" || essence.hasSuffix("+json") }

    /// Parses leniently: whitespace around tokens is allowed, a quoted value may hold `;` and
    /// backslash escapes, a parameter without `=` is skipped.
    public static func parse<Text: StringProtocol>(_ text: Text) -> MediaType {
        let bytes = Array(text.utf8)
        var index = 0
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        skipSpaces()
        let essenceStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
        var essenceEnd = index
        while essenceEnd > essenceStart, bytes[essenceEnd - 1] == 0x20 || bytes[essenceEnd - 1] == 0x09 { essenceEnd -= 1 }
        let essence = lowercased(bytes[essenceStart..<essenceEnd])
        var parameters: [(name: String, value: String)] = []
        while index < bytes.count {
            index += 1  // ';'
            skipSpaces()
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            var nameEnd = index
            while nameEnd > nameStart, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
            let name = lowercased(bytes[nameStart..<nameEnd])
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            skipSpaces()
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    value.append(bytes[index])
                    index += 1
                }
                index += 1  // closing quote
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            } else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
                    value.append(bytes[index])
                    index += 1
                }
                while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
            }
            if !name.isEmpty { parameters.append((name, String(decoding: value, as: UTF8.self))) }
        }
        return MediaType(essence: essence, parameters: parameters)
    }

    /// ASCII letters lower-cased, by hand: this runs for every header of every multipart part,
    /// and debug builds make a `map` with a key path slow.
    private static func lowercased<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var lowered = Array(bytes)
        for index in lowered.indices where lowered[index] >= 0x41 && lowered[index] <= 0x5A { lowered[index] += 32 }
        return String(decoding: lowered, as: UTF8.self)
    }
}
