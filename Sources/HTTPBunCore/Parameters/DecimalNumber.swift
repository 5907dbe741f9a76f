import HTTPWire

/// Numbers as clients write them in paths and query arguments: plain decimal only.
///
/// `Int(_:)` also takes `+5`, and `Double(_:)` takes `0x10`, `1e3`, `nan` and `inf`; left to them,
/// `/redirect/+2` was served while `/bytes/+2` was refused. Every endpoint reads numbers here.
///
/// ```swift
/// DecimalNumber.whole("42")       // 42
/// DecimalNumber.whole("+42")      // nil
/// DecimalNumber.decimal("0.25")   // 0.25
/// DecimalNumber.decimal("1e3")    // nil
/// ```
enum DecimalNumber {
    /// True for one or more ASCII digits and nothing else.
    public static func isDigits<Text: StringProtocol>(_ text: Text) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A whole number written with digits only; nil for anything else, or when it does not fit in `Int`.
    public static func whole<Text: StringProtocol>(_ text: Text) -> Int? {
        isDigits(text) ? Int(text) : nil
    }

    /// A number such as `1`, `0.25` or `-1`: an optional minus, digits, at most one point with
    /// digits on at least one side; nil for exponents, hex, `nan`, `inf` or a plus sign.
    public static func decimal<Text: StringProtocol>(_ text: Text) -> Double? {
        var body = Substring(text)
        if body.hasPrefix("-") { body = body.dropFirst() }
        let pieces = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.allSatisfy({ $0.isEmpty || isDigits($0) }), pieces.contains(where: { !$0.isEmpty }),
            !body.hasSuffix(".") || pieces.count == 1 || !pieces[0].isEmpty
        else { return nil }
        return Double(text)
    }
}
