import JSONValue

/// A request body read according to its `Content-Type`.
public enum RequestBody: Sendable {
    case empty
    /// `application/x-www-form-urlencoded`.
    case form([(name: String, value: String)])
    /// `application/json` or `+json`: the raw text and the parsed value (nil when not valid JSON).
    case json(raw: [UInt8], value: JSON?)
    /// `multipart/form-data`.
    case multipart([MultipartPart])
    /// Anything else, or no `Content-Type`.
    case raw([UInt8])

    /// Reads the body of `request`. Throws only for a malformed multipart body, which the server
    /// answers with 400; every other body is accepted as what it is.
    ///
    /// ```swift
    /// if case .form(let pairs) = try RequestBody.decode(request) { ... }
    /// ```
    public static func decode(_ request: Request) throws(BodyParseError) -> RequestBody {
        guard !request.body.isEmpty else { return .empty }
        let mediaType = request.headers["Content-Type"].map { MediaType.parse($0) }
        switch mediaType?.essence {
        case "application/x-www-form-urlencoded":
            return .form(URLEncodedForm.parse(request.body))
        case "multipart/form-data":
            guard let boundary = mediaType?.parameter("boundary"), !boundary.isEmpty else {
                throw BodyParseError("multipart/form-data body without a boundary parameter in Content-Type")
            }
            return .multipart(try Multipart.parse(request.body, boundary: boundary))
        case let essence? where essence == "application/json" || essence.hasSuffix("+json"):
            return .json(raw: request.body, value: try? JSON.parse(request.body))
        default:
            return .raw(request.body)
        }
    }
}

extension JSON {
    /// Pairs as an object where a name seen once maps to a string and a repeated name to a list,
    /// in order of first appearance.
    static func stringOrList<Pairs: Sequence>(_ pairs: Pairs) -> JSON where Pairs.Element == (name: String, value: String) {
        valueOrList(pairs.map { (name: $0.name, value: JSON.string($0.value)) })
    }

    /// Pairs as an object where a name seen once maps to its value and a repeated name to a list
    /// of its values, in order of first appearance.
    static func valueOrList(_ pairs: [(name: String, value: JSON)]) -> JSON {
        // Echo objects hold a handful of names: a linear search beats hashing, and only names that
        // repeat (rare) get a list. This runs twice per /get, so no dictionary or per-name array.
        var names: [String] = []
        var values: [JSON] = []
        names.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        var index: [String: Int] = [:]
        let hashed = pairs.count > 32
        var repeated: [Int: [JSON]] = [:]
        for pair in pairs {
            let seen = hashed ? index[pair.name] : names.firstIndex(of: pair.name)
            if let seen {
                repeated[seen, default: [values[seen]]].append(pair.value)
            } else {
                if hashed { index[pair.name] = names.count }
                names.append(pair.name)
                values.append(pair.value)
            }
        }
        for (position, list) in repeated { values[position] = .array(list) }
        var object = JSONObject()
        for (name, value) in zip(names, values) {
            object.appendUnchecked(name, value)
        }
        return .object(object)
    }

    /// Bytes as text when they are UTF-8, else as a `data:` URL with base64, the way httpbun shows binary data.
    static func textOrDataURL(_ bytes: [UInt8]) -> JSON {
        if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .string("data:application/octet-stream;base64," + Base64.encode(bytes))
    }
}
