import HTTPWire

/// `/svg/{seed}`: httpbun's avatar, a circle coloured from the seed with the seed's first two
/// bytes written on it.
enum SVGRoutes {
    static func seeded(_ context: RouteContext) -> Response {
        // httpbun's `/svg/(?P<seed>.+)` takes the rest of the path, slashes included.
        let seed = HTTPBunField.bytes(HTTPBunField.afterFirstSegment(context.routePath))
        // `.+` wants at least one byte: `/svg/` is no route in httpbun.
        guard !seed.isEmpty else { return HTTPBunShape.notFound }
        guard seed.count >= 2 else {
            // httpbun slices two bytes and panics on a shorter seed (the connection drops).
            return .text("The seed must be at least two bytes long, example `/svg/httpbun`", status: 400)
        }
        let color = "#" + String(DigestAlgorithm.md5.hexDigest(seed).prefix(6))
        let body = "<svg width=\"100\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\">\n"
            + "\t\t<circle cx=\"50%\" cy=\"50%\" r=\"45%\" fill=\"\(color)\" stroke=\"none\" />\n"
            + "\t\t<text x=\"50%\" y=\"53%\" text-anchor=\"middle\" dominant-baseline=\"middle\" font-size=\"36\""
            + " font-family=\"sans-serif\" fill=\"\(foreground(for: color))\">\(label(seed))</text>\n"
            + "\t</svg>"
        return .text(body, contentType: "image/svg+xml")
    }

    /// httpbun's `util.ComputeFgForBg`: dark text on a light circle, light on a dark one, by the
    /// ITU-R BT.709 luma of `#rrggbb`.
    static func foreground(for color: String) -> String {
        let rgb = Int(color.dropFirst(), radix: 16) ?? 0
        let red = Double((rgb >> 16) & 0xFF)
        let green = Double((rgb >> 8) & 0xFF)
        let blue = Double(rgb & 0xFF)
        let luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue
        return luma > 100 ? "#222e" : "#eeee"
    }

    /// The seed's first two bytes, upper-cased as Go's `strings.ToUpper` does: ASCII letters
    /// upper-cased, a two-byte character to its upper case when that is one character, and each byte
    /// of a character cut in half as U+FFFD. Unlike httpbun, escaped for XML (a seed of `<a` or `&x`
    /// would otherwise break the document or add markup), and characters XML forbids are U+FFFD.
    static func label(_ seed: [UInt8]) -> String {
        let pair = Array(seed.prefix(2))
        var scalars: [Unicode.Scalar] = []
        if let text = String(validating: pair, as: UTF8.self) {
            scalars = Array(text.unicodeScalars)
        } else {
            scalars = pair.map { $0 < 0x80 ? Unicode.Scalar($0) : "\u{FFFD}" }
        }
        var label = ""
        for scalar in scalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                let allowed = byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
                label.unicodeScalars.append(allowed ? Unicode.Scalar(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) : "\u{FFFD}")
            } else {
                let upper = scalar.properties.uppercaseMapping
                label += upper.unicodeScalars.count == 1 ? upper : String(scalar)
            }
        }
        return HTMLEscaping.escape(label)
    }
}
