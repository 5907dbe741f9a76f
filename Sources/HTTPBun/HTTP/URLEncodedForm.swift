/// `application/x-www-form-urlencoded` bodies and query strings.
public enum URLEncodedForm {
    /// Pairs in wire order, decoded (`+` is a space, `%HH` a byte). A key without `=` has the value
    /// `""`; empty segments (`a=1&&b=2`) are skipped; malformed escapes are kept as written. Never fails.
    ///
    /// ```swift
    /// URLEncodedForm.parse("a=1&a=2&flag".utf8)   // [("a","1"), ("a","2"), ("flag","")]
    /// ```
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [(name: String, value: String)] {
        // Indexing a buffer is several times cheaper than a substring's UTF-8 view: every query goes here.
        if let pairs = bytes.withContiguousStorageIfAvailable({ parseBytes($0) }) { return pairs }
        return parseBytes(bytes)
    }

    private static func parseBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        // One allocation for every pair, where growing by appends made one per doubling.
        var separators = 0
        for byte in bytes where byte == UInt8(ascii: "&") { separators += 1 }
        pairs.reserveCapacity(separators + 1)
        var segmentStart = bytes.startIndex
        var index = bytes.startIndex
        while true {
            let atEnd = index == bytes.endIndex
            if atEnd || bytes[index] == UInt8(ascii: "&") {
                if segmentStart != index {
                    let segment = bytes[segmentStart..<index]
                    if let equals = segment.firstIndex(of: UInt8(ascii: "=")) {
                        pairs.append((
                            PercentDecoding.decode(bytes: segment[segmentStart..<equals], plusAsSpace: true),
                            PercentDecoding.decode(bytes: segment[segment.index(after: equals)...], plusAsSpace: true)
                        ))
                    } else {
                        pairs.append((PercentDecoding.decode(bytes: segment, plusAsSpace: true), ""))
                    }
                }
                if atEnd { break }
                segmentStart = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        return pairs
    }

    /// Encodes pairs as a form body or query string.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encodeComponent($0.0) + "=" + encodeComponent($0.1) }.joined(separator: "&")
    }

    static func encodeComponent(_ text: String) -> String {
        PercentDecoding.encode(text).replacingSpaceEscapes()
    }
}

extension String {
    fileprivate func replacingSpaceEscapes() -> String {
        guard contains("%20") else { return self }
        return split(separator: "%20", omittingEmptySubsequences: false).joined(separator: "+")
    }
}
