/// A decoder fed compressed bytes in pieces that gives out at most a chosen amount at a time, whatever
/// the format: zlib's `Inflater`, `Brotli.Decoder`, `Zstd.Decoder`, or several of them stacked
/// (`DecompressorChain`). A client decoding `Content-Encoding` holds one of these and does not care
/// which.
///
/// ```swift
/// let decoder: any Decompressor = Brotli.canDecompress ? Brotli.Decoder() : Inflater(format: .gzip)
/// decoder.feed(compressed)
/// while case let piece = try decoder.inflate(upTo: 64 * 1024), !piece.isEmpty { use(piece) }
/// try decoder.finish()   // throws .truncated if the stream stopped early
/// ```
///
/// A decompressor belongs to one task at a time.
public protocol Decompressor: AnyObject {
    /// Adds compressed bytes after those fed before.
    func feed(_ bytes: [UInt8])
    /// Decodes what has been fed, returning at most `limit` bytes. Empty means it needs more input (or
    /// the stream has ended); call again while it returns a full `limit`.
    func inflate(upTo limit: Int) throws(Inflater.Failure) -> [UInt8]
    /// Says the input has ended: throws `.truncated` if a stream was begun and not finished. An empty
    /// input passes (a `HEAD` answer, or a 204, may name an encoding).
    func finish() throws(Inflater.Failure)
}

extension Inflater: Decompressor {}

/// Decompressors applied one after the other: what `Content-Encoding: gzip, br` needs (gzip was
/// applied first, so brotli is undone first). Give them in the order they are to be undone.
///
/// ```swift
/// let chain = DecompressorChain([Brotli.Decoder(), Inflater(format: .gzip)])
/// chain.feed(brotliOfGzip)
/// let text = try chain.inflate(upTo: .max)
/// try chain.finish()
/// ```
public final class DecompressorChain: Decompressor {
    private let stages: [any Decompressor]
    /// What one stage hands the next at a time: bounded, so memory follows what the caller asks for.
    private static let relay = 64 * 1024

    /// - Parameter stages: the first decodes the bytes fed, each next one what the previous gave out.
    public init(_ stages: [any Decompressor]) {
        precondition(!stages.isEmpty, "a chain needs a stage")
        self.stages = stages
    }

    public func feed(_ bytes: [UInt8]) { stages[0].feed(bytes) }

    public func inflate(upTo limit: Int) throws(Inflater.Failure) -> [UInt8] {
        var output: [UInt8] = []
        while output.count < limit {
            let piece = try pull(stage: stages.count - 1, upTo: limit - output.count)
            if piece.isEmpty { break }
            output += piece
        }
        return output
    }

    /// Up to `limit` bytes out of `stage`, feeding it from the stages before it as long as it needs more.
    private func pull(stage: Int, upTo limit: Int) throws(Inflater.Failure) -> [UInt8] {
        while true {
            let piece = try stages[stage].inflate(upTo: limit)
            if !piece.isEmpty || stage == 0 { return piece }
            let upstream = try pull(stage: stage - 1, upTo: Self.relay)
            if upstream.isEmpty { return [] }
            stages[stage].feed(upstream)
        }
    }

    public func finish() throws(Inflater.Failure) {
        for stage in stages { try stage.finish() }
    }
}

/// Compressed bytes fed and not yet consumed by a decoder that reads them through a pointer.
struct PendingInput {
    private var bytes: [UInt8] = []
    private var offset = 0
    /// Something has been fed (an empty body is no stream at all, and is not truncated).
    private(set) var fedAnything = false

    var isEmpty: Bool { offset == bytes.count }

    mutating func append(_ more: [UInt8]) {
        guard !more.isEmpty else { return }
        fedAnything = true
        if isEmpty {
            (bytes, offset) = (more, 0)
        } else {
            bytes.removeSubrange(..<offset)
            bytes += more
            offset = 0
        }
    }

    /// Calls `body` with the unread bytes; it returns how many it consumed and a result.
    mutating func consume<T>(_ body: (UnsafeBufferPointer<UInt8>) -> (consumed: Int, result: T)) -> T {
        let offset = self.offset
        let (consumed, result) = bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[offset...])) }
        self.offset += consumed
        return result
    }
}

/// Room a decoder writes into before its output is copied out, allocated once per decoder.
final class Scratch {
    static let size = 32 * 1024
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Scratch.size)
    deinit { buffer.deallocate() }
}
