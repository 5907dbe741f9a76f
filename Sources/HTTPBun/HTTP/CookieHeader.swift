/// The request `Cookie` header (RFC 6265 section 5.4, read leniently as browsers send it).
public enum CookieHeader {
    /// Every `name=value` pair of every `Cookie` header value, in order. Whitespace around names
    /// and values is trimmed, a value wrapped in double quotes is unquoted, a segment without `=`
    /// or with an empty name is skipped. Nothing is percent-decoded. Never fails.
    ///
    /// ```swift
    /// CookieHeader.parse(["a=1; b=\"2\"", "c=3"])   // [("a","1"), ("b","2"), ("c","3")]
    /// ```
    public static func parse(_ headerValues: [String]) -> [(name: String, value: String)] {
        []
    }
}
