/// A JSON value that keeps what a client sent: object keys in their order, numbers as written.
///
/// Both products speak it: the server builds its echo objects from it, and the client returns it
/// from `Response.json()`.
///
/// ```swift
/// let value: JSON = ["id": 1, "tags": ["a", "b"], "ok": true, "note": nil]
/// value["tags"]?[0]?.stringValue          // "a"
/// print(value.serialized())               // pretty, 2-space indent, keys in order
/// let parsed = try JSON.parse(#"{"a": 1.50}"#)
/// parsed["a"]?.numberText                 // "1.50": numbers are kept as written
/// ```
public enum JSON: Sendable {
    case null
    case bool(Bool)
    /// A number, kept as its JSON text so that `1`, `1.0` and `1e3` echo exactly as they came.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

/// An ordered JSON object. Keys keep their insertion order; setting an existing key replaces it in place.
///
/// ```swift
/// var object = JSONObject()
/// object["b"] = 1
/// object["a"] = "x"
/// object.keys     // ["b", "a"]
/// ```
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: JSON)]

    public init() { entries = [] }

    /// Later entries with an already-seen key replace the earlier value in its place.
    public init(_ entries: [(key: String, value: JSON)]) {
        self.entries = Self.deduplicated(entries)
    }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Reads or writes a key. Writing `nil` removes it.
    ///
    /// Keys are compared by their Unicode scalars, not by Swift's canonical equivalence: `"é"` written
    /// precomposed and `"e\u{301}"` are two keys, as they are two keys in JSON text.
    public subscript(key: String) -> JSON? {
        get {
            for entry in entries where ExactKey.equal(entry.key, key) { return entry.value }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { ExactKey.equal($0.key, key) }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key: key, value: newValue))
            }
        }
    }

    /// Appends without looking for an existing key: for builders that already know keys are unique.
    public mutating func appendUnchecked(_ key: String, _ value: JSON) {
        entries.append((key: key, value: value))
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> {
        entries.makeIterator()
    }

    /// Equality ignores key order, as JSON's does.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        if lhs.entries.count <= linearLookupLimit {
            for entry in lhs.entries where rhs[entry.key] != entry.value { return false }
            return true
        }
        // Large objects: an index keeps this linear rather than quadratic.
        var rightIndex: [ExactKey: Int] = [:]
        rightIndex.reserveCapacity(rhs.entries.count)
        for (index, entry) in rhs.entries.enumerated() { rightIndex[ExactKey(entry.key)] = index }
        for entry in lhs.entries {
            guard let index = rightIndex[ExactKey(entry.key)], rhs.entries[index].value == entry.value else { return false }
        }
        return true
    }

    /// Up to this many entries, looking a key up by scanning beats hashing.
    static let linearLookupLimit = 16

    /// `entries` with duplicate keys merged: the last value wins, in the first one's place.
    /// Linear, so that a hostile object with many keys cannot make a parse quadratic.
    static func deduplicated(_ entries: [(key: String, value: JSON)]) -> [(key: String, value: JSON)] {
        var unique: [(key: String, value: JSON)] = []
        unique.reserveCapacity(entries.count)
        if entries.count <= linearLookupLimit {
            for entry in entries {
                if let index = unique.firstIndex(where: { ExactKey.equal($0.key, entry.key) }) {
                    unique[index].value = entry.value
                } else {
                    unique.append(entry)
                }
            }
            return unique
        }
        var positions: [ExactKey: Int] = [:]
        positions.reserveCapacity(entries.count)
        for entry in entries {
            let key = ExactKey(entry.key)
            if let index = positions[key] {
                unique[index].value = entry.value
            } else {
                positions[key] = unique.count
                unique.append(entry)
            }
        }
        return unique
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var combined = 0
        for entry in entries {
            var entryHasher = Hasher()
            entryHasher.combine(entry.key)
            entryHasher.combine(entry.value)
            combined ^= entryHasher.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}

extension JSON: Hashable {
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (Double(a) != nil && Double(a) == Double(b))
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let text): hasher.combine(Double(text) ?? .nan)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let object): hasher.combine(object)
        }
    }
}

/// An object key compared and hashed by its UTF-8 bytes (that is, by Unicode scalars), as JSON
/// compares member names, rather than by Swift's canonical equivalence.
struct ExactKey: Hashable {
    var key: String

    init(_ key: String) { self.key = key }

    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8)
    }

    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { equal(lhs.key, rhs.key) }

    func hash(into hasher: inout Hasher) {
        var key = key
        key.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

// MARK: - Building values

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(floatLiteral value: Double) { self = JSON(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }

    /// An integer number.
    public init<Integer: BinaryInteger>(_ value: Integer) { self = .number(String(value)) }

    /// A floating-point number; integral values print without a fraction (`2.0` as `2`), and
    /// non-finite values, which JSON cannot carry, become `null`.
    public init(_ value: Double) {
        guard value.isFinite else {
            self = .null
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            self = .number(String(Int64(value)))
        } else {
            self = .number(String(value))
        }
    }
}

// MARK: - Reading values

extension JSON {
    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSON? {
        if case .array(let values) = self, values.indices.contains(index) { return values[index] }
        return nil
    }

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var arrayValue: [JSON]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    /// The number exactly as written.
    public var numberText: String? { if case .number(let text) = self { text } else { nil } }
    public var doubleValue: Double? { numberText.flatMap { Double($0) } }
    /// The number as an `Int` when it is integral and fits.
    public var intValue: Int? {
        guard let text = numberText else { return nil }
        if let exact = Int(text) { return exact }
        if let double = Double(text), double == double.rounded(), abs(double) < 9.0e18 { return Int(double) }
        return nil
    }
}
