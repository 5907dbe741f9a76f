import HTTPWire
import Foundation

/// The body of a request: nothing, bytes, a file, a stream, or a sequence of those (multipart).
///
/// Bodies are replayable: a file is reopened and a stream factory called again when a redirect (307/308),
/// a retry or an authentication challenge sends the request again.
///
/// ```swift
/// var request = Request(.post, url: "http://127.0.0.1:8080/post")
/// request.body = .bytes(Array("hello".utf8))
/// request.body = try .file("fixtures/big.bin")          // streamed from disk
/// ```
public struct RequestBody: Sendable {
    /// A piece of a body.
    public enum Part: Sendable {
        case bytes([UInt8])
        /// A file read in chunks when sent, never loaded whole.
        case file(path: String, size: Int)
        /// A stream made afresh each time the body is sent; `length` is `nil` when unknown (chunked).
        case stream(length: Int?, make: @Sendable () -> AsyncThrowingStream<[UInt8], any Error>)

        var length: Int? {
            switch self {
            case .bytes(let bytes): bytes.count
            case .file(_, let size): size
            case .stream(let length, _): length
            }
        }
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts.filter { if case .bytes(let b) = $0 { !b.isEmpty } else { true } } }

    /// No body.
    public static let empty = RequestBody(parts: [])

    /// A body of these bytes.
    public static func bytes(_ bytes: [UInt8]) -> RequestBody { RequestBody(parts: [.bytes(bytes)]) }

    /// A body of this text, UTF-8 encoded.
    public static func text(_ text: String) -> RequestBody { .bytes(Array(text.utf8)) }

    /// The file at `path`, streamed from disk.
    public static func file(_ path: String) throws -> RequestBody {
        RequestBody(parts: [.file(path: path, size: try FileParts.size(of: path))])
    }

    /// A stream of chunks; `make` is called each time the body is sent.
    public static func stream(length: Int? = nil, _ make: @escaping @Sendable () -> AsyncThrowingStream<[UInt8], any Error>) -> RequestBody {
        RequestBody(parts: [.stream(length: length, make: make)])
    }

    public var isEmpty: Bool { parts.isEmpty }

    /// The total length, or `nil` when a stream of unknown length is part of it.
    public var length: Int? {
        var total = 0
        for part in parts {
            guard let length = part.length else { return nil }
            total += length
        }
        return total
    }

    /// The bytes when the body is held in memory (no file, no stream).
    public var inMemoryBytes: [UInt8]? {
        var out: [UInt8] = []
        for part in parts {
            guard case .bytes(let bytes) = part else { return nil }
            out += bytes
        }
        return out
    }

    /// Every byte of the body, reading files and streams.
    public func collect() async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in chunks { out += chunk }
        return out
    }

    /// The body as chunks of bytes, reading files 64 KiB at a time.
    public var chunks: BodyChunks { BodyChunks(parts: parts) }
}

/// The chunks of a `RequestBody`, in order.
public struct BodyChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let parts: [RequestBody.Part]

    public func makeAsyncIterator() -> Iterator { Iterator(parts: parts[...]) }

    public struct Iterator: AsyncIteratorProtocol {
        var parts: ArraySlice<RequestBody.Part>
        var file: FileHandle?
        var stream: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?

        public mutating func next() async throws -> [UInt8]? {
            while true {
                if let handle = file {
                    if let data = try handle.read(upToCount: FileParts.chunkSize), !data.isEmpty {
                        return Array(data)
                    }
                    try? handle.close()
                    file = nil
                    continue
                }
                if stream != nil {
                    if let chunk = try await stream!.next() {
                        if chunk.isEmpty { continue }
                        return chunk
                    }
                    stream = nil
                    continue
                }
                guard let part = parts.popFirst() else { return nil }
                switch part {
                case .bytes(let bytes):
                    if !bytes.isEmpty { return bytes }
                case .file(let path, _):
                    guard let handle = FileHandle(forReadingAtPath: path) else {
                        throw FileUnreadable(path: path)
                    }
                    file = handle
                case .stream(_, let make):
                    stream = make().makeAsyncIterator()
                }
            }
        }
    }
}

enum FileParts {
    static let chunkSize = 64 * 1024

    static func size(of path: String) throws -> Int {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { throw FileUnreadable(path: path) }
        return size.intValue
    }
}
