import HTTPWire
import JSONValue

/// The echo object and the routes that answer with it: `/get /post /put /patch /delete /anything /any`.
enum EchoRoutes {
    static func echo(_ context: RouteContext) throws(HTTPError) -> Response {
        .bytes(try Echo.json(context.request), contentType: "application/json")
    }
}

/// Writes the echo object: what the client sent, as httpbun shows it.
///
/// The object goes straight into a `JSONStreamWriter` rather than through a `JSON` tree: every
/// echo would otherwise build a tree of values only to write it out and free it again.
enum Echo {
    /// The echo object's bytes, or why the request body could not be read. `leading` and
    /// `trailing` write members before and after the standard ones (`/stream`'s `id`, `/gzip`'s
    /// `"gzipped": true`).
    static func json(
        _ request: Request, format: consuming JSONFormat = .pretty,
        leading: (inout JSONStreamWriter) -> Void = { _ in }, trailing: (inout JSONStreamWriter) -> Void = { _ in }
    ) throws(HTTPError) -> [UInt8] {
        json(request, body: try RequestBody.read(request), format: format, leading: leading, trailing: trailing)
    }

    /// The echo object's bytes for a body already read.
    static func json(
        _ request: Request, body: RequestBody, format: consuming JSONFormat = .pretty,
        leading: (inout JSONStreamWriter) -> Void = { _ in }, trailing: (inout JSONStreamWriter) -> Void = { _ in }
    ) -> [UInt8] {
        // Room for the body echoed as text with a few escapes, so a large echo is written without a
        // regrowth. A bodiless echo starts under 1,008 bytes: glibc consolidates its free lists on
        // every larger request, which showed in profiles of GET /get.
        let bodyRoom = request.body.count + request.body.count / 8
        var writer = JSONStreamWriter(format: format, reservingCapacity: 640 + bodyRoom + request.target.utf8.count * 2)
        writer.beginObject()
        leading(&writer)
        write(request, body: body, into: &writer)
        trailing(&writer)
        writer.endObject()
        return writer.finish()
    }

    /// `method, args, headers, origin, url, form, data, json, files`, in that order, as members of
    /// the object the writer is in.
    static func write(_ request: Request, body: RequestBody, into writer: inout JSONStreamWriter) {
        let keys = Keys.shared
        if let method = keys.methods.first(where: { $0.method == request.method }) {
            writer.members(method.member)
        } else {
            writer.key(keys.method)
            writer.string(request.method)
        }
        writer.key(keys.args)
        writeArgs(request, into: &writer)
        writer.key(keys.headers)
        writeHeaders(request, into: &writer)
        let proxy = ProxyHeaders(request.headers)
        writer.key(keys.origin)
        writer.string(origin(request, proxy))
        // The URL as the client asked for it: scheme (or `X-Httpbun-Forwarded-Proto`), `Host`, raw target.
        writer.key(keys.url)
        let (scheme, host) = schemeAndHost(request, proxy)
        writer.string(joining: scheme, "://", host, request.target)
        writeClientCertificate(request, into: &writer)
        if case .empty = body {
            writer.members(bodilessMembers)
            return
        }
        writer.key("form")
        switch body {
        case .form(let pairs): writeStringOrList(pairs, into: &writer)
        case .multipart(let parts):
            // httpbun shows a multipart field's first value only (Go's `Form.Value[name][0]`).
            var seen = Set<String>()
            let fields = parts.filter { $0.filename == nil && seen.insert($0.name).inserted }
            writeStringOrList(fields.map { (name: $0.name, value: String(decoding: $0.body, as: UTF8.self)) }, into: &writer)
        case .empty, .json, .raw: writeEmptyObject(into: &writer)
        }
        writer.key("data")
        switch body {
        // As Go's JSON encoder writes httpbun's `data`: a JSON body is a string (bytes that are not
        // UTF-8 become U+FFFD), any other body a string when it is UTF-8, else its bytes in base64.
        case .json(let raw, _): writer.string(String(decoding: raw, as: UTF8.self))
        case .raw(let raw): writeTextOrBase64(raw[...], into: &writer)
        case .empty, .form, .multipart: writer.string("")
        }
        writer.key("json")
        if case .json(_, let value?) = body { writer.value(value) } else { writer.null() }
        writer.key("files")
        if case .multipart(let parts) = body {
            writeFileObjects(parts.filter { $0.filename != nil }, into: &writer)
        } else {
            writeEmptyObject(into: &writer)
        }
    }

    /// `"client_cert": {"subject": ...}` when the connection's client certificate verified against
    /// `--tls-client-ca`; nothing otherwise, so echoes without one keep the flavors' exact shape.
    static func writeClientCertificate(_ request: Request, into writer: inout JSONStreamWriter) {
        guard let subject = request.clientCertificateSubject else { return }
        writer.key("client_cert")
        writer.beginObject()
        writer.key("subject")
        writer.string(subject)
        writer.endObject()
    }

