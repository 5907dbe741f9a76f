import HTTPWire
import JSONValue

/// How python httpbin 0.10.4 (the server behind pytest-httpbin) shapes its answers, for
/// `--flavor httpbin`. Every fact here was observed on httpbin itself by `conformance/compare.py`;
/// `docs/flavors.md` lists them with the differences we keep on purpose.
///
/// The default flavor never reaches this file: the httpbin routes (`HTTPBinRoutes`) replace the
/// default ones of the same pattern only when the configuration asks for `.httpbin`.
enum HTTPBinShape {
    /// Flask's `jsonify` as httpbin configures it: 2-space indent, sorted keys, `\uXXXX` for
    /// non-ASCII, a final newline.
    static let jsonFormat = JSONFormat(indent: 2, escapeNonASCII: true, sortKeys: true)
    /// python's `json.dumps` defaults (`/stream` lines, the 406 body): one line, `", "` and `": "`,
    /// keys in insertion order, `\uXXXX` escapes.
    static let pythonCompact = JSONFormat(
        indent: 0, escapeNonASCII: true, compactItemSeparator: ", ", compactKeySeparator: ": ", trailingNewline: false)

    static let html = "text/html; charset=utf-8"
    /// werkzeug's default for a bare `Response`.
    static let plain = "text/plain; charset=utf-8"

