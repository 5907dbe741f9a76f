import CZlib

/// zlib compression and decompression, without Foundation: the one wrapper over `CZlib`, shared by the
/// server (`/gzip`, `/deflate`) and the client (decoding `Content-Encoding`).
///
/// ```swift
/// let packed = Compression.compress(Array("hello".utf8), format: .gzip)
/// let unpacked = Compression.decompress(packed, format: .gzip)   // "hello" as bytes
/// ```
public enum Compression {
    /// The container around the deflate stream.
    public enum Format: Sendable, Hashable {
        /// RFC 1952, what `Content-Encoding: gzip` means.
        case gzip
        /// RFC 1950 (zlib header and Adler-32), what `Content-Encoding: deflate` means and what
        /// httpbin sends.
        case zlib
        /// RFC 1951 with no wrapper: some servers send this for `deflate`, so decoders accept it.
        case raw
        /// Decoding only: gzip or zlib, told apart by the header.
        case automatic
        /// Decoding only: zlib, or raw deflate when the first two bytes are no zlib header. What a
        /// client must accept for `Content-Encoding: deflate` (urllib3 does the same).
        case zlibOrRaw

        /// zlib's `windowBits`, which selects the wrapper. `.zlibOrRaw` is resolved before this is asked.
        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlib, .zlibOrRaw: 15
            case .raw: -15
            case .automatic: 15 + 32
            }
        }
    }

    /// Compresses `bytes`. `level` is zlib's, 0 (store) to 9 (best); -1 is zlib's default (6).
    /// `.automatic` and `.zlibOrRaw` compress as zlib.
    public static func compress(_ bytes: [UInt8], format: Format, level: Int32 = -1) -> [UInt8] {
        var stream = z_stream()
        let windowBits = format == .automatic ? Format.zlib.windowBits : format.windowBits
        // Initialisation fails only for bad arguments or no memory; both are programming errors here.
        precondition(httpbun_deflate_init(&stream, level, windowBits) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var input = bytes
        // deflateBound already counts the wrapper, so one call to deflate with Z_FINISH is enough.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let produced = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with a deflateBound buffer did not finish: \(result)")
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Decompresses a whole stream. Returns nil when the data is damaged, truncated, in another
    /// format, or would inflate beyond `limit` bytes (a defence against decompression bombs).
    /// Bytes after the end of the compressed stream are ignored; a gzip stream may hold several
    /// members (RFC 1952), which are joined.
    public static func decompress(_ bytes: [UInt8], format: Format, limit: Int = 64 * 1024 * 1024) -> [UInt8]? {
        // An empty input is no stream (the streaming `Inflater` lets it pass, for bodiless answers).
        guard !bytes.isEmpty else { return nil }
        let inflater = Inflater(format: format)
        inflater.feed(bytes)
        do {
            // One byte past the limit tells "exactly the limit" from "over it" without inflating further.
            let output = try inflater.inflate(upTo: limit == .max ? limit : limit + 1)
            guard output.count <= limit else { return nil }
            try inflater.finish()
            return output
        } catch {
            return nil
        }
    }
}

/// Decompresses a stream that arrives in pieces, giving out at most a chosen amount at a time: a
/// small compressed chunk can stand for gigabytes, so memory follows what the caller asks for, not
/// what the sender packed.
///
/// ```swift
/// let inflater = Inflater(format: .gzip)
/// for chunk in compressedChunks {
///     inflater.feed(chunk)
///     while case let piece = try inflater.inflate(upTo: 64 * 1024), !piece.isEmpty { use(piece) }
/// }
/// try inflater.finish()   // throws .truncated if the stream stopped early
/// ```
///
/// Like zlib's own stream, an `Inflater` belongs to one task at a time.
public final class Inflater {
    /// Why the input could not be decompressed.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not a stream of the expected format, or damaged (zlib's message).
        case damaged(String)
        /// The input stopped before the compressed stream ended.
        case truncated

        public var description: String {
            switch self {
            case .damaged(let message): "the compressed data is damaged or not in the expected format (\(message))"
            case .truncated: "the compressed data ends before its stream does"
            }
        }
    }

    /// zlib keeps a pointer back to its `z_stream` and checks it on every call, so the stream needs an
    /// address that never moves: its own allocation, not a stored property.
    private let stream: UnsafeMutablePointer<z_stream>
    private var format: Compression.Format
    private var initialised = false
    private var input: [UInt8] = []
    private var inputOffset = 0
    /// Decoded bytes wait here between zlib and the caller's array; allocated on first use.
    private var scratch: UnsafeMutableBufferPointer<UInt8>?
    private var fedAnything = false
    /// The current stream (gzip: member) has ended.
    private var isComplete = false
    /// At least one stream (gzip: member) has ended; what follows it may be ignored.
    private var completedOne = false
    /// The last call filled its output: zlib may hold more even with no input left.
    private var outputPending = false
    /// After the end: what follows is ignored (trailing bytes, or what is not another gzip member).
    private var discarding = false

    public init(format: Compression.Format) {
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if initialised { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch?.deallocate()
    }

    /// Adds compressed bytes after those fed before.
    public func feed(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !discarding else { return }
        fedAnything = true
        if inputOffset == input.count {
            input = bytes
        } else {
            input.removeSubrange(..<inputOffset)
            input += bytes
        }
        inputOffset = 0
    }

    /// Decompresses what has been fed, returning at most `limit` bytes. Empty means it needs more
    /// input (or the stream has ended); call again while it returns a full `limit`.
    public func inflate(upTo limit: Int) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        while output.count < limit, inputOffset < input.count || outputPending, !discarding {
            if !initialised {
                guard try start() else { break }
            } else if isComplete {
                // Only gzip continues after its end: a file of several members is one stream (RFC 1952).
                guard format == .gzip, input[inputOffset] == 0x1f, inflateReset(stream) == Z_OK else {
                    discarding = true
                    break
                }
                isComplete = false
            }
            let room = min(limit - output.count, 32 * 1024)
            let scratch = scratch ?? .allocate(capacity: 32 * 1024)
            self.scratch = scratch
            let (result, consumed, produced) = input.withUnsafeMutableBufferPointer { bytes in
                stream.pointee.next_in = bytes.baseAddress.map { $0 + inputOffset }
                stream.pointee.avail_in = uInt(bytes.count - inputOffset)
                stream.pointee.next_out = scratch.baseAddress
                stream.pointee.avail_out = uInt(room)
                let result = CZlib.inflate(stream, Z_NO_FLUSH)
                return (result, bytes.count - inputOffset - Int(stream.pointee.avail_in), room - Int(stream.pointee.avail_out))
            }
            inputOffset += consumed
            // A full output buffer may leave decoded bytes inside zlib even when all input is taken.
            outputPending = result == Z_OK && produced == room
            output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<produced]))
            switch result {
            case Z_STREAM_END:
                isComplete = true
                completedOne = true
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: zlib wants input it has not been given yet.
                return output
            default:
                // What follows a whole gzip member and does not decode is trailing garbage to gzip
                // readers (urllib3 too): ignored. A damaged first stream is an error.
                if completedOne {
                    discarding = true
                    return output
                }
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                throw .damaged(message)
            }
        }
        return output
    }

    /// Says the input has ended: throws `.truncated` if a stream was begun and not finished. An empty
    /// input is no stream at all and passes (a `HEAD` answer, or a 204, may name an encoding).
    /// After a whole gzip member, an unfinished next one counts as trailing bytes, as for gzip readers.
    public func finish() throws(Failure) {
        guard fedAnything, !completedOne else { return }
        throw .truncated
    }

    /// Initialises zlib once the format is known; false while `.zlibOrRaw` still lacks two bytes.
    private func start() throws(Failure) -> Bool {
        if format == .zlibOrRaw {
            guard input.count - inputOffset >= 2 else { return false }
            let cmf = UInt16(input[inputOffset]), flg = UInt16(input[inputOffset + 1])
            // RFC 1950: method 8 (deflate), a window of at most 32 KiB, and a header check multiple of 31.
            format = cmf & 0x0f == 8 && cmf >> 4 <= 7 && (cmf << 8 | flg) % 31 == 0 ? .zlib : .raw
        }
        guard httpbun_inflate_init(stream, format.windowBits) == Z_OK else { throw .damaged("zlib could not start (out of memory)") }
        initialised = true
        return true
    }
}
