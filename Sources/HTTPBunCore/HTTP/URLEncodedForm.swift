import HTTPWire

/// `application/x-www-form-urlencoded` bodies and query strings.
enum URLEncodedForm {
    /// Pairs in wire order, decoded (`+` is a space, `%HH` a byte). A key without `=` has the value
    /// `""`; empty segments (`a=1&&b=2`) are skipped; malformed escapes are kept as written. Never fails.
    ///
    /// ```swift
    /// URLEncodedForm.parse("a=1&a=2&flag".utf8)   // [("a","1"), ("a","2"), ("flag","")]
    /// ```
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [(name: String, value: String)] {
        // Indexing a buffer is cheaper than indexing a substring's UTF-8 view, and every query goes here.
        if let pairs = bytes.withContiguousStorageIfAvailable({ parseBytes($0) }) { return pairs }
        return Array(bytes).withUnsafeBufferPointer { parseBytes($0) }
    }

    private static func parseBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        // One allocation for every pair, where growing by appends made one per doubling.
        pairs.reserveCapacity(bytes.count { $0 == UInt8(ascii: "&") } + 1)
        forEachPair(in: bytes) { name, value in
            pairs.append((PercentCoding.decode(bytes: bytes[name], plusAsSpace: true), PercentCoding.decode(bytes: bytes[value], plusAsSpace: true)))
        }
        return pairs
    }

    /// Where each pair's name and value lie in `bytes`, in wire order, still encoded: `&` between
    /// pairs, empty segments skipped, the value after the first `=` (empty when there is none). The
    /// one split behind `parse` and the echo's writing of a query from its bytes.
    @inline(__always)
    static func forEachPair(in bytes: UnsafeBufferPointer<UInt8>, _ body: (_ name: Range<Int>, _ value: Range<Int>) -> Void) {
        var start = 0
        var equals = -1
        for index in 0...bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: "&") {
                if index > start {
                    let nameEnd = equals >= 0 ? equals : index
                    body(start..<nameEnd, min(nameEnd + 1, index)..<index)
                }
                start = index + 1
                equals = -1
            } else if equals < 0 && bytes[index] == UInt8(ascii: "=") {
                equals = index
            }
        }
    }

    /// Encodes pairs as a form body or query string.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encodeComponent($0.0) + "=" + encodeComponent($0.1) }.joined(separator: "&")
    }

    static func encodeComponent(_ text: String) -> String {
        PercentCoding.encode(text).replacingSpaceEscapes()
    }
}

extension String {
    fileprivate func replacingSpaceEscapes() -> String {
        guard contains("%20") else { return self }
        return split(separator: "%20", omittingEmptySubsequences: false).joined(separator: "+")
    }
}
