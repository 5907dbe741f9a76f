import HTTPWire
import JSONValue
import HTTPCompression

/// Compressed echoes and decoded text: `/gzip`, `/deflate`, `/brotli`, `/base64/{value}`, `/encoding/utf8`.
enum EncodingRoutes {
    /// The pretty echo object with `flag: true` appended, or why the request body could not be read.
    static func flaggedEcho(_ context: RouteContext, flag: String) throws(HTTPError) -> [UInt8] {
        try Echo.json(context.request, trailing: { writer in
            writer.key(flag)
            writer.bool(true)
        })
    }

    /// Sent compressed whatever `Accept-Encoding` says, as httpbin does: the point of these routes
    /// is to test the client's decoding.
    static func encoded(_ body: [UInt8], encoding: String) -> Response {
        Response(headers: ["Content-Type": "application/json", "Content-Encoding": encoding], body: .bytes(body))
    }

    static func gzip(_ context: RouteContext) throws(HTTPError) -> Response {
        encoded(Compression.compress(try flaggedEcho(context, flag: "gzipped"), format: .gzip), encoding: "gzip")
    }

    static func deflate(_ context: RouteContext) throws(HTTPError) -> Response {
        // zlib-wrapped, as RFC 9110's "deflate" coding is and as httpbin sends it.
        encoded(Compression.compress(try flaggedEcho(context, flag: "deflated"), format: .zlib), encoding: "deflate")
    }

    static func brotli(_ context: RouteContext) throws(HTTPError) -> Response {
        guard Brotli.canCompress else {
            return .error(501, "brotli is not available on this server: install the brotli encoder library (libbrotlienc.so.1, Debian package libbrotli1) and restart it")
        }
        let json = try flaggedEcho(context, flag: "brotli")
        guard let compressed = Brotli.compress(json) else {
            return .error(500, "the brotli encoder failed to compress the answer")
        }
        return encoded(compressed, encoding: "br")
    }

    /// httpbun's `/base64/{value}` and `/b64/{value}`: the value (httpbun's own example when there is
    /// none) decoded as Go's `base64.StdEncoding` decodes (standard alphabet, padding required),
    /// else httpbun's 400 text. The value is the raw rest of the path, unescaped as httpbun unescapes
    /// it (`+` is a space, which standard base64 then refuses, as in httpbun).
    ///
    /// The decoded bytes get Go's sniffed type, as in httpbun, except that HTML and XML are sent as
    /// `text/plain`: served as HTML, a crafted link would run any page's script in our origin.
    static func base64(_ context: RouteContext) -> Response {
        let example = "SFRUUEJVTiBpcyBhd2Vzb21lciE="
        var value = HTTPBunField.string(HTTPBunField.afterFirstSegment(context.routePath))
        if value.isEmpty { value = example }
        guard case .success(let bytes) = Base64.decodeAsGo(value) else {
            return .text("Incorrect Base64 data try: '\(example)'.", status: 400)
        }
        // Go sniffs no type for an empty body.
        guard !bytes.isEmpty else { return Response() }
        var contentType = ContentSniffer.goContentType(of: bytes)
        if contentType.hasPrefix("text/html") || contentType.hasPrefix("text/xml") { contentType = "text/plain; charset=utf-8" }
        return .bytes(bytes, contentType: contentType)
    }

    static func utf8(_ context: RouteContext) -> Response {
        .text(utf8Page, contentType: "text/html; charset=utf-8")
    }

