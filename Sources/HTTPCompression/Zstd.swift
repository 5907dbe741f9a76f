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
    private typealias CreateStreamFunction = @convention(c) () -> OpaquePointer?
    private typealias FreeStreamFunction = @convention(c) (OpaquePointer?) -> Int
    /// `ZSTD_inBuffer` and `ZSTD_outBuffer` are three words each (pointer, size, position), passed as such.
    private typealias StreamFunction = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> Int
    private typealias ErrorNameFunction = @convention(c) (Int) -> UnsafePointer<CChar>?

    /// Symbol addresses as integers, Sendable without an unchecked conformance (as in `Brotli`).
    private struct Symbols: Sendable {
        var compress = 0
        var bound = 0
        var isError = 0
        var decompress = 0
        var frameContentSize = 0
        var createStream = 0
        var freeStream = 0
        var decompressStream = 0
        var errorName = 0
    }

    private static let symbols: Symbols = {
        var symbols = Symbols()
        guard let library = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL) else { return symbols }
        symbols.compress = Int(bitPattern: dlsym(library, "ZSTD_compress"))
        symbols.bound = Int(bitPattern: dlsym(library, "ZSTD_compressBound"))
        symbols.isError = Int(bitPattern: dlsym(library, "ZSTD_isError"))
        symbols.decompress = Int(bitPattern: dlsym(library, "ZSTD_decompress"))
        symbols.frameContentSize = Int(bitPattern: dlsym(library, "ZSTD_getFrameContentSize"))
        symbols.createStream = Int(bitPattern: dlsym(library, "ZSTD_createDStream"))
        symbols.freeStream = Int(bitPattern: dlsym(library, "ZSTD_freeDStream"))
        symbols.decompressStream = Int(bitPattern: dlsym(library, "ZSTD_decompressStream"))
        symbols.errorName = Int(bitPattern: dlsym(library, "ZSTD_getErrorName"))
        // Usable only whole: a library missing one of these is treated as missing.
        if symbols.compress == 0 || symbols.bound == 0 || symbols.isError == 0 { symbols.compress = 0 }
        if [symbols.decompress, symbols.frameContentSize, symbols.isError, symbols.createStream, symbols.freeStream,
            symbols.decompressStream, symbols.errorName].contains(0) {
            symbols.decompress = 0
        }
        return symbols
    }()

    /// Whether libzstd could be loaded.
    public static var isAvailable: Bool { symbols.compress != 0 }
    /// Whether libzstd's decoder could be loaded (whole frames and streams both).
    public static var canDecompress: Bool { symbols.decompress != 0 }

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

    /// Zstandard frames decoded as they arrive (what `Content-Encoding: zstd` needs), including frames
    /// that do not state their size and several frames one after the other, giving out at most what is
    /// asked at a time, as `Inflater` does for zlib.
    ///
    /// ```swift
    /// let decoder = Zstd.Decoder()
    /// decoder.feed(chunk)
    /// let piece = try decoder.inflate(upTo: 64 * 1024)
    /// try decoder.finish()
    /// ```
    ///
    /// Where libzstd is missing (`canDecompress` is false), decoding throws `.damaged`.
    public final class Decoder: Decompressor {
        private let stream: OpaquePointer?
        private var input = PendingInput()
        private let scratch = Scratch()
        /// A frame has begun and not ended.
        private var frameOpen = false
        private var completedOne = false
        /// The last call filled its output: the decoder may hold more even with no input left.
        private var outputPending = false

        public init() {
            stream = Zstd.function(Zstd.symbols.createStream, as: CreateStreamFunction.self).flatMap { $0() }
        }

        deinit {
            if let stream, let free = Zstd.function(Zstd.symbols.freeStream, as: FreeStreamFunction.self) { _ = free(stream) }
        }

        public func feed(_ bytes: [UInt8]) { input.append(bytes) }

        public func inflate(upTo limit: Int) throws(Inflater.Failure) -> [UInt8] {
            guard let stream, let decompress = Zstd.function(Zstd.symbols.decompressStream, as: StreamFunction.self),
                let isError = Zstd.function(Zstd.symbols.isError, as: IsErrorFunction.self)
            else {
                if input.isEmpty { return [] }
                throw .damaged("libzstd is not available")
            }
            var output: [UInt8] = []
            while output.count < limit, !input.isEmpty || outputPending {
                let room = min(limit - output.count, Scratch.size)
                let (result, consumed, produced) = input.consume { unread in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 6) { words in
                        let inBuffer = words.baseAddress!, outBuffer = words.baseAddress! + 3
                        inBuffer[0] = Int(bitPattern: unread.baseAddress)
                        inBuffer[1] = unread.count
                        inBuffer[2] = 0
                        outBuffer[0] = Int(bitPattern: scratch.buffer.baseAddress)
                        outBuffer[1] = room
                        outBuffer[2] = 0
                        let result = decompress(stream, outBuffer, inBuffer)
                        return (inBuffer[2], (result, inBuffer[2], outBuffer[2]))
                    }
                }
                if isError(result) != 0 {
                    let name = Zstd.function(Zstd.symbols.errorName, as: ErrorNameFunction.self)?(result).map { String(cString: $0) }
                    throw .damaged(name ?? "zstd error")
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch.buffer[..<produced]))
                // 0: a frame ended and everything it holds has been given out. Asked again with no input
                // after that, zstd answers with the size of the next frame's header: no frame has begun.
                if result == 0 {
                    (frameOpen, completedOne) = (false, true)
                } else if consumed > 0 || produced > 0 {
                    frameOpen = true
                }
                outputPending = result != 0 && produced == room
            }
            return output
        }

        public func finish() throws(Inflater.Failure) {
            if input.fedAnything && (frameOpen || !completedOne) { throw .truncated }
        }
    }
}
