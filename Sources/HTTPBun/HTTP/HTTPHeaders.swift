/// Header fields in wire order, looked up case-insensitively, repeats kept.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json"]
/// headers.add("Set-Cookie", "a=1")
/// headers.add("Set-Cookie", "b=2")
/// headers["content-type"]            // "application/json"
/// headers.values(for: "set-cookie")  // ["a=1", "b=2"]
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }
    /// Empty, with room for `capacity` fields before the storage grows.
    public init(reservingCapacity capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }
    public init(_ pairs: [(String, String)]) {
        // Room for the few fields that are usually added next (CORS on every response), without a regrowth.
        fields = []
        fields.reserveCapacity(pairs.count + 4)
        for (name, value) in pairs { fields.append(Field(name: name, value: value)) }
    }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of `name`; setting replaces every value of it (nil removes them).
    public subscript(name: String) -> String? {
        get {
            for field in fields where field.name.equalsASCIICaseInsensitive(name) { return field.value }
            return nil
        }
        set {
            if let newValue { set(name, newValue) } else { remove(name) }
        }
    }

    /// Every value of `name`, in wire order.
    public func values(for name: String) -> [String] {
        fields.compactMap { $0.name.equalsASCIICaseInsensitive(name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.equalsASCIICaseInsensitive(name) }
    }

    /// Appends a value, keeping the ones already there.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every value of `name` by one value, at the place of the first.
    public mutating func set(_ name: String, _ value: String) {
        if let first = fields.firstIndex(where: { $0.name.equalsASCIICaseInsensitive(name) }) {
            fields[first].value = value
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if fields[index].name.equalsASCIICaseInsensitive(name) { fields.remove(at: index) } else { index += 1 }
            }
        } else {
            add(name, value)
        }
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsASCIICaseInsensitive(name) }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, as header names and tokens are compared.
    @inlinable
    public func equalsASCIICaseInsensitive<Other: StringProtocol>(_ other: Other) -> Bool {
        // Header lookups compare against every field: most differ in length, which costs nothing to see.
        guard utf8.count == other.utf8.count else { return false }
        var left = utf8.makeIterator()
        var right = other.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (a?, b?):
                if a != b && a.asciiLowercased != b.asciiLowercased { return false }
            default: return false
            }
        }
    }

    /// The string with ASCII letters lower-cased; other characters untouched.
    public var asciiLowercased: String {
        String(decoding: utf8.map(\.asciiLowercased), as: UTF8.self)
    }

    /// Header-name canonical form, as Go writes it: `x-custom-header` → `X-Custom-Header`.
    public var canonicalHeaderName: String {
        // Most clients already send canonical names (Host, User-Agent): return those without a copy.
        var canonical = true
        var upperFirst = true
        for byte in utf8 {
            if byte == UInt8(ascii: " ") || byte < 0x21 || byte > 0x7E { return String(self) }
            if upperFirst ? (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) : (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
                canonical = false
                break
            }
            upperFirst = byte == UInt8(ascii: "-")
        }
        if canonical { return String(self) }
        var upperNext = true
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        for byte in utf8 {
            // Go leaves a name with a space or other non-token byte as it is.
            if byte == UInt8(ascii: " ") || byte < 0x21 || byte > 0x7E { return String(self) }
            if upperNext, byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") {
                bytes.append(byte - 32)
            } else if !upperNext, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                bytes.append(byte + 32)
            } else {
                bytes.append(byte)
            }
            upperNext = byte == UInt8(ascii: "-")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UInt8 {
    @inlinable
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self + 32 : self }
}
