import HTTPWire

/// Text made safe to put inside HTML, in an element or a quoted attribute.
///
/// ```swift
/// HTMLEscaping.escape("<a href='x'>")             // &lt;a href=&#x27;x&#x27;&gt;
/// HTMLEscaping.escape("<a href='x'>", asGo: true) // &lt;a href=&#39;x&#39;&gt; (Go's html.EscapeString)
/// ```
enum HTMLEscaping {
    static func escape(_ text: String, asGo: Bool = false) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += asGo ? "&#34;" : "&quot;"
            case "'": output += asGo ? "&#39;" : "&#x27;"
            default: output.append(character)
            }
        }
        return output
    }
}
