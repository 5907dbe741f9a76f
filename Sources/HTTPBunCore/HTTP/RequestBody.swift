import HTTPWire
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
        try decodeBody(request)
    }

    /// The body as a handler reads it: one its `Content-Type` promised but did not deliver is the
    /// client's mistake, a 400.
    static func read(_ request: Request) throws(HTTPError) -> RequestBody {
        do {
            return try decodeBody(request)
        } catch {
            throw HTTPError(error)
        }
    }

    private static func decodeBody(_ request: Request) throws(BodyParseError) -> RequestBody {
        guard !request.body.isEmpty else { return .empty }
        let mediaType = request.headers.first("Content-Type").map { MediaType.parse($0) }
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
        var object = JSONObject()
        NameGroups.visit(
            pairs, single: { name, value in object.appendUnchecked(name, value) },
            repeated: { name, values in object.appendUnchecked(name, .array(values)) })
        return .object(object)
    }

    /// Bytes as text when they are UTF-8, else as a `data:` URL with base64: how both httpbun and
    /// httpbin (its `json_safe`) show binary data.
    static func textOrDataURL<Bytes: Collection<UInt8>>(_ bytes: Bytes, contentType: String = "application/octet-stream") -> JSON {
        if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .string("data:" + contentType + ";base64," + Base64.encode(bytes))
    }
}

/// The rule behind `JSON.stringOrList` and the echo object's writer: names in order of first
/// appearance, a name seen once with its value, a repeated one with all of its values in order.
/// Names are the same when their bytes are: `caf%C3%A9` and `cafe%CC%81` are two names, as in
/// httpbin and Go, though Swift's `==` calls them equal (canonical equivalence).
enum NameGroups {
    /// Calls `single` or `repeated` once per distinct name, in order of first appearance.
    /// Inlined, so the echo's writer calls are not made through closure contexts.
    @inline(__always)
    static func visit<Value>(
        _ pairs: [(name: String, value: Value)], single: (String, Value) -> Void, repeated: (String, [Value]) -> Void
    ) {
        if pairs.count <= 32 {
            // A handful of names (every real request): scanning beats hashing, and only a name that
            // repeats (rare) gets an array. Indexing the buffer in place, rather than slicing and
            // copying pairs, spares the retains and releases those copies make.
            pairs.withUnsafeBufferPointer { pairs in
                names: for index in pairs.indices {
                    for earlier in 0..<index where pairs[earlier].name.sameBytes(as: pairs[index].name) { continue names }
                    guard let second = (index + 1..<pairs.count).first(where: { pairs[$0].name.sameBytes(as: pairs[index].name) }) else {
                        single(pairs[index].name, pairs[index].value)
                        continue
                    }
                    var values = [pairs[index].value]
                    for later in second..<pairs.count where pairs[later].name.sameBytes(as: pairs[index].name) {
                        values.append(pairs[later].value)
                    }
                    repeated(pairs[index].name, values)
                }
            }
            return
        }
        // Thousands of names (a hostile query): a dictionary keeps this linear.
        var order: [String] = []
        var positions: [NameKey: [Int]] = [:]
        for (index, pair) in pairs.enumerated() {
            let key = NameKey(name: pair.name)
            if positions[key] == nil { order.append(pair.name) }
            positions[key, default: []].append(index)
        }
        for name in order {
            let indices = positions[NameKey(name: name)] ?? []
            if indices.count == 1 {
                single(name, pairs[indices[0]].value)
            } else {
                repeated(name, indices.map { pairs[$0].value })
            }
        }
    }

    /// A name hashed and compared by its bytes.
    struct NameKey: Hashable {
        let name: String
        static func == (left: NameKey, right: NameKey) -> Bool { left.name.sameBytes(as: right.name) }
        func hash(into hasher: inout Hasher) {
            hasher.combine(name.utf8.count)
            for byte in name.utf8 { hasher.combine(byte) }
        }
    }
}
