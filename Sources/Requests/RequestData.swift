import HTTPWire
import Foundation
import JSONValue

/// The `data:` of a call: form fields (urlencoded), text, or raw bytes.
///
/// ```swift
/// try await Requests.post(url, data: ["username": "test", "password": "1234"])   // form
/// try await Requests.post(url, data: "raw text")                                 // text/plain body
/// try await Requests.post(url, data: .bytes([0, 1, 2]))                          // raw bytes
/// try await Requests.put(url, data: .body(try .file("big.bin")))                 // streamed from disk
/// ```
public enum RequestData: Sendable, ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation {
    case form(Params)
    case text(String)
    case bytes([UInt8])
    case body(RequestBody)

    public init(dictionaryLiteral elements: (String, any ParamConvertible)...) {
        var params = Params()
        for (key, value) in elements { for item in value.paramValues { params.add(key, item) } }
        self = .form(params)
    }
    public init(stringLiteral value: String) { self = .text(value) }

    /// What python calls falsy: no fields, no text, no bytes. (requests sends `json` only then.)
    var isEmpty: Bool {
        switch self {
        case .form(let params): params.isEmpty
        case .text(let text): text.isEmpty
        case .bytes(let bytes): bytes.isEmpty
        case .body(let body): body.inMemoryBytes?.isEmpty ?? false
        }
    }
}

/// A JSON body: a `JSON` value, or bytes an `Encodable` was encoded into.
enum JSONPayload: Sendable {
    case value(JSON)
    case encoded([UInt8])

    static func encoding<T: Encodable>(_ value: T, url: String) throws -> JSONPayload {
        if let json = value as? JSON { return .value(json) }
        do {
            return .encoded(Array(try JSONEncoder().encode(value)))
        } catch {
            throw InvalidJSON(url: url, reason: "the value to send could not be encoded: \(error)", bodyPrefix: "")
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .value(let json): json.serializedBytes(.compact)
        case .encoded(let bytes): bytes
        }
    }
}

enum BodyBuilder {
    /// The body and the Content-Type it implies, from a call's `data`, `json` and `files`.
    static func make(data: RequestData?, json: JSONPayload?, files: Files?) throws -> (RequestBody, String?) {
        if let files, !files.isEmpty {
            var fields = Params()
            switch data {
            case .form(let params): fields = params
            case nil: break
            default:
                throw InvalidBody(url: nil, reason: "with files:, data: must be form fields (name: value), not raw bytes or text")
            }
            let (body, type) = try Multipart.encode(fields: fields, files: files)
            return (body, type)
        }
        // As requests: json is used only when there is no data (`if not data and json is not None`).
        if let json, data?.isEmpty ?? true { return (.bytes(json.bytes), "application/json") }
        switch data {
        case .form(let params): return (.text(params.encoded()), "application/x-www-form-urlencoded")
        case .text(let text): return (.text(text), nil)
        case .bytes(let bytes): return (.bytes(bytes), nil)
        case .body(let body): return (body, nil)
        case nil: return (.empty, nil)
        }
    }
}
