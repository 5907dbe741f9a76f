/// The hash functions HTTP's own protocols name, in pure Swift: MD5, SHA-256 and SHA-512 for Digest
/// authentication (RFC 7616), SHA-1 for the WebSocket handshake (RFC 6455), and HMAC (RFC 2104) for
/// the server's stateless nonces and tokens. None of them guards a secret here: they compute
/// the values those protocols define. Written here (RFC 1321, FIPS 180-4) rather than taken from
/// a crypto library, so that the server binary carries no crypto library at all (issue 20: the
/// binary's size); `HashFunctionTests` checks every one against the standards' own vectors.
///
/// ```swift
/// let hex = Hex.encode(HashFunction.sha256.hash(Array("abc".utf8)))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public enum HashFunction: Sendable, CaseIterable {
    case md5
    case sha1
    case sha256
    case sha512

    /// The length of a digest in bytes.
    public var byteCount: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// The block the function compresses at a time, which is also HMAC's key block.
    var blockByteCount: Int { self == .sha512 ? 128 : 64 }

    /// The digest of `bytes`.
    public func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var message = Array(bytes)
        let bitCount = UInt64(truncatingIfNeeded: message.count) &* 8
        // Padding: 0x80, zeros, then the bit length in the last 8 (SHA-512: 16) bytes of a block.
        let lengthField = self == .sha512 ? 16 : 8
        message.append(0x80)
        while (message.count + lengthField) % blockByteCount != 0 { message.append(0) }
        if self == .sha512 { message.append(contentsOf: repeatElement(0, count: 8)) }
        for shift in 0..<8 {
            // MD5 writes the length little-endian, the SHA family big-endian.
            let byte = self == .md5 ? shift : 7 - shift
            message.append(UInt8(truncatingIfNeeded: bitCount >> (8 * UInt64(byte))))
        }
        switch self {
        case .md5: return Self.md5(padded: message)
        case .sha1: return Self.sha1(padded: message)
        case .sha256: return Self.sha256(padded: message)
        case .sha512: return Self.sha512(padded: message)
        }
    }

    /// HMAC (RFC 2104) of `message` under `key`: `H((K ^ opad) || H((K ^ ipad) || message))`.
    public func authenticationCode<Message: Sequence<UInt8>>(for message: Message, key: [UInt8]) -> [UInt8] {
        var block = key.count > blockByteCount ? hash(key) : key
        block.append(contentsOf: repeatElement(0, count: blockByteCount - block.count))
        let inner = hash(block.map { $0 ^ 0x36 } + Array(message))
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    /// Whether `code` is the HMAC of `message` under `key`, compared in constant time.
    public func isValidAuthenticationCode<Message: Sequence<UInt8>>(_ code: [UInt8], for message: Message, key: [UInt8]) -> Bool {
        constantTimeEqual(code, authenticationCode(for: message, key: key))
    }

    // MARK: - The compression functions, over a message already padded to whole blocks.

    private static func md5(padded message: [UInt8]) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        var words = [UInt32](repeating: 0, count: 16)
        for block in stride(from: 0, to: message.count, by: 64) {
            for index in 0..<16 { words[index] = littleEndianWord(message, at: block + 4 * index) }
            var (a, b, c, d) = state
            for round in 0..<64 {
                var mixed: UInt32
                let word: Int
                switch round {
                case 0..<16: mixed = (b & c) | (~b & d); word = round
                case 16..<32: mixed = (d & b) | (~d & c); word = (5 * round + 1) % 16
                case 32..<48: mixed = b ^ c ^ d; word = (3 * round + 5) % 16
                default: mixed = c ^ (b | ~d); word = (7 * round) % 16
                }
                mixed = mixed &+ a &+ md5Constants[round] &+ words[word]
                a = d
                d = c
                c = b
                b = b &+ rotateLeft(mixed, md5Shifts[(round / 16) * 4 + round % 4])
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
        }
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for shift in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(shift)))) }
        }
        return digest
    }

    private static func sha1(padded message: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0]
        var schedule = [UInt32](repeating: 0, count: 80)
        for block in stride(from: 0, to: message.count, by: 64) {
            for index in 0..<16 { schedule[index] = bigEndianWord(message, at: block + 4 * index) }
            for index in 16..<80 {
                schedule[index] = rotateLeft(schedule[index - 3] ^ schedule[index - 8] ^ schedule[index - 14] ^ schedule[index - 16], 1)
            }
            var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
            for round in 0..<80 {
                let mixed: UInt32
                let constant: UInt32
                switch round {
                case 0..<20: mixed = (b & c) | (~b & d); constant = 0x5a82_7999
                case 20..<40: mixed = b ^ c ^ d; constant = 0x6ed9_eba1
                case 40..<60: mixed = (b & c) | (b & d) | (c & d); constant = 0x8f1b_bcdc
                default: mixed = b ^ c ^ d; constant = 0xca62_c1d6
                }
                let next = rotateLeft(a, 5) &+ mixed &+ e &+ constant &+ schedule[round]
                e = d
                d = c
                c = rotateLeft(b, 30)
                b = a
                a = next
            }
            for (index, value) in [a, b, c, d, e].enumerated() { state[index] = state[index] &+ value }
        }
        return state.flatMap(bigEndianBytes)
    }

    private static func sha256(padded message: [UInt8]) -> [UInt8] {
        sha2(padded: message, constants: sha256Constants, initial: sha256Initial, rotations: SHA2Rotations(
            schedule0: (7, 18, 3), schedule1: (17, 19, 10), sum0: (2, 13, 22), sum1: (6, 11, 25)))
    }

    private static func sha512(padded message: [UInt8]) -> [UInt8] {
        sha2(padded: message, constants: sha512Constants, initial: sha512Initial, rotations: SHA2Rotations(
            schedule0: (1, 8, 7), schedule1: (19, 61, 6), sum0: (28, 34, 39), sum1: (14, 18, 41)))
    }

    /// SHA-256 and SHA-512 are one algorithm over 32- or 64-bit words (FIPS 180-4 6.2 and 6.4): the
    /// word, the constants, the number of rounds (one per constant) and the rotations differ.
    private static func sha2<Word: FixedWidthInteger & UnsignedInteger>(
        padded message: [UInt8], constants: [Word], initial: [Word], rotations: SHA2Rotations
    ) -> [UInt8] {
        let wordBytes = Word.bitWidth / 8
        func rotateRight(_ value: Word, _ count: Int) -> Word { (value >> count) | (value << (Word.bitWidth - count)) }
        func mix(_ value: Word, _ amounts: (Int, Int, Int)) -> Word {
            rotateRight(value, amounts.0) ^ rotateRight(value, amounts.1) ^ rotateRight(value, amounts.2)
        }
        var state = initial
        var schedule = [Word](repeating: 0, count: constants.count)
        for block in stride(from: 0, to: message.count, by: 16 * wordBytes) {
            for index in 0..<16 {
                let start = block + index * wordBytes
                schedule[index] = message[start..<start + wordBytes].reduce(0) { $0 << 8 | Word($1) }
            }
            for index in 16..<constants.count {
                let (r0, r1, shift0) = rotations.schedule0
                let (r2, r3, shift1) = rotations.schedule1
                let s0 = rotateRight(schedule[index - 15], r0) ^ rotateRight(schedule[index - 15], r1) ^ (schedule[index - 15] >> shift0)
                let s1 = rotateRight(schedule[index - 2], r2) ^ rotateRight(schedule[index - 2], r3) ^ (schedule[index - 2] >> shift1)
                schedule[index] = schedule[index - 16] &+ s0 &+ schedule[index - 7] &+ s1
            }
            var work = state
            for round in 0..<constants.count {
                let (a, b, c, e, f, g, h) = (work[0], work[1], work[2], work[4], work[5], work[6], work[7])
                let first = h &+ mix(e, rotations.sum1) &+ ((e & f) ^ (~e & g)) &+ constants[round] &+ schedule[round]
                let second = mix(a, rotations.sum0) &+ ((a & b) ^ (a & c) ^ (b & c))
                work = [first &+ second, a, b, c, work[3] &+ first, e, f, g]
            }
            for index in 0..<8 { state[index] = state[index] &+ work[index] }
        }
        return state.flatMap { word in (0..<wordBytes).reversed().map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}

/// SHA-2's rotation amounts: the message schedule's σ0 and σ1 (two rotations, then a shift) and the
/// rounds' Σ0 and Σ1 (three rotations each).
private struct SHA2Rotations {
    let schedule0: (Int, Int, Int)
    let schedule1: (Int, Int, Int)
    let sum0: (Int, Int, Int)
    let sum1: (Int, Int, Int)
}

private func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 { (value << count) | (value >> (32 - count)) }

private func bigEndianWord(_ bytes: [UInt8], at index: Int) -> UInt32 {
    UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
}

private func littleEndianWord(_ bytes: [UInt8], at index: Int) -> UInt32 {
    UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
}

private func bigEndianBytes(_ word: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
}

/// RFC 1321's per-round shifts, four for each of the four rounds.
private let md5Shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

/// `floor(abs(sin(i + 1)) * 2^32)` (RFC 1321 section 3.4).
private let md5Constants: [UInt32] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 4.2.2).
private let sha256Constants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

/// The first 32 bits of the fractional parts of the square roots of the first 8 primes (FIPS 180-4 5.3.3).
private let sha256Initial: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]

/// The first 64 bits of the fractional parts of the cube roots of the first 80 primes (FIPS 180-4 4.2.3).
private let sha512Constants: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
        0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
        0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
        0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
        0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
        0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
        0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
        0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]

/// The first 64 bits of the fractional parts of the square roots of the first 8 primes (FIPS 180-4 5.3.5).
private let sha512Initial: [UInt64] = [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]
