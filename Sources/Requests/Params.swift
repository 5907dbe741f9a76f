import Foundation
import HTTPWire

/// One value in query parameters or form data: a string, a number, a flag, or several values for one key.
///
/// ```swift
/// let params: Params = ["q": "swift", "page": 2, "tag": ["a", "b"], "debug": true]
/// // q=swift&page=2&tag=a&tag=b&debug=true
/// ```
public enum ParamValue: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    case one(String)
    case many([String])

    public init(stringLiteral value: String) { self = .one(value) }
    public init(integerLiteral value: Int) { self = .one(String(value)) }
    public init(floatLiteral value: Double) { self = .one(String(value)) }
    public init(booleanLiteral value: Bool) { self = .one(value ? "true" : "false") }
    public init(arrayLiteral elements: String...) { self = .many(elements) }
    /// Any value by its description, e.g. `ParamValue(userID)`.
    public init(_ value: some CustomStringConvertible) { self = .one(value.description) }

    var values: [String] {
        switch self {
        case .one(let value): [value]
        case .many(let values): values
        }
    }
}

/// Anything that can be a query or form value: strings, numbers, flags, and arrays of them (one pair
/// per element). Variables work as well as literals: `["q": query, "page": page]`.
public protocol ParamConvertible: Sendable {
    /// The value(s) to send for one key.
    var paramValues: [String] { get }
}

extension String: ParamConvertible { public var paramValues: [String] { [self] } }
extension Substring: ParamConvertible { public var paramValues: [String] { [String(self)] } }
extension Int: ParamConvertible { public var paramValues: [String] { [String(self)] } }
extension Int64: ParamConvertible { public var paramValues: [String] { [String(self)] } }
extension UInt: ParamConvertible { public var paramValues: [String] { [String(self)] } }
extension Double: ParamConvertible { public var paramValues: [String] { [String(self)] } }
extension Bool: ParamConvertible { public var paramValues: [String] { [self ? "true" : "false"] } }
extension ParamValue: ParamConvertible { public var paramValues: [String] { values } }
extension Array: ParamConvertible where Element: ParamConvertible {
    public var paramValues: [String] { flatMap(\.paramValues) }
}
extension Optional: ParamConvertible where Wrapped: ParamConvertible {
    /// `nil` sends nothing for the key, as requests drops `None` values.
    public var paramValues: [String] { self?.paramValues ?? [] }
}

/// Ordered key-value pairs, keys allowed to repeat: query parameters and urlencoded forms.
///
/// ```swift
/// let params: Params = ["q": "python", "page": 2]
/// params.encoded()                        // "q=python&page=2"
/// let repeated: Params = ["a": ["1", "2"]] // a=1&a=2
/// let pairs = Params([("a", "1"), ("a", "2")])
/// ```
public struct Params: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The pairs in order.
    public private(set) var pairs: [(key: String, value: String)]

    public init() { pairs = [] }
    public init(_ pairs: [(String, String)]) { self.pairs = pairs.map { (key: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, any ParamConvertible)...) {
        pairs = elements.flatMap { key, value in value.paramValues.map { (key: key, value: $0) } }
    }

    public mutating func add(_ key: String, _ value: String) { pairs.append((key: key, value: value)) }

    /// The value(s) for `key` as `ParamValue`; setting replaces every pair with that key.
    public subscript(key: String) -> ParamValue? {
        get {
            let values = pairs.filter { $0.key == key }.map(\.value)
            if values.isEmpty { return nil }
            return values.count == 1 ? .one(values[0]) : .many(values)
        }
        set {
            let position = pairs.firstIndex { $0.key == key } ?? pairs.endIndex
            pairs.removeAll { $0.key == key }
            guard let newValue else { return }
            let insertAt = Swift.min(position, pairs.endIndex)
            pairs.insert(contentsOf: newValue.values.map { (key: key, value: $0) }, at: insertAt)
        }
    }

    /// Keys of `other` replace those of `self`; new keys are appended.
    public func merging(_ other: Params) -> Params {
        var result = self
        let overridden = Set(other.pairs.map(\.key))
        result.pairs.removeAll { overridden.contains($0.key) }
        result.pairs.append(contentsOf: other.pairs)
        return result
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var count: Int { pairs.count }
    public func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { pairs.makeIterator() }

    public static func == (lhs: Params, rhs: Params) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0 == $1 }
    }
    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }

    /// `application/x-www-form-urlencoded` text: unreserved characters kept, space as `+`, the rest `%XX`.
    public func encoded() -> String {
        pairs.map { FormEncoding.escape($0.key) + "=" + FormEncoding.escape($0.value) }.joined(separator: "&")
    }
}

/// The client's two uses of the shared percent-encoder.
enum FormEncoding {
    /// A form or query key or value: RFC 3986's unreserved bytes kept, a space as `+`.
    static func escape(_ text: String) -> String { PercentCoding.encode(text, spaceAsPlus: true) }

    /// Percent-encodes the characters a URL may not carry (space, non-ASCII, quotes...) and leaves
    /// valid `%XX` escapes and reserved characters alone, so a URL is never encoded twice.
    static func requote(_ text: String) -> String {
        PercentCoding.encode(text, keeping: PercentCoding.isURLByte, keepingEscapes: true)
    }
}
