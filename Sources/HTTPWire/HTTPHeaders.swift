/// Header fields in wire order, looked up case-insensitively (names are ASCII tokens), repeats
/// kept: the one multimap both products use, the server for requests and responses, the
/// `Requests` client as `Headers`.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json"]
/// headers.add("Set-Cookie", "a=1")
/// headers.add("Set-Cookie", "b=2")
/// headers["content-type"]            // "application/json"
/// headers["set-cookie"]              // "a=1, b=2": every value, joined as RFC 9110 §5.3 combines them
/// headers.first("set-cookie")        // "a=1"
/// headers.values(for: "set-cookie")  // ["a=1", "b=2"]
/// headers["Accept"] = nil            // removes every Accept field
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        @inlinable
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in the order they were added, names as written.
    public var fields: [Field] { storage }
    // The server's hot path calls these methods from other modules on every request: they are
    // inlinable, so the storage they reach is usable from inlinable code.
    @usableFromInline var storage: [Field]

    @inlinable public init() { storage = [] }
    /// Empty, with room for `capacity` fields before the storage grows.
    @inlinable
    public init(reservingCapacity capacity: Int) {
        storage = []
        storage.reserveCapacity(capacity)
    }
    /// Fields from name-value pairs, keeping repeats and order.
    public init(_ pairs: [(String, String)]) {
        // Room for the few fields that are usually added next (CORS on every response), without a regrowth.
        storage = []
        storage.reserveCapacity(pairs.count + 4)
        for (name, value) in pairs { storage.append(Field(name: name, value: value)) }
    }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// All values of `name` joined by ", " (RFC 9110 §5.3, and what python requests shows), or nil
    /// when absent. Setting replaces every field of that name at the place of the first; nil removes them.
    public subscript(name: String) -> String? {
        @inlinable get {
            var found: String?
            for field in storage where field.name.equalsASCIICaseInsensitive(name) {
                if let earlier = found { found = earlier + ", " + field.value } else { found = field.value }
            }
            return found
        }
        set {
            if let newValue { set(name, newValue) } else { remove(name) }
        }
    }

    /// The first value of `name`, as Go's `Header.Get` and werkzeug's `headers.get` read one.
    @inlinable
    public func first(_ name: String) -> String? {
        for field in storage where field.name.equalsASCIICaseInsensitive(name) { return field.value }
        return nil
    }

    /// Every value of `name`, in wire order.
    @inlinable
    public func values(for name: String) -> [String] {
        storage.compactMap { $0.name.equalsASCIICaseInsensitive(name) ? $0.value : nil }
    }

    /// Every value of each of two names, in wire order, from one pass over the fields.
    @inlinable
    public func values(for first: String, _ second: String) -> (first: [String], second: [String]) {
        var values: (first: [String], second: [String]) = ([], [])
        for index in storage.indices {
            if storage[index].name.equalsASCIICaseInsensitive(first) {
                values.first.append(storage[index].value)
            } else if storage[index].name.equalsASCIICaseInsensitive(second) {
                values.second.append(storage[index].value)
            }
        }
        return values
    }

    /// Whether a field named `name` exists.
    @inlinable
    public func contains(_ name: String) -> Bool {
        storage.contains { $0.name.equalsASCIICaseInsensitive(name) }
    }

    /// Appends a value, keeping the ones already there. The strings move into the fields, so the
    /// server's header reader does not retain and release each one.
    @inlinable
    public mutating func add(_ name: consuming String, _ value: consuming String) {
        storage.append(Field(name: name, value: value))
    }

    /// Replaces every value of `name` by one value, at the place of the first.
    public mutating func set(_ name: String, _ value: String) {
        if let first = storage.firstIndex(where: { $0.name.equalsASCIICaseInsensitive(name) }) {
            storage[first].value = value
            var index = storage.index(after: first)
            while index < storage.endIndex {
                if storage[index].name.equalsASCIICaseInsensitive(name) { storage.remove(at: index) } else { index += 1 }
            }
        } else {
            add(name, value)
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        storage.removeAll { $0.name.equalsASCIICaseInsensitive(name) }
    }

    /// Replaces, name by name, the fields of `self` with those of `other` (python's `dict.update`).
    public mutating func update(_ other: HTTPHeaders) {
        var replaced: [String] = []
        for field in other.fields {
            if !replaced.contains(where: { $0.equalsASCIICaseInsensitive(field.name) }) {
                remove(field.name)
                replaced.append(field.name)
            }
            add(field.name, field.value)
        }
    }

    /// `self` updated with `other`.
    public func updating(_ other: HTTPHeaders) -> HTTPHeaders {
        var copy = self
        copy.update(other)
        return copy
    }

    @inlinable public func makeIterator() -> IndexingIterator<[Field]> { storage.makeIterator() }

    /// One `Name: value` line per field.
    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    /// Whether both hold the same fields, written the same way: the test `==` makes first, without
    /// its case folding (a response still carrying a shared constant's fields, say).
    @inlinable
    public func hasIdenticalFields(to other: HTTPHeaders) -> Bool { storage == other.storage }

    /// Equal when the same names (ignoring ASCII case) carry the same values in the same order.
    @inlinable
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        // Fields equal as written (the same storage, most often: a shared constant) need no case folding.
        if lhs.storage == rhs.storage { return true }
        return lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name.equalsASCIICaseInsensitive($1.name) && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name.asciiLowercased)
            hasher.combine(field.value)
        }
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, as header names and tokens are compared.
    @inlinable
    public func equalsASCIICaseInsensitive<Other: StringProtocol>(_ other: Other) -> Bool {
        // Header lookups compare against every field: most differ in length, which costs nothing to see.
        guard utf8.count == other.utf8.count else { return false }
        // Native and small strings lend contiguous bytes; comparing buffers beats two UTF-8 iterators.
        let contiguous = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in ASCIICase.equal(left, right) }
        }
        if let answer = contiguous ?? nil { return answer }
        return utf8.elementsEqual(other.utf8) { $0 == $1 || $0.asciiLowercased == $1.asciiLowercased }
    }

    /// The string with ASCII letters lower-cased; other characters untouched.
    public var asciiLowercased: String {
        String(decoding: utf8.map(\.asciiLowercased), as: UTF8.self)
    }

    /// Header-name canonical form, as Go writes it: `x-custom-header` → `X-Custom-Header`.
    @inlinable
    public var canonicalHeaderName: String {
        let canonical = utf8.withContiguousStorageIfAvailable { ASCIICase.canonicalHeaderName($0) }
            ?? Array(utf8).withUnsafeBufferPointer { ASCIICase.canonicalHeaderName($0) }
        // Most clients already send canonical names (Host, User-Agent): those come back without a copy.
        return canonical ?? String(self)
    }
}

