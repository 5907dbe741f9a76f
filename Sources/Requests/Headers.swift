/// HTTP header fields: ordered, case-insensitive by name, and able to hold one name several times.
///
/// ```swift
/// var headers: Headers = ["User-Agent": "MyBot", "Accept": "application/json"]
/// headers["user-agent"]            // "MyBot": names match whatever their case
/// headers.add("Accept", "text/plain")
/// headers.values(for: "accept")    // ["application/json", "text/plain"]
/// headers["Accept"] = nil          // removes every Accept field
/// ```
public struct Headers: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The fields in the order they were added, names as written.
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    /// Headers from name-value pairs, keeping repeats and order.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Headers holding `fields` as they are, for a transport converting its own header type in one go.
    init(fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// All values of `name` joined by ", " (as requests and RFC 9110 do), or `nil` when absent.
    /// Setting replaces every field of that name; setting `nil` removes them.
    public subscript(name: String) -> String? {
        get {
            let values = values(for: name)
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
        set {
            if let newValue {
                if let first = fields.firstIndex(where: { Self.same($0.name, name) }) {
                    fields[first].value = newValue
                    var index = fields.index(after: first)
                    while index < fields.endIndex {
                        if Self.same(fields[index].name, name) { fields.remove(at: index) } else { index += 1 }
                    }
                } else {
                    fields.append((name: name, value: newValue))
                }
            } else {
                remove(name)
            }
        }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.same($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` exists.
    public func contains(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }

    /// Adds a field, keeping any existing fields of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) { fields.removeAll { Self.same($0.name, name) } }

    /// Replaces, name by name, the fields of `self` with those of `other` (like `dict.update`).
    public mutating func update(_ other: Headers) {
        var replaced = Set<String>()
        for field in other.fields {
            let key = field.name.lowercased()
            if !replaced.contains(key) {
                remove(field.name)
                replaced.insert(key)
            }
            add(field.name, field.value)
        }
    }

    /// `self` updated with `other`.
    public func updating(_ other: Headers) -> Headers {
        var copy = self
        copy.update(other)
        return copy
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    /// Equal when the same names (ignoring case) carry the same values in the same order.
    public static func == (lhs: Headers, rhs: Headers) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { same($0.name, $1.name) && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name.lowercased())
            hasher.combine(field.value)
        }
    }

    /// Whether two names are equal ignoring case. Runs several times per request and per header, so
    /// ASCII names (all real ones) are compared byte by byte instead of lowercasing both.
    static func same(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var seen: UInt8 = 0   // every byte so far, OR-ed: >= 0x80 once any was outside ASCII
        for (x, y) in zip(a.utf8, b.utf8) {
            seen |= x | y
            if x == y { continue }
            let lower = x | 0x20
            if lower == y | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") { continue }
            // Not an ASCII case pair. After an all-ASCII prefix the lowercased names differ right here;
            // after anything else, case mapping is Unicode's: ask it.
            return seen >= 0x80 && a.lowercased() == b.lowercased()
        }
        return true
    }
}
