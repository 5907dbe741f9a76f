import Testing
@testable import HTTPCompression

@Suite("zlib and brotli")
struct CompressionTests {
    static let sample = Array(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 200).utf8)

    @Test("each format round-trips and carries its own header", arguments: [Compression.Format.gzip, .zlib, .raw])
    func roundTrip(format: Compression.Format) throws {
        let packed = Compression.compress(Self.sample, format: format)
        #expect(packed.count < Self.sample.count / 10)
        #expect(Compression.decompress(packed, format: format) == Self.sample)
        switch format {
        case .gzip: #expect(Array(packed.prefix(3)) == [0x1F, 0x8B, 0x08])
        case .zlib:
            #expect(packed[0] & 0x0F == 8, "CM = deflate")
            #expect((Int(packed[0]) << 8 | Int(packed[1])) % 31 == 0, "FCHECK")
        default: break
        }
    }

    @Test("automatic decoding takes gzip and zlib; empty input round-trips")
    func automatic() {
        #expect(Compression.decompress(Compression.compress(Self.sample, format: .gzip), format: .automatic) == Self.sample)
        #expect(Compression.decompress(Compression.compress(Self.sample, format: .zlib), format: .automatic) == Self.sample)
        #expect(Compression.decompress(Compression.compress([], format: .gzip), format: .gzip) == [])
    }

    @Test("damaged, truncated, mismatched and oversized inputs give nil")
    func failures() {
        let packed = Compression.compress(Self.sample, format: .gzip)
        #expect(Compression.decompress(Array(packed.dropLast(10)), format: .gzip) == nil, "truncated")
        var damaged = packed
        damaged[damaged.count - 5] ^= 0xFF
        #expect(Compression.decompress(damaged, format: .gzip) == nil, "bad CRC or length")
        #expect(Compression.decompress(packed, format: .zlib) == nil, "gzip is not zlib")
        #expect(Compression.decompress(Array("not compressed".utf8), format: .automatic) == nil)
        #expect(Compression.decompress(packed, format: .gzip, limit: 100) == nil, "over the limit")
        #expect(Compression.decompress([], format: .gzip) == nil)
    }

    @Test("the streaming inflater decodes input split anywhere, in pieces no larger than asked",
          arguments: [Compression.Format.gzip, .zlib, .raw])
    func streaming(format: Compression.Format) throws {
        let packed = Compression.compress(Self.sample, format: format)
        let decoding: Compression.Format = format == .gzip ? .gzip : .zlibOrRaw
        for size in 1...packed.count {
            let inflater = Inflater(format: decoding)
            var output: [UInt8] = []
            var index = 0
            while index < packed.count {
                inflater.feed(Array(packed[index..<min(index + size, packed.count)]))
                index += size
                while case let piece = try inflater.inflate(upTo: 100), !piece.isEmpty {
                    #expect(piece.count <= 100)
                    output += piece
                }
            }
            try inflater.finish()
            #expect(output == Self.sample, "chunks of \(size)")
        }
    }

    @Test("zlibOrRaw tells zlib from raw deflate by the header")
    func zlibOrRaw() {
        #expect(Compression.decompress(Compression.compress(Self.sample, format: .zlib), format: .zlibOrRaw) == Self.sample)
        #expect(Compression.decompress(Compression.compress(Self.sample, format: .raw), format: .zlibOrRaw) == Self.sample)
        #expect(Compression.decompress(Array("not compressed".utf8), format: .zlibOrRaw) == nil)
    }

    @Test("gzip members are joined; what follows a whole stream is ignored")
    func membersAndTrailingBytes() {
        let members = Compression.compress(Array("one ".utf8), format: .gzip) + Compression.compress(Array("two".utf8), format: .gzip)
        #expect(Compression.decompress(members, format: .gzip) == Array("one two".utf8))
        #expect(Compression.decompress(members + Array("\u{1f}junk".utf8), format: .gzip) == Array("one two".utf8))
        #expect(Compression.decompress(Compression.compress(Self.sample, format: .zlib) + [1, 2, 3], format: .zlib) == Self.sample)
    }

    @Test("truncation and damage are told apart; an empty input passes finish")
    func inflaterFailures() throws {
        let packed = Compression.compress(Self.sample, format: .gzip)
        let cut = Inflater(format: .gzip)
        cut.feed(Array(packed.dropLast(10)))
        _ = try cut.inflate(upTo: .max)
        #expect(throws: Inflater.Failure.truncated) { try cut.finish() }
        let damaged = Inflater(format: .gzip)
        damaged.feed(Array("not compressed at all".utf8))
        #expect {
            _ = try damaged.inflate(upTo: .max)
        } throws: { error in
            if case .damaged = error as? Inflater.Failure { true } else { false }
        }
        try Inflater(format: .gzip).finish()
    }

    @Test("exactly the limit passes, one byte less does not")
    func limitEdges() {
        let zeros = Compression.compress([UInt8](repeating: 0, count: 1 << 20), format: .gzip)
        #expect(Compression.decompress(zeros, format: .gzip, limit: 1 << 20)?.count == 1 << 20)
        #expect(Compression.decompress(zeros, format: .gzip, limit: (1 << 20) - 1) == nil)
    }

    @Test("brotli round-trips when the system libraries load")
    func brotli() throws {
        guard Brotli.canCompress, Brotli.canDecompress else {
            #expect(Brotli.compress(Self.sample) == nil || !Brotli.canDecompress)
            return
        }
        let packed = try #require(Brotli.compress(Self.sample))
        #expect(packed.count < Self.sample.count / 10)
        #expect(Brotli.decompress(packed) == Self.sample)
        #expect(Brotli.decompress(Array(packed.dropLast(3)), limit: 1 << 20) == nil)
        #expect(Brotli.decompress(try #require(Brotli.compress([]))) == [])
    }

    /// Everything `decoder` gives for `input` fed in pieces of `size`, asked for at most `limit` at a time.
    static func drain(_ decoder: any Decompressor, _ input: [UInt8], size: Int, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            decoder.feed(Array(input[index..<min(index + size, input.count)]))
            index += size
            while case let piece = try decoder.inflate(upTo: limit), !piece.isEmpty {
                #expect(piece.count <= limit)
                out += piece
            }
        }
        try decoder.finish()
        return out
    }

    @Test("brotli and zstd decode in pieces, at most what is asked at a time; an empty input passes finish")
    func streamingDecoders() throws {
        #expect(Brotli.canDecompress && Zstd.canDecompress, "libbrotlidec and libzstd should be installed here")
        let brotli = try #require(Brotli.compress(Self.sample))
        let zstd = try #require(Zstd.compress(Self.sample))
        for size in [1, 5, brotli.count] {
            #expect(try Self.drain(Brotli.Decoder(), brotli, size: size, limit: 100) == Self.sample)
            #expect(try Self.drain(Zstd.Decoder(), zstd, size: size, limit: 100) == Self.sample)
        }
        for decoder in [Brotli.Decoder(), Zstd.Decoder()] as [any Decompressor] {
            try decoder.finish()
        }
        let cut = Zstd.Decoder()
        cut.feed(Array(zstd.dropLast(4)))
        _ = try cut.inflate(upTo: .max)
        #expect(throws: Inflater.Failure.truncated) { try cut.finish() }
        let cutBrotli = Brotli.Decoder()
        cutBrotli.feed(Array(brotli.dropLast(4)))
        _ = try cutBrotli.inflate(upTo: .max)
        #expect(throws: Inflater.Failure.truncated) { try cutBrotli.finish() }
    }

    @Test("a chain undoes stacked codings, the last applied first")
    func chain() throws {
        let brotliOfGzip = try #require(Brotli.compress(Compression.compress(Self.sample, format: .gzip)))
        let stacked = try #require(Zstd.compress(brotliOfGzip))
        let decoder = DecompressorChain([Zstd.Decoder(), Brotli.Decoder(), Inflater(format: .gzip)])
        #expect(try Self.drain(decoder, stacked, size: 3, limit: 1000) == Self.sample)
        let cut = DecompressorChain([Brotli.Decoder(), Inflater(format: .gzip)])
        cut.feed(Array(brotliOfGzip.dropLast(2)))
        _ = try cut.inflate(upTo: .max)
        #expect(throws: Inflater.Failure.truncated) { try cut.finish() }
    }
}