    static func json(_ value: JSON, status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(value.serializedBytes(jsonFormat)))
    }

    /// An empty body as Flask sends `make_response("")`: `text/html` even with nothing in it.
    static func empty(_ status: Int, contentType: String? = html) -> Response {
        var response = Response(status: status)
        if let contentType { response.headers.add("Content-Type", contentType) }
        return response
    }

    static func text(_ text: String, status: Int = 200, contentType: String = plain) -> Response {
        .text(text, contentType: contentType, status: status)
    }

    /// Flask's `redirect()`: 302 with a small HTML page naming the target.
    static func redirect(to location: String, status: Int = 302) -> Response {
        let escaped = HTMLEscaping.escape(location)
        let page = """
            <!doctype html>
            <html lang=en>
            <title>Redirecting...</title>
            <h1>Redirecting...</h1>
            <p>You should be redirected automatically to the target URL: <a href="\(escaped)">\(escaped)</a>. If not, click the link.

            """
        var response = Response.text(page, contentType: html, status: status)
        response.headers.add("Location", location)
        return response
    }

    /// Flask's 404 page (unknown routes, and path parameters its converters refuse).
    static func notFound() -> Response {
        .text(
            """
            <!doctype html>
            <html lang=en>
            <title>404 Not Found</title>
            <h1>Not Found</h1>
            <p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>

            """, contentType: html, status: 404)
    }

    /// Flask's 405 page, with `Allow`.
    static func methodNotAllowed(allow: String) -> Response {
        var response = Response.text(
            """
            <!doctype html>
            <html lang=en>
            <title>405 Method Not Allowed</title>
            <h1>Method Not Allowed</h1>
            <p>The method is not allowed for the requested URL.</p>

            """, contentType: html, status: 405)
        response.headers.add("Allow", allow)
        return response
    }


    /// Flask's strict slashes: `/get/` and `/get//x` are no route, while a path parameter
    /// (`/anything/x/`) takes what it is given, as long as it is not empty.
    static func refusesSlashes(_ path: Substring, route: Route, parameters: [String: String]) -> Bool {
        guard path != "/", path.hasSuffix("/") || path.contains("//") else { return false }
        guard case .rest(let name)? = route.segments.last else { return true }
        return parameters[name, default: ""].isEmpty
    }

    // MARK: CORS

    /// httpbin's `after_request`: `Allow-Credentials: true` on every answer, with or without `Origin`.
    /// An `OPTIONS` request gets the preflight headers whatever the answer, a 404 included.
    static func decorate(_ response: inout Response, for request: Request) {
        response.headers.set("Access-Control-Allow-Origin", request.headers.first("Origin") ?? "*")
        response.headers.set("Access-Control-Allow-Credentials", "true")
        if request.method == "OPTIONS" {
            response.headers.set("Access-Control-Allow-Methods", Cors.defaultAllowedMethods)
            response.headers.set("Access-Control-Max-Age", "3600")
            if let requested = request.headers.first("Access-Control-Request-Headers") {
                response.headers.set("Access-Control-Allow-Headers", requested)
            }
        }
    }

    /// Flask's automatic `OPTIONS` answer: 200 with an empty `text/html` body. httpbin's method list
    /// is fixed, whatever `Access-Control-Request-Method` asks.
    static func preflight(for request: Request) -> Response {
        empty(200)  // `decorate` adds the CORS headers.
    }

    // MARK: The echo object

    /// The keys of httpbin's `get_dict`; each endpoint picks its own set.
    enum EchoKey: CaseIterable {
        case url, args, form, data, origin, headers, files, json, method
    }

    /// `/get`, `/cache`, `/etag`: no body keys at all.
    static let getKeys: [EchoKey] = [.url, .args, .headers, .origin]
    /// `/post /put /patch /delete`.
    static let bodyKeys: [EchoKey] = [.url, .args, .form, .data, .origin, .headers, .files, .json]
    /// `/anything` adds `method`.
    static let anythingKeys: [EchoKey] = bodyKeys + [.method]
    /// `/delay` has the body keys but no `json`.
    static let delayKeys: [EchoKey] = [.url, .args, .form, .data, .origin, .headers, .files]

    /// The echo object with `keys`, in that order (the JSON layout sorts them anyway).
    static func echo(_ request: Request, _ keys: [EchoKey]) -> JSONObject {
        let body = keys.contains(where: { [.form, .data, .files, .json].contains($0) }) ? Body(request) : Body()
        var object = JSONObject()
        for key in keys {
            switch key {
            case .url: object.appendUnchecked("url", .string(url(request)))
            case .args: object.appendUnchecked("args", args(request))
            case .form: object.appendUnchecked("form", body.form)
            case .data: object.appendUnchecked("data", body.data)
            case .origin: object.appendUnchecked("origin", .string(origin(request)))
            case .headers: object.appendUnchecked("headers", headers(request))
            case .files: object.appendUnchecked("files", body.files)
            case .json: object.appendUnchecked("json", body.json)
            case .method: object.appendUnchecked("method", .string(request.method))
            }
        }
        return object
    }

    /// Query arguments: string, or a list for a repeated key. Escapes of bytes that are not UTF-8
    /// stay escaped (`%E9`), as werkzeug leaves them.
    static func args(_ request: Request) -> JSON {
        .stringOrList(form(Array(request.rawQuery.utf8)))
    }

    /// `a=1&b=2` decoded the way werkzeug decodes a query or a form body.
    static func form(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for segment in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = segment.firstIndex(of: UInt8(ascii: "=")) {
                name = segment[..<equals]
                value = segment[(equals + 1)...]
            } else {
                name = segment
                value = []
            }
            pairs.append((URLText.unquote(name, plusAsSpace: true, keep: ""), URLText.unquote(value, plusAsSpace: true, keep: "")))
        }
        return pairs
    }

    /// Headers werkzeug reads from the proxy, hidden unless the query has `show_env`.
    static let environmentHeaders: Set<String> = [
        "x-varnish", "x-request-start", "x-heroku-queue-depth", "x-real-ip", "x-forwarded-proto", "x-forwarded-protocol",
        "x-forwarded-ssl", "x-heroku-queue-wait-time", "x-forwarded-for", "x-heroku-dynos-in-use", "x-forwarded-port",
        "x-request-id", "via", "total-route-time", "connect-time",
    ]

    static func showsEnvironment(_ request: Request) -> Bool {
        request.query.contains { $0.name == "show_env" }
    }

    /// Request headers in title case, a repeated header's values joined by `,` (as the WSGI server
    /// joins them), proxy headers hidden unless `show_env` is given.
    static func headers(_ request: Request) -> JSON {
        let showEnvironment = showsEnvironment(request)
        var names: [String] = []
        var values: [String: [String]] = [:]
        for field in request.headers.fields {
            let name = field.name.canonicalHeaderName
            if !showEnvironment && environmentHeaders.contains(name.asciiLowercased) { continue }
            if values[name] == nil { names.append(name) }
            values[name, default: []].append(field.value)
        }
        var object = JSONObject()
        for name in names { object.appendUnchecked(name, .string(values[name]!.joined(separator: ","))) }
        return .object(object)
    }

    /// `X-Forwarded-For` as sent (the whole list), else the peer's address.
    static func origin(_ request: Request) -> String {
        request.headers.first("X-Forwarded-For") ?? request.remoteAddress
    }

    /// werkzeug's `request.url`: scheme from `X-Forwarded-Proto`, `X-Forwarded-Protocol` or
    /// `X-Forwarded-Ssl: on`; the path decoded and re-quoted; both parts as an IRI (UTF-8 escapes
    /// shown as characters, reserved ones kept escaped).
    static func url(_ request: Request) -> String {
        var scheme = request.scheme
        if let forwarded = request.headers.first("X-Forwarded-Proto") ?? request.headers.first("X-Forwarded-Protocol") {
            scheme = forwarded
        } else if request.headers.first("X-Forwarded-Ssl") == "on" {
            scheme = "https"
        }
        let host = request.authority
        let decodedPath = String(decoding: PercentCoding.decodeBytes(request.rawPath.utf8, plusAsSpace: false), as: UTF8.self)
        let path = URLText.unquote(
            Array(URLText.quote(decodedPath, safe: "!$&'()*+,/:;=@%").utf8), plusAsSpace: false, keep: URLText.alwaysUnsafe + "/?#")
        var url = scheme + "://" + host + path
        let query = request.rawQuery
        if !query.isEmpty {
            url += "?" + URLText.unquote(
                Array(URLText.quote(String(query), safe: "!$&'()*+,/:;=?@%").utf8), plusAsSpace: false, keep: URLText.alwaysUnsafe + "&=+#")
        }
        return url
    }

    /// The body keys as httpbin fills them: `form` for url-encoded and multipart bodies (whose
    /// `data` is then empty), `files` as `{"field": "content"}` (the first file of a field), `data`
    /// the raw body otherwise, and `json` parsed from any body that is JSON, whatever its type.
    struct Body {
        var form: JSON = .object([:])
        var data: JSON = .string("")
        var files: JSON = .object([:])
        var json: JSON = .null

        init() {}

        init(_ request: Request) {
            let mediaType = request.headers.first("Content-Type").map { MediaType.parse($0) }
            switch mediaType?.essence {
            case "application/x-www-form-urlencoded":
                form = .stringOrList(HTTPBinShape.form(request.body))
            case "multipart/form-data":
                // werkzeug shows a body it cannot parse as an empty form, not as an error.
                guard let boundary = mediaType?.parameter("boundary"),
                    let parts = try? Multipart.parse(request.body, boundary: boundary)
                else { return }
                form = .stringOrList(parts.filter { $0.filename == nil }.map { (name: $0.name, value: String(decoding: $0.body, as: UTF8.self)) })
                var fileObject = JSONObject()
                for part in parts where part.filename != nil && fileObject[part.name] == nil {
                    let type = part.headers.first("Content-Type") ?? "application/octet-stream"
                    fileObject.appendUnchecked(part.name, .textOrDataURL(part.body, contentType: type))
                }
                files = .object(fileObject)
            default:
                data = .textOrDataURL(request.body)
                if let text = String(validating: request.body, as: UTF8.self), !text.isEmpty {
                    json = (try? JSON.parse(request.body)) ?? .null
                }
            }
        }
    }

    // MARK: Status codes

    static let teapot = #"""

            -=[ teapot ]=-

               _...._
             .'  _ _ `.
            | ."` ^ `". _,
            \_;`"---"`|//
              |       ;/
              \_     _/
                `"""`

        """#

    static let acceptedImageTypes: JSON = ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"]

    /// httpbin's `status_code()`: an empty `text/html` answer, except for the codes it dresses up,
    /// whose headers replace the defaults (no `Content-Type` then).
    static func status(_ code: Int) -> Response {
        switch code {
        case 301, 302, 303, 305, 307:
            return Response(status: code, headers: ["Location": "/redirect/1"])
        case 304:
            return Response(status: 304)
        case 401:
            return Response(status: 401, headers: ["WWW-Authenticate": AuthRoutes.basicChallenge])
        case 402:
            return Response(status: 402, headers: ["x-more-info": "http://vimeo.com/22053820"], body: .bytes(Array("Fuck you, pay me!".utf8)))
        case 406:
            let body: JSON = ["message": "Client did not request a supported media type.", "accept": acceptedImageTypes]
            return Response(status: 406, headers: ["Content-Type": "application/json"], body: .bytes(body.serializedBytes(pythonCompact)))
        case 407:
            // httpbin sets Proxy-Authenticate, but it is a hop-by-hop header and gunicorn drops it.
            return Response(status: 407)
        case 418:
            return Response(status: 418, headers: ["x-more-info": "http://tools.ietf.org/html/rfc2324"], body: .bytes(Array(teapot.utf8)))
        default:
            return StatusReason.forbidsBody(code) && code != 204 ? Response(status: code) : empty(code)
        }
    }
}

/// URL text the way python's `urllib.parse.quote` and werkzeug's partial unquoting treat it.
enum URLText {
    /// Controls, space, `%` and DEL: werkzeug never unquotes them.
    static let alwaysUnsafe = String(decoding: Array(UInt8(0)...UInt8(0x20)) + [UInt8(0x25), UInt8(0x7F)], as: UTF8.self)

    /// `quote(text, safe)`: every UTF-8 byte that is not a letter, digit, `_.-~` or in `safe` as `%XX`.
    static func quote(_ text: String, safe: String) -> String {
        let safeBytes = Set(safe.utf8)
        return PercentCoding.encode(text) { PercentCoding.isUnreserved($0) || safeBytes.contains($0) }
    }

    /// Decodes `%XX` escapes except those of a byte in `keep`; decoded bytes that are not UTF-8
    /// come back as `%XX` (werkzeug's `url_quote` error handler).
    static func unquote<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool, keep: String) -> String {
        let keepBytes = Set(keep.utf8)
        let input = Array(bytes)
        var output: [UInt8] = []
        var pending: [UInt8] = []
        func flush() {
            output += utf8OrEscaped(pending)
            pending.removeAll()
        }
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = PercentCoding.hexValue(input[index + 1]), let low = PercentCoding.hexValue(input[index + 2])
            {
                let decoded = high << 4 | low
                if keepBytes.contains(decoded) {
                    flush()
                    output += input[index...(index + 2)]
                } else {
                    pending.append(decoded)
                }
                index += 3
                continue
            }
            flush()
            output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes as UTF-8, with each byte of an invalid sequence written as `%XX`.
    static func utf8OrEscaped(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            if length > 0, index + length <= bytes.count, String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil {
                output += bytes[index..<(index + length)]
                index += length
            } else {
                PercentCoding.appendEscape(lead, to: &output)
                index += 1
            }
        }
        return output
    }
}