    static let utf8Page = """
        <!DOCTYPE html>
        <html>
        <head>
          <meta charset="utf-8">
          <title>UTF-8 encoded sample text</title>
        </head>
        <body>
          <h1>UTF-8 encoded sample text</h1>
          <p>Every line below says "Hello, world" or a greeting like it, so that a client's decoding
          can be checked by eye and by byte.</p>
          <ul>
            <li lang="en">English: Hello, world!</li>
            <li lang="fr">French: Bonjour le monde, ça va très bien</li>
            <li lang="de">German: Grüß Gott, schöne Welt</li>
            <li lang="es">Spanish: ¡Hola, mundo! ¿Qué tal?</li>
            <li lang="el">Greek: Γειά σου, κόσμε</li>
            <li lang="ru">Russian: Привет, мир</li>
            <li lang="he" dir="rtl">Hebrew: שלום עולם</li>
            <li lang="ar" dir="rtl">Arabic: مرحبا بالعالم</li>
            <li lang="hi">Hindi: नमस्ते दुनिया</li>
            <li lang="th">Thai: สวัสดีชาวโลก</li>
            <li lang="zh">Chinese: 你好，世界</li>
            <li lang="ja">Japanese: こんにちは、世界</li>
            <li lang="ko">Korean: 안녕하세요, 세계</li>
            <li>Mathematics: ∀x ∈ ℝ, x² ≥ 0; ∑ 1/n² = π²/6</li>
            <li>Currency: € £ ¥ ₩ ₹ ₿</li>
            <li>Emoji: 👋 🌍 🎉 🐳 (four-byte sequences)</li>
            <li>Combining marks: e\u{301} (e and U+0301) looks like é (U+00E9)</li>
          </ul>
        </body>
        </html>

        """
}

/// go-httpbin's `/base64/encode/{data}` and `/base64/decode/{data}`, served in every flavor (httpbun
/// and python httpbin answer these paths 400 or 404: an extra, not a difference). Encoding is
/// URL-safe and padded; decoding tries URL-safe, then standard; `?content-type=` names the answer's
/// type, and a type a browser could run script in gets its body HTML-escaped, as go-httpbin does.
///
/// ```
/// GET /base64/encode/hi%3F   → aGk_
/// GET /base64/decode/aGk_    → hi?
/// GET /base64/decode/%21     → 400 {"status_code": 400, "error": "Bad Request", "detail": "base64 decode failed: ..."}
/// ```
enum GoHTTPBinBase64 {
    /// The media types go-httpbin sends as they are; any other, or one that does not parse, is escaped.
    static let safeMediaTypes: Set<String> = ["text/plain", "application/json", "application/octet-string"]

    static func transform(_ context: RouteContext, operation: String) -> Response {
        let data = context[parameter: "data"]
        let maximum = context.configuration.maxBodySize
        guard !data.isEmpty else { return error("no input data") }
        guard data.utf8.count <= maximum else { return error("input data exceeds max length of \(maximum)") }
        var result: [UInt8]
        if operation == "encode" {
            result = Array(Base64.encodeURLSafe(data.utf8).utf8)
        } else if case .success(let bytes) = Base64.decodeAsGo(data, urlSafe: true) {
            result = bytes
        } else {
            switch Base64.decodeAsGo(data) {
            case .success(let bytes): result = bytes
            case .failure(let corrupt): return error("base64 decode failed: illegal base64 data at input byte \(corrupt.byte)")
            }
        }
        // A field value cannot carry line breaks or other control bytes; Go's server writes the rest.
        let asked = context.request.queryValue("content-type").map {
            String(String.UnicodeScalarView($0.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        }
        let contentType = asked.flatMap { $0.isEmpty ? nil : $0 } ?? "text/plain; charset=utf-8"
        if isDangerous(contentType) { result = Array(HTMLEscaping.escape(String(decoding: result, as: UTF8.self), asGo: true).utf8) }
        return .bytes(result, contentType: contentType)
    }

    /// go-httpbin's `writeError`: `{"status_code", "error", "detail"}`, its JSON type.
    static func error(_ detail: String, status: Int = 400) -> Response {
        var response = Response.json(
            ["status_code": JSON(status), "error": .string(StatusReason.phrase(for: status)), "detail": .string(detail)], status: status)
        response.headers.set("Content-Type", "application/json; charset=utf-8")
        return response
    }

    /// Whether a browser could run script from a body of this type (go-httpbin's
    /// `isDangerousContentType`): anything but its safe list, or a type that does not parse.
    /// (Read leniently: a safe type with a malformed parameter is still plain text to a browser.)
    static func isDangerous(_ contentType: String) -> Bool {
        !safeMediaTypes.contains(MediaType.parse(contentType).essence)
    }
}
