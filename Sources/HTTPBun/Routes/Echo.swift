import JSONValue

/// The echo object and the routes that answer with it: `/get /post /put /patch /delete /anything /any`.
enum EchoRoutes {
    static let routes: [Route] = [
        Route(["GET"], "/get", { echo($0) }),
        Route(["POST"], "/post", { echo($0) }),
        Route(["PUT"], "/put", { echo($0) }),
        Route(["PATCH"], "/patch", { echo($0) }),
        Route(["DELETE"], "/delete", { echo($0) }),
        Route(nil, "/anything/{path*}", { echo($0) }),
        Route(nil, "/any/{path*}", { echo($0) }),
    ]

    static func echo(_ context: RouteContext) -> Response {
        switch Echo.object(for: context.request) {
        case .success(let object): .json(.object(object))
        case .failure(let error): .error(400, error.message)
        }
    }
}

/// Builds the echo object: what the client sent, as httpbun shows it.
enum Echo {
    /// `method, args, headers, origin, url, form, data, json, files`, in that order.
    static func object(for request: Request) -> Result<JSONObject, BodyParseError> {
        let body: RequestBody
        do {
            body = try RequestBody.decode(request)
        } catch {
            return .failure(error)
        }
        var object = JSONObject()
        object.appendUnchecked("method", .string(request.method))
        object.appendUnchecked("args", args(request))
        object.appendUnchecked("headers", headers(request))
        object.appendUnchecked("origin", .string(origin(request)))
        object.appendUnchecked("url", .string(url(request)))
        var form = JSON.object([:])
        var data = JSON.string("")
        var json = JSON.null
        var files = JSON.object([:])
        switch body {
        case .empty: break
        case .form(let pairs): form = .stringOrList(pairs)
        case .json(let raw, let value):
            data = .textOrDataURL(raw)
            json = value ?? .null
        case .raw(let bytes): data = .textOrDataURL(bytes)
        case .multipart(let parts):
            form = .stringOrList(parts.filter { $0.filename == nil }.map { (name: $0.name, value: String(decoding: $0.body, as: UTF8.self)) })
            files = fileObjects(parts.filter { $0.filename != nil })
        }
        object.appendUnchecked("form", form)
        object.appendUnchecked("data", data)
        object.appendUnchecked("json", json)
        object.appendUnchecked("files", files)
        return .success(object)
    }

    static func args(_ request: Request) -> JSON { .stringOrList(request.query) }

    static func headers(_ request: Request) -> JSON {
        .stringOrList(request.headers.fields.map { (name: $0.name.canonicalHeaderName, value: $0.value) })
    }

    /// The client's address; behind a proxy, the first `X-Forwarded-For` entry.
    static func origin(_ request: Request) -> String {
        if let forwarded = request.headers["X-Forwarded-For"] {
            let first = forwarded.split(separator: ",", maxSplits: 1).first.map { $0.trimmingSpaces } ?? ""
            if !first.isEmpty { return first }
        }
        return request.remoteAddress
    }

    /// The URL as the client asked for it: scheme (or `X-Forwarded-Proto`), `Host`, raw target.
    static func url(_ request: Request) -> String {
        baseURL(request) + request.target
    }

    /// `scheme://host` as the client reached us, for absolute URLs the server writes.
    static func baseURL(_ request: Request) -> String {
        var scheme = request.scheme
        if let forwarded = request.headers["X-Forwarded-Proto"]?.split(separator: ",").first?.trimmingSpaces,
            forwarded == "http" || forwarded == "https"
        {
            scheme = forwarded
        }
        let host = request.headers["Host"] ?? request.serverAuthority
        return scheme + "://" + host
    }

    static func fileObjects(_ parts: [MultipartPart]) -> JSON {
        let pairs = parts.map { part -> (name: String, value: JSON) in
            var headers = JSONObject()
            for field in part.headers { headers[field.name.canonicalHeaderName] = .string(field.value) }
            let file: JSON = [
                "filename": .string(part.filename ?? ""),
                "size": JSON(part.body.count),
                "headers": .object(headers),
                "content": String(validating: part.body, as: UTF8.self).map(JSON.string) ?? .string(Base64.encode(part.body)),
            ]
            return (part.name, file)
        }
        return .valueOrList(pairs)
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
