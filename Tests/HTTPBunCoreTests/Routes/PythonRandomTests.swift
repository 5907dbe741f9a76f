@testable import HTTPBunCore
import Testing

@Suite("python's random.Random, as python httpbin's seeded bytes draw it")
struct PythonRandomTests {
    /// Each row printed by CPython 3.11: `random.seed(s); bytes(random.randint(0, 255) for _ in range(12)).hex()`.
    @Test("the same seed gives python's bytes", arguments: [
        ("0", "c5d71484f8cf9bf4b76f4790"), ("1", "4420823cfde6f1c26b30f90e"), ("42", "390c8c7d7247342cd8100f2f"),
        ("-7", "a54dca182530bb1d6d132cde"), ("1099511627781", "890e175428447a467ec23e75"),
        ("1000000000000000000000000000000", "fa3fb20ba84ad3e845d9a600"), (" +4_2 ", "390c8c7d7247342cd8100f2f"),
    ])
    func seededBytes(seed: String, hex: String) throws {
        var random = try #require(PythonRandom(seed: seed))
        #expect(Hex.encode(random.bytes(12)) == hex)
    }

    @Test("what python's int() refuses is no seed", arguments: ["", "4.0", "0x10", "4__2", "_42", "42_", "abc", "--1"])
    func refusedSeeds(seed: String) {
        #expect(PythonRandom(seed: seed) == nil)
    }

    @Test("python's int(): whitespace, sign, underscores between digits; clamped to Int")
    func pythonInt() {
        #expect(PythonRandom.int(" -1_000 ") == -1000)
        #expect(PythonRandom.int("+7") == 7)
        #expect(PythonRandom.int("99999999999999999999999") == Int.max)
        #expect(PythonRandom.int("-99999999999999999999999") == Int.min)
        #expect(PythonRandom.int("1.5") == nil)
    }

    @Test("--flavor httpbin: /bytes and /stream-bytes give python's bytes for a seed, names case-insensitive")
    func httpbinFlavorBytes() {
        let configuration = ServerConfiguration(flavor: .httpbin)
        #expect(Hex.encode(respond("GET", "/bytes/12?seed=42", configuration: configuration).bodyBytes) == "390c8c7d7247342cd8100f2f")
        #expect(Hex.encode(respond("GET", "/bytes/12?SEED=42", configuration: configuration).bodyBytes) == "390c8c7d7247342cd8100f2f")
        let streamed = respond("GET", "/stream-bytes/12?seed=42&chunk_size=5", configuration: configuration)
        guard case .stream(let stream) = streamed.body else { Issue.record("a stream"); return }
        #expect(stream.chunks.map(\.bytes.count) == [5, 5, 2])
        #expect(Hex.encode(streamed.bodyBytes) == "390c8c7d7247342cd8100f2f")
        guard case .stream(let ones) = respond("GET", "/stream-bytes/3?seed=1&chunk_size=0", configuration: configuration).body else { Issue.record("a stream"); return }
        #expect(ones.chunks.map(\.bytes.count) == [1, 1, 1], "max(1, int(chunk_size))")
        #expect(respond("GET", "/bytes/4?seed=4.5", configuration: configuration).status == 400)
    }
}