/// The byte loops behind the header-name helpers, over contiguous bytes.
public enum ASCIICase {
    @inlinable
    public static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        for index in 0..<left.count {
            let a = left[index]
            let b = right[index]
            if a != b && a.asciiLowercased != b.asciiLowercased { return false }
        }
        return true
    }

    /// The canonical form of a header name, or nil when `bytes` already are canonical or are not a
    /// token (Go leaves a name with a space or other non-token byte as it is).
    @inlinable
    public static func canonicalHeaderName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var upperNext = true
        var changes = false
        for byte in bytes {
            if byte < 0x21 || byte > 0x7E { return nil }
            changes = changes || (upperNext ? (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) : (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")))
            upperNext = byte == UInt8(ascii: "-")
        }
        guard changes else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { output in
            upperNext = true
            for (index, byte) in bytes.enumerated() {
                if upperNext, byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") {
                    output[index] = byte - 32
                } else if !upperNext, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                    output[index] = byte + 32
                } else {
                    output[index] = byte
                }
                upperNext = byte == UInt8(ascii: "-")
            }
            return bytes.count
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether both hold the same bytes: names, path segments and keys compared as bytes, as
    /// httpbin and Go compare them (Swift's `String ==` is canonical equivalence).
    @inlinable
    public func sameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        // Eight bytes at a time, then the rest: what memcmp does for short keys, without Glibc.
        var offset = 0
        if let left = baseAddress, let right = other.baseAddress {
            let raw = (UnsafeRawPointer(left), UnsafeRawPointer(right))
            while offset + 8 <= count {
                if raw.0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != raw.1.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                offset += 8
            }
        }
        while offset < count {
            if self[offset] != other[offset] { return false }
            offset += 1
        }
        return true
    }
}

extension String {
    /// Whether both hold the same UTF-8 bytes: `==` treats "é" and "e\u{301}" as equal, and they
    /// are different names, keys and URLs.
    @inlinable
    public func sameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Native and small strings lend contiguous bytes; only a bridged string has none.
        let compared = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in left.sameBytes(as: right) }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}

extension UInt8 {
    @inlinable
    public var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self + 32 : self }
}
