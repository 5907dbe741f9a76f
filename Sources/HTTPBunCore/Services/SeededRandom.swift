import HTTPWire

/// A small deterministic generator (SplitMix64): the same seed gives the same bytes on every
/// machine and every run, so `/bytes/16?seed=1` is reproducible.
struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }


    /// A generator for a `seed` query argument: an integer, or none for a random seed. Other text
    /// is an error rather than a random seed, so a test relying on its seed fails instead of flaking.
    ///
    /// ```swift
    /// SeededRandom.parse(seed: request.queryValue("seed"), else: &generator)   // "42" → seeded, nil → from generator, "abc" → error
    /// ```
    public static func parse<Generator: RandomNumberGenerator>(
        seed text: String?, else fallback: inout Generator
    ) throws(HTTPError) -> SeededRandom {
        guard let text else { return SeededRandom(seed: fallback.next()) }
        guard let seed = seed(text) else {
            throw .badRequest("invalid seed \"\(text)\": use a whole number such as 42")
        }
        return SeededRandom(seed: seed)
    }

    /// `text` as a seed: an unsigned integer, or a negative one's bit pattern.
    private static func seed(_ text: String) -> UInt64? {
        UInt64(text) ?? Int64(text).map { UInt64(bitPattern: $0) }
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(count)
        while output.count < count {
            var word = next()
            for _ in 0..<min(8, count - output.count) {
                output.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return output
    }
}
