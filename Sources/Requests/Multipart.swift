import HTTPWire
import Foundation

/// A file to upload in a multipart form: from a path (streamed from disk), bytes, or a stream.
///
/// ```swift
/// try await Requests.post(url, files: ["file": .path("fixtures/test.txt")])
/// try await Requests.post(url, files: ["photo": .path("photo.jpg", filename: "me.jpg", contentType: "image/jpeg")],
///                         data: ["description": "Profile photo"])
/// try await Requests.post(url, files: ["blob": .bytes(bytes, filename: "blob.bin")])
/// ```
public struct FileUpload: Sendable {
    enum Source: Sendable {
        case path(String)
        case bytes([UInt8])
        case stream(length: Int?, make: @Sendable () -> AsyncThrowingStream<[UInt8], any Error>)
    }
    let source: Source
    public var filename: String?
    public var contentType: String?

    /// The file at `path`, read in chunks when sent. The filename defaults to the path's last component,
    /// the content type to one guessed from its extension.
    public static func path(_ path: String, filename: String? = nil, contentType: String? = nil) -> FileUpload {
        let name = filename ?? (path as NSString).lastPathComponent
        return FileUpload(source: .path(path), filename: name, contentType: contentType ?? MediaTypes.guess(name))
    }

    /// Bytes in memory, sent as a file.
    public static func bytes(_ bytes: [UInt8], filename: String? = nil, contentType: String? = nil) -> FileUpload {
        FileUpload(source: .bytes(bytes), filename: filename, contentType: contentType ?? filename.map(MediaTypes.guess))
    }

    /// Text, sent as a file (UTF-8).
    public static func text(_ text: String, filename: String? = nil, contentType: String? = nil) -> FileUpload {
        .bytes(Array(text.utf8), filename: filename, contentType: contentType)
    }

    /// A stream of chunks; `make` is called each time the body is sent. With a `length` the request
    /// has a `Content-Length`, without one it is sent chunked.
    public static func stream(length: Int? = nil, filename: String? = nil, contentType: String? = nil,
                              _ make: @escaping @Sendable () -> AsyncThrowingStream<[UInt8], any Error>) -> FileUpload {
        FileUpload(source: .stream(length: length, make: make), filename: filename, contentType: contentType)
    }
}

/// The files of a multipart upload, in order; a field name may repeat.
public struct Files: Sendable, ExpressibleByDictionaryLiteral {
    public var entries: [(field: String, file: FileUpload)]
    public init(_ entries: [(String, FileUpload)]) { self.entries = entries.map { (field: $0.0, file: $0.1) } }
    public init(dictionaryLiteral elements: (String, FileUpload)...) { self.init(elements) }
    public var isEmpty: Bool { entries.isEmpty }
}

/// `multipart/form-data` (RFC 7578) encoding, laid out as urllib3 does: fields first, then files.
public enum Multipart {
    /// A boundary of 32 random hex digits.
    public static func randomBoundary() -> String {
        Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    }

    /// The body for `fields` and `files`, and its `Content-Type`. File contents are not read here.
    public static func encode(fields: Params, files: Files, boundary: String = randomBoundary()) throws -> (body: RequestBody, contentType: String) {
        var parts: [RequestBody.Part] = []
        var pending: [UInt8] = []
        func flush() {
            if !pending.isEmpty { parts.append(.bytes(pending)) }
            pending = []
        }
        for (name, value) in fields {
            pending += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quote(name))\"\r\n\r\n".utf8)
            pending += Array(value.utf8)
            pending += Array("\r\n".utf8)
        }
        for (field, file) in files.entries {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quote(field))\""
            if let filename = file.filename { head += "; filename=\"\(quote(filename))\"" }
            head += "\r\n"
            if let type = file.contentType { head += "Content-Type: \(type)\r\n" }
            head += "\r\n"
            pending += Array(head.utf8)
            switch file.source {
            case .bytes(let bytes):
                pending += bytes
            case .path(let path):
                flush()
                parts.append(.file(path: path, size: try FileParts.size(of: path)))
            case .stream(let length, let make):
                flush()
                parts.append(.stream(length: length, make: make))
            }
            pending += Array("\r\n".utf8)
        }
        pending += Array("--\(boundary)--\r\n".utf8)
        flush()
        return (RequestBody(parts: parts), "multipart/form-data; boundary=\(boundary)")
    }

    /// Escapes a name for a quoted Content-Disposition parameter as browsers do (WHATWG).
    static func quote(_ name: String) -> String {
        name.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}

enum MediaTypes {
    static func guess(_ filename: String) -> String {
        switch (filename as NSString).pathExtension.lowercased() {
        case "txt", "text", "log": "text/plain"
        case "html", "htm": "text/html"
        case "css": "text/css"
        case "csv": "text/csv"
        case "json": "application/json"
        case "xml": "application/xml"
        case "js": "text/javascript"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "svg": "image/svg+xml"
        case "pdf": "application/pdf"
        case "zip": "application/zip"
        case "gz": "application/gzip"
        default: "application/octet-stream"
        }
    }
}
