import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// zlib compression and decompression, without Foundation.
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

        /// zlib's `windowBits`, which selects the wrapper.
        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlib: 15
            case .raw: -15
            case .automatic: 15 + 32
            }
        }
    }

    /// Compresses `bytes`. `level` is zlib's, 0 (store) to 9 (best); -1 is zlib's default (6).
    /// `.automatic` compresses as zlib.
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
    /// Bytes after the end of the compressed stream are ignored.
    public static func decompress(_ bytes: [UInt8], format: Format, limit: Int = 64 * 1024 * 1024) -> [UInt8]? {
        var stream = z_stream()
        guard httpbun_inflate_init(&stream, format.windowBits) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 64 * 1024)
        return input.withUnsafeMutableBufferPointer { inputBuffer -> [UInt8]? in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let (result, produced) = piece.withUnsafeMutableBufferPointer { pieceBuffer in
                    stream.next_out = pieceBuffer.baseAddress
                    stream.avail_out = uInt(pieceBuffer.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    return (result, pieceBuffer.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else { return nil }
                output.append(contentsOf: piece[0..<produced])
                switch result {
                case Z_STREAM_END:
                    return output
                case Z_OK:
                    continue
                default:
                    // Z_BUF_ERROR here means no progress was possible: the input ended early.
                    return nil
                }
            }
        }
    }
}

/// Brotli through the system's shared libraries, found at run time so that the package has no
/// build-time dependency on them: where they are missing, `/brotli` answers 501 instead.
public enum Brotli {
    private typealias CompressFunction = @convention(c) (
        Int32, Int32, Int32, Int, UnsafePointer<UInt8>?, UnsafeMutablePointer<Int>, UnsafeMutablePointer<UInt8>?
    ) -> Int32
    private typealias MaxSizeFunction = @convention(c) (Int) -> Int
    private typealias DecompressFunction = @convention(c) (
        Int, UnsafePointer<UInt8>?, UnsafeMutablePointer<Int>, UnsafeMutablePointer<UInt8>?
    ) -> Int32

    /// Symbol addresses kept as integers: a plain integer is Sendable, so the lookup can be done
    /// once and shared by every thread without an unchecked conformance.
    private struct Symbols: Sendable {
        var compress: Int = 0
        var maxCompressedSize: Int = 0
        var decompress: Int = 0
    }

    private static let symbols: Symbols = {
        var symbols = Symbols()
        // RTLD_LOCAL keeps the libraries' symbols out of the global namespace.
        if let encoder = dlopen("libbrotlienc.so.1", RTLD_NOW | RTLD_LOCAL) {
            symbols.compress = Int(bitPattern: dlsym(encoder, "BrotliEncoderCompress"))
            symbols.maxCompressedSize = Int(bitPattern: dlsym(encoder, "BrotliEncoderMaxCompressedSize"))
        }
        if let decoder = dlopen("libbrotlidec.so.1", RTLD_NOW | RTLD_LOCAL) {
            symbols.decompress = Int(bitPattern: dlsym(decoder, "BrotliDecoderDecompress"))
        }
        return symbols
    }()

    /// Whether the encoder library could be loaded.
    public static var canCompress: Bool { symbols.compress != 0 }
    /// Whether the decoder library could be loaded.
    public static var canDecompress: Bool { symbols.decompress != 0 }

    /// Brotli-compresses `bytes` (quality 5, a speed/size balance for small JSON); nil when the
    /// encoder library is not available or fails.
    public static func compress(_ bytes: [UInt8], quality: Int32 = 5) -> [UInt8]? {
        guard let address = UnsafeRawPointer(bitPattern: symbols.compress) else { return nil }
        let compress = unsafeBitCast(address, to: CompressFunction.self)
        var capacity = bytes.count + bytes.count / 2 + 1024
        if let maxAddress = UnsafeRawPointer(bitPattern: symbols.maxCompressedSize) {
            let bound = unsafeBitCast(maxAddress, to: MaxSizeFunction.self)(bytes.count)
            // 0 means "too large to bound"; keep the generous guess then.
            if bound > 0 { capacity = bound }
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        // lgwin 22 is the library's default window; mode 0 is BROTLI_MODE_GENERIC.
        let ok = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                compress(quality, 22, 0, input.count, input.baseAddress, &size, out.baseAddress)
            }
        }
        guard ok == 1 else { return nil }
        output.removeSubrange(size...)
        return output
    }

    /// Decompresses a whole brotli stream; nil when the decoder library is missing, the data is
    /// damaged, or it would inflate beyond `limit` bytes.
    public static func decompress(_ bytes: [UInt8], limit: Int = 64 * 1024 * 1024) -> [UInt8]? {
        guard let address = UnsafeRawPointer(bitPattern: symbols.decompress) else { return nil }
        let decompress = unsafeBitCast(address, to: DecompressFunction.self)
        // The one-shot API cannot say how much room it needs, so grow and retry.
        var capacity = max(1024, bytes.count * 4)
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let result = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    decompress(input.count, input.baseAddress, &size, out.baseAddress)
                }
            }
            if result == 1 {  // BROTLI_DECODER_RESULT_SUCCESS
                output.removeSubrange(size...)
                return output
            }
            guard capacity < limit else { return nil }
            capacity = min(limit, capacity * 4)
        }
    }
}
