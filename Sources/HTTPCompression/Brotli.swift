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
