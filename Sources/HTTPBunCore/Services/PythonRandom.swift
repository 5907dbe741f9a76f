/// CPython's `random.Random`: MT19937 seeded as `random.seed(int)` seeds it (the integer's
/// absolute value as 32-bit words, `init_by_array`), and `randint` as CPython draws it (rejection
/// sampling over `getrandbits`). python httpbin's `/bytes/{n}?seed=` is
/// `bytearray(random.randint(0, 255) for i in range(n))`: the same seed gives the same bytes here.
///
/// ```swift
/// var random = PythonRandom(seed: "42")!
/// random.randint(0, 255)   // 57, as python's random.seed(42); random.randint(0, 255)
/// ```
struct PythonRandom: Sendable {
    private static let n = 624
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// The generator `random.seed(int(text))` makes; nil where python's `int()` refuses the text.
    init?(seed text: String) {
        guard let words = Self.magnitudeWords(text) else { return nil }
        seedByArray(words)
    }

    /// Seeded with these 32-bit words of the seed's magnitude, least significant first.
    init(words: [UInt32]) {
        seedByArray(words.isEmpty ? [0] : words)
    }

    private mutating func seedByArray(_ key: [UInt32]) {
        state[0] = 19_650_218
        for i in 1..<Self.n {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        var i = 1
        var j = 0
        for _ in 0..<max(Self.n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= Self.n {
                state[0] = state[Self.n - 1]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= Self.n {
                state[0] = state[Self.n - 1]
                i = 1
            }
        }
        state[0] = 0x8000_0000
        index = Self.n
    }

    /// `genrand_uint32`: the next 32 tempered bits.
    mutating func next32() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for k in 0..<Self.n {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % Self.n] & 0x7FFF_FFFF)
            state[k] = state[(k + 397) % Self.n] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// `random.randint(low, high)` for a range that fits 32 bits: `getrandbits(k)` for `k` the bit
    /// length of the width, drawn again while it falls outside.
    mutating func randint(_ low: Int, _ high: Int) -> Int {
        let width = UInt32(high - low + 1)
        let bits = 32 - width.leadingZeroBitCount
        while true {
            let value = next32() >> (32 - bits)
            if value < width { return low + Int(value) }
        }
    }

    /// `count` bytes as python httpbin draws them, one `randint(0, 255)` each.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(randint(0, 255)) }
    }

    /// python's `int(text)`, clamped to `Int`'s range; nil where `int()` raises.
    ///
    /// ```swift
    /// PythonRandom.int(" -1_000 ")   // -1000
    /// ```
    static func int(_ text: String) -> Int? {
        guard let words = magnitudeWords(text) else { return nil }
        let magnitude = words.count > 2 ? UInt64.max : UInt64(words[0]) | (words.count > 1 ? UInt64(words[1]) << 32 : 0)
        let negative = text.drop { $0.isWhitespace }.first == "-"
        return negative ? (magnitude > UInt64(Int.max) ? Int.min : -Int(magnitude)) : Int(clamping: magnitude)
    }

    /// python's `int(text)` for a decimal integer (surrounding whitespace, a sign, `_` between
    /// digits), as the 32-bit words of its magnitude, least significant first; nil where `int()`
    /// raises.
    static func magnitudeWords(_ text: String) -> [UInt32]? {
        var body = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        while let last = body.last, last == " " || last == "\t" || last == "\n" || last == "\r" || last == "\u{0B}" || last == "\u{0C}" {
            body = body.dropLast()
        }
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard let first = body.first, first.isASCII, first.isNumber, body.last?.isASCII == true, body.last?.isNumber == true,
            !body.contains("__")
        else { return nil }
        var digits: [UInt32] = []
        for character in body where character != "_" {
            guard let digit = character.asciiValue, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            digits.append(UInt32(digit - UInt8(ascii: "0")))
        }
        // Repeated division of the decimal digits by 2^32 gives the words, lowest first.
        var words: [UInt32] = []
        while !digits.isEmpty {
            var quotient: [UInt32] = []
            var remainder: UInt64 = 0
            for digit in digits {
                let current = remainder * 10 + UInt64(digit)
                let q = current >> 32
                remainder = current & 0xFFFF_FFFF
                if !quotient.isEmpty || q != 0 { quotient.append(UInt32(q)) }
            }
            words.append(UInt32(remainder))
            digits = quotient
        }
        while words.count > 1 && words.last == 0 { words.removeLast() }
        return words.isEmpty ? [0] : words
    }
}
