@testable import HTTPBun
import Testing

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
}
