import HTTPWire

/// Text made safe to put inside HTML, in an element or a quoted attribute.
///
/// ```swift
/// HTMLEscaping.escape("<a href='x'>")   // &lt;a href=&#x27;x&#x27;&gt;
/// ```
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#x27;"
            default: output.append(character)
            }
        }
        return output
    }
}
