#if canImport(Glibc)
    import Glibc
#endif

/// Zstandard through the system's shared library, found at run time as `Brotli` is, so the binary
/// runs where libzstd is missing: `/zstd` answers 501 there.
public enum Zstd {
    private typealias CompressFunction = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
    private typealias BoundFunction = @convention(c) (Int) -> Int
    private typealias IsErrorFunction = @convention(c) (Int) -> UInt32
    private typealias DecompressFunction = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    private typealias FrameSizeFunction = @convention(c) (UnsafeRawPointer?, Int) -> UInt64

    /// Symbol addresses as integers, Sendable without an unchecked conformance (as in `Brotli`).
    private struct Symbols: Sendable {
        var compress = 0
        var bound = 0
        var isError = 0
        var decompress = 0
        var frameContentSize = 0
    }

    private static let symbols: Symbols = {
        var symbols = Symbols()
        guard let library = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL) else { return symbols }
        symbols.compress = Int(bitPattern: dlsym(library, "ZSTD_compress"))
        symbols.bound = Int(bitPattern: dlsym(library, "ZSTD_compressBound"))
        symbols.isError = Int(bitPattern: dlsym(library, "ZSTD_isError"))
        symbols.decompress = Int(bitPattern: dlsym(library, "ZSTD_decompress"))
        symbols.frameContentSize = Int(bitPattern: dlsym(library, "ZSTD_getFrameContentSize"))
        // Usable only whole: a library missing one of these is treated as missing.
        if symbols.compress == 0 || symbols.bound == 0 || symbols.isError == 0 { symbols.compress = 0 }
        if symbols.decompress == 0 || symbols.frameContentSize == 0 || symbols.isError == 0 { symbols.decompress = 0 }
        return symbols
    }()

    /// Whether libzstd could be loaded.
    public static var isAvailable: Bool { symbols.compress != 0 }

    private static func function<F>(_ address: Int, as type: F.Type) -> F? {
        UnsafeRawPointer(bitPattern: address).map { unsafeBitCast($0, to: type) }
    }

    /// One zstd frame holding `bytes` (level 3, the library's default), with its content size in
    /// the header; nil when libzstd is missing or fails.
    ///
    /// ```swift
    /// let frame = Zstd.compress(Array("hello".utf8))
    /// ```
    public static func compress(_ bytes: [UInt8], level: Int32 = 3) -> [UInt8]? {
        guard let compress = function(symbols.compress, as: CompressFunction.self),
            let bound = function(symbols.bound, as: BoundFunction.self),
            let isError = function(symbols.isError, as: IsErrorFunction.self)
        else { return nil }
        var output = [UInt8](repeating: 0, count: bound(bytes.count))
        let size = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in compress(out.baseAddress, out.count, input.baseAddress, input.count, level) }
        }
        guard isError(size) == 0 else { return nil }
        output.removeSubrange(size...)
        return output
    }

    /// The content of one zstd frame that states its size, up to `limit` bytes; nil when libzstd
    /// is missing, the frame is damaged or does not state its size, or it is larger than `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int = 64 * 1024 * 1024) -> [UInt8]? {
        guard let decompress = function(symbols.decompress, as: DecompressFunction.self),
            let frameContentSize = function(symbols.frameContentSize, as: FrameSizeFunction.self),
            let isError = function(symbols.isError, as: IsErrorFunction.self)
        else { return nil }
        let stated = bytes.withUnsafeBytes { frameContentSize($0.baseAddress, $0.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are the two largest values.
        guard stated < UInt64.max - 1, stated <= UInt64(limit) else { return nil }
        var output = [UInt8](repeating: 0, count: Int(stated))
        let size = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in decompress(out.baseAddress, out.count, input.baseAddress, input.count) }
        }
        guard isError(size) == 0, size == output.count else { return nil }
        return output
    }
}
