#if canImport(Glibc)
    import Glibc
#endif

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
    /// The allocator arguments are function pointers, passed as nil (the library's malloc and free).
    fileprivate typealias CreateFunction = @convention(c) (UnsafeRawPointer?, UnsafeRawPointer?, UnsafeMutableRawPointer?) -> OpaquePointer?
    fileprivate typealias DestroyFunction = @convention(c) (OpaquePointer?) -> Void
    fileprivate typealias StreamFunction = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<Int>, UnsafeMutablePointer<UnsafePointer<UInt8>?>,
        UnsafeMutablePointer<Int>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>?
    ) -> Int32
    fileprivate typealias ErrorCodeFunction = @convention(c) (OpaquePointer?) -> Int32
    fileprivate typealias ErrorStringFunction = @convention(c) (Int32) -> UnsafePointer<CChar>?

    /// Symbol addresses kept as integers: a plain integer is Sendable, so the lookup can be done
    /// once and shared by every thread without an unchecked conformance.
    private struct Symbols: Sendable {
        var compress: Int = 0
        var maxCompressedSize: Int = 0
        var decompress: Int = 0
        var createDecoder = 0
        var destroyDecoder = 0
        var decompressStream = 0
        var errorCode = 0
        var errorString = 0
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
            symbols.createDecoder = Int(bitPattern: dlsym(decoder, "BrotliDecoderCreateInstance"))
            symbols.destroyDecoder = Int(bitPattern: dlsym(decoder, "BrotliDecoderDestroyInstance"))
            symbols.decompressStream = Int(bitPattern: dlsym(decoder, "BrotliDecoderDecompressStream"))
            symbols.errorCode = Int(bitPattern: dlsym(decoder, "BrotliDecoderGetErrorCode"))
            symbols.errorString = Int(bitPattern: dlsym(decoder, "BrotliDecoderErrorString"))
            // Usable only whole: a library missing one of these is treated as missing.
            if [symbols.createDecoder, symbols.destroyDecoder, symbols.decompressStream, symbols.errorCode, symbols.errorString].contains(0) {
                symbols.decompress = 0
            }
        }
        return symbols
    }()

    /// Whether the encoder library could be loaded.
    public static var canCompress: Bool { symbols.compress != 0 }
    /// Whether the decoder library could be loaded (whole and streaming decoding both work then).
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

    private static func function<F>(_ address: Int, as type: F.Type) -> F? {
        UnsafeRawPointer(bitPattern: address).map { unsafeBitCast($0, to: type) }
    }

    /// A brotli stream decoded as it arrives (what `Content-Encoding: br` needs), giving out at most
    /// what is asked at a time, as `Inflater` does for zlib.
    ///
    /// ```swift
    /// let decoder = Brotli.Decoder()
    /// decoder.feed(chunk)
    /// let piece = try decoder.inflate(upTo: 64 * 1024)
    /// try decoder.finish()
    /// ```
    ///
    /// Where libbrotlidec is missing (`canDecompress` is false), decoding throws `.damaged`.
    public final class Decoder: Decompressor {
        private let state: OpaquePointer?
        private var input = PendingInput()
        private let scratch = Scratch()
        private var isComplete = false
        /// The last call filled its output: the decoder may hold more even with no input left.
        private var outputPending = false

        public init() {
            state = Brotli.function(Brotli.symbols.createDecoder, as: CreateFunction.self).flatMap { $0(nil, nil, nil) }
        }

        deinit {
            if let state, let destroy = Brotli.function(Brotli.symbols.destroyDecoder, as: DestroyFunction.self) { destroy(state) }
        }

        public func feed(_ bytes: [UInt8]) {
            // Bytes after the end of the stream are ignored, as after a gzip member.
            if !isComplete { input.append(bytes) }
        }

        public func inflate(upTo limit: Int) throws(Inflater.Failure) -> [UInt8] {
            guard let state, let decompress = Brotli.function(Brotli.symbols.decompressStream, as: StreamFunction.self) else {
                if input.isEmpty { return [] }
                throw .damaged("libbrotlidec is not available")
            }
            var output: [UInt8] = []
            while output.count < limit, !isComplete, !input.isEmpty || outputPending {
                let room = min(limit - output.count, Scratch.size)
                var written: UnsafeMutablePointer<UInt8>? = scratch.buffer.baseAddress
                var availableOut = room
                let result = input.consume { unread in
                    var next = unread.baseAddress
                    var availableIn = unread.count
                    let result = decompress(state, &availableIn, &next, &availableOut, &written, nil)
                    return (unread.count - availableIn, result)
                }
                let produced = room - availableOut
                output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch.buffer[..<produced]))
                outputPending = result == 3   // BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT
                switch result {
                case 1: isComplete = true   // SUCCESS
                case 2, 3: continue         // NEEDS_MORE_INPUT (all input taken), NEEDS_MORE_OUTPUT
                default:
                    let code = Brotli.function(Brotli.symbols.errorCode, as: ErrorCodeFunction.self)?(state) ?? 0
                    let name = Brotli.function(Brotli.symbols.errorString, as: ErrorStringFunction.self)?(code).map { String(cString: $0) }
                    throw .damaged(name ?? "brotli error \(code)")
                }
            }
            return output
        }

        public func finish() throws(Inflater.Failure) {
            if input.fedAnything && !isComplete { throw .truncated }
        }
    }
}