    /// `args`: the query's pairs grouped by name. A plain query (ASCII, nothing to decode, at most 16
    /// pairs, no name twice: nearly every request) is written straight from the target's bytes, with
    /// no `String` per name and value and no array of pairs; any other goes through `Request.query`.
    static func writeArgs(_ request: Request, into writer: inout JSONStreamWriter) {
        var target = request.target
        let written = target.withUTF8 { bytes in
            guard let range = Request.queryRange(in: bytes) else {
                writeEmptyObject(into: &writer)
                return true
            }
            return writePlainQuery(UnsafeBufferPointer(rebasing: bytes[range]), into: &writer)
        }
        if !written { writeStringOrList(request.query, into: &writer) }
    }

    /// Writes `query` as an object and returns true when it is plain (see `writeArgs`); otherwise
    /// writes nothing and returns false.
    private static func writePlainQuery(_ query: UnsafeBufferPointer<UInt8>, into writer: inout JSONStreamWriter) -> Bool {
        var separators = 0
        for byte in query {
            if byte >= 0x80 || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") { return false }
            if byte == UInt8(ascii: "&") { separators += 1 }
        }
        guard separators < 16 else { return false }
        return withUnsafeTemporaryAllocation(of: (name: Range<Int>, value: Range<Int>).self, capacity: separators + 1) { pairs in
            var count = 0
            URLEncodedForm.forEachPair(in: query) { name, value in
                pairs[count] = (name, value)
                count += 1
            }
            func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: query[range]) }
            for index in 0..<count {
                for earlier in 0..<index where bytes(pairs[earlier].name).sameBytes(as: bytes(pairs[index].name)) { return false }
            }
            writer.beginObject()
            for index in 0..<count {
                // ASCII throughout, so it always writes.
                writer.member(utf8Key: bytes(pairs[index].name), utf8String: bytes(pairs[index].value))
            }
            writer.endObject()
            return true
        }
    }

    /// `headers`: names in canonical form, grouped. When no two names are the same apart from case
    /// (nearly every request), no two canonical names can be equal either, and the fields are
    /// written as they are, without an array of renamed pairs.
    static func writeHeaders(_ request: Request, into writer: inout JSONStreamWriter) {
        let fields = request.headers.fields
        guard fields.count <= 16, !hasNameTwice(fields) else {
            writeStringOrList(canonicalHeaders(request), into: &writer)
            return
        }
        writer.beginObject()
        for index in fields.indices where !isHTTPBunControl(fields[index].name) {
            writer.member(fields[index].name.canonicalHeaderName, string: fields[index].value)
        }
        writer.endObject()
    }

    private static func hasNameTwice(_ fields: [HTTPHeaders.Field]) -> Bool {
        for index in fields.indices {
            for earlier in 0..<index where fields[earlier].name.equalsASCIICaseInsensitive(fields[index].name) { return true }
        }
        return false
    }

    /// The keys every echo writes, laid out once: each is then one copy.
    private struct Keys {
        let method = JSONKey("method")
        let args = JSONKey("args")
        let headers = JSONKey("headers")
        let origin = JSONKey("origin")
        let url = JSONKey("url")
        /// `"method": "GET"` and the other usual methods' members, laid out whole: the method
        /// is nearly always one of these.
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].map {
            (method: $0, member: JSONMembers(["method": .string($0)]))
        }
        /// One static for all of them: each static is a `swift_once` check at every use.
        static let shared = Keys()
    }

    /// `form, data, json, files` for a request without a body, laid out once.
    private static let bodilessMembers = JSONMembers(["form": [:], "data": "", "json": nil, "files": [:]])

    private static func writeEmptyObject(into writer: inout JSONStreamWriter) {
        writer.beginObject()
        writer.endObject()
    }

    /// `JSON.stringOrList` written directly: a name seen once maps to a string, a repeated name to
    /// a list, in order of first appearance.
    static func writeStringOrList(_ pairs: [(name: String, value: String)], into writer: inout JSONStreamWriter) {
        writeGrouped(pairs, into: &writer) { value, writer in writer.string(value) }
    }

    /// `JSON.valueOrList` written directly, by the same grouping rule (`NameGroups`).
    @inline(__always)
    static func writeGrouped<Value>(
        _ pairs: [(name: String, value: Value)], into writer: inout JSONStreamWriter,
        _ writeValue: (Value, inout JSONStreamWriter) -> Void
    ) {
        writer.beginObject()
        NameGroups.visit(
            pairs,
            single: { name, value in
                writer.key(name)
                writeValue(value, &writer)
            },
            repeated: { name, values in
                writer.key(name)
                writer.beginArray()
                for value in values { writeValue(value, &writer) }
                writer.endArray()
            })
        writer.endObject()
    }

    /// The bytes as text when they are UTF-8, else in base64 (Go's encoding of a `[]byte`), written
    /// without a `String` copy of the body.
    static func writeTextOrBase64(_ bytes: ArraySlice<UInt8>, into writer: inout JSONStreamWriter) {
        let written = bytes.withUnsafeBufferPointer { writer.string(ifValidUTF8: $0) }
        if !written { writer.string(Base64.encode(bytes)) }
    }

    static func headers(_ request: Request) -> JSON {
        .stringOrList(canonicalHeaders(request))
    }

    /// The request's headers in wire order, names in Go's canonical form, as the echo shows them.
    static func canonicalHeaders(_ request: Request) -> [(name: String, value: String)] {
        request.headers.fields.lazy.filter { !isHTTPBunControl($0.name) }.map { (name: $0.name.canonicalHeaderName, value: $0.value) }
    }

    /// `X-Httpbun-*` fields instruct the server (`X-Httpbun-Forwarded-For`) and httpbun leaves them
    /// out of every echo.
    @inline(__always)
    static func isHTTPBunControl(_ name: String) -> Bool {
        name.utf8.count > 10 && name.utf8.prefix(10).elementsEqual("x-httpbun-".utf8) { $0.asciiLowercased == $1 }
    }

    /// The client's address, or, as httpbun reads it behind its own proxy, the last
    /// `X-Httpbun-Forwarded-For` whole. `X-Forwarded-For` is a header like any other: httpbun
    /// ignores it, since any client can send one.
    static func origin(_ request: Request) -> String {
        origin(request, ProxyHeaders(request.headers))
    }

    private static func origin(_ request: Request, _ proxy: ProxyHeaders) -> String {
        if let forwarded = proxy.forwardedFor, !forwarded.isEmpty { return forwarded }
        return request.remoteAddress
    }

    /// The first `Host` and the last `X-Httpbun-Forwarded-For` and `X-Httpbun-Forwarded-Proto`
    /// (httpbun's `HeaderValueLast`), found in one pass over the fields: the echo's `origin` and
    /// `url` read all three, and three lookups compared every field three times.
    private struct ProxyHeaders {
        var host: String?
        var forwardedFor: String?
        var forwardedProto: String?

        init(_ headers: HTTPHeaders) {
            let fields = headers.fields
            for index in fields.indices {
                let name = fields[index].name
                // Names of other lengths cost one comparison of counts.
                switch name.utf8.count {
                case 4 where host == nil && name.equalsASCIICaseInsensitive("Host"):
                    host = fields[index].value
                case 23 where name.equalsASCIICaseInsensitive("X-Httpbun-Forwarded-For"):
                    forwardedFor = fields[index].value
                case 25 where name.equalsASCIICaseInsensitive("X-Httpbun-Forwarded-Proto"):
                    forwardedProto = fields[index].value
                default: break
                }
            }
        }
    }

    /// `scheme://host` as the client reached us, then `path`: an absolute URL for the server to
    /// write, built in one allocation, where two concatenations made two.
    static func absoluteURL(_ request: Request, path: String) -> String {
        let (scheme, host) = schemeAndHost(request)
        var url = ""
        url.reserveCapacity(scheme.utf8.count + 3 + host.utf8.count + path.utf8.count)
        url += scheme
        url += "://"
        url += host
        url += path
        return url
    }

    /// The scheme (or `X-Httpbun-Forwarded-Proto`) and the host the client reached us by.
    static func schemeAndHost(_ request: Request) -> (scheme: String, host: String) {
        schemeAndHost(request, ProxyHeaders(request.headers))
    }

    private static func schemeAndHost(_ request: Request, _ proxy: ProxyHeaders) -> (scheme: String, host: String) {
        var scheme = request.scheme
        if let forwarded = proxy.forwardedProto, !forwarded.isEmpty { scheme = forwarded }
        // Go's servers take an absolute-form target's authority over `Host`; else `Request.authority`'s
        // rule, from the field already found.
        return (scheme, request.targetAuthority ?? proxy.host ?? request.serverAuthority)
    }

    /// The file parts by name: `filename`, `size`, `headers` and `content` (text, or base64 when
    /// not UTF-8). The content goes from the request body straight into the output.
    static func writeFileObjects(_ parts: [MultipartPart], into writer: inout JSONStreamWriter) {
        // httpbun shows each field's first file (Go's `Form.File[name][0]`), its part headers with
        // repeated values joined by commas.
        var seen = Set<String>()
        let firsts = parts.filter { seen.insert($0.name).inserted }
        writer.beginObject()
        for part in firsts {
            var headers = JSONObject()
            for field in part.headers {
                let name = field.name.canonicalHeaderName
                headers[name] = .string(headers[name]?.stringValue.map { $0 + "," + field.value } ?? field.value)
            }
            writer.key(part.name)
            writer.beginObject()
            writer.key("filename")
            writer.string(part.filename ?? "")
            writer.key("size")
            writer.number(part.body.count)
            writer.key("headers")
            writer.value(.object(headers))
            writer.key("content")
            writeTextOrBase64(part.body, into: &writer)
            writer.endObject()
        }
        writer.endObject()
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
