// A stand-in for swift-crypto in the fuzz build only: the fuzzers target parsers, not hashes, and
// building BoringSSL with sanitizer coverage would take longer than the fuzzing itself. The API is
// the tiny subset Sources/HTTPBun/HTTP/DigestChallenge.swift calls; the "hashes" are FNV-1a
// stretched to the real lengths, deterministic but NOT cryptographic. Never link this elsewhere.

public struct FuzzDigest: Sequence, Sendable {
    public let bytes: [UInt8]
    public func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
}

func fnvStretch<Bytes: Sequence<UInt8>>(_ data: Bytes, length: Int, seed: UInt64) -> FuzzDigest {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
    for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    var out: [UInt8] = []
    while out.count < length {
        hash = (hash ^ UInt64(out.count)) &* 0x100_0000_01b3
        for shift in stride(from: 0, to: 64, by: 8) where out.count < length { out.append(UInt8(truncatingIfNeeded: hash >> UInt64(shift))) }
    }
    return FuzzDigest(bytes: out)
}

public protocol FuzzHashFunction { static var length: Int { get } }

public enum Insecure {
    public enum MD5: FuzzHashFunction {
        public static let length = 16
        public static func hash<D: Sequence<UInt8>>(data: D) -> FuzzDigest { fnvStretch(data, length: 16, seed: 5) }
    }
    /// `/websocket/echo`'s Sec-WebSocket-Accept.
    public enum SHA1: FuzzHashFunction {
        public static let length = 20
        public static func hash<D: Sequence<UInt8>>(data: D) -> FuzzDigest { fnvStretch(data, length: 20, seed: 1) }
    }
}

public enum SHA256: FuzzHashFunction {
    public static let length = 32
    public static func hash<D: Sequence<UInt8>>(data: D) -> FuzzDigest { fnvStretch(data, length: 32, seed: 256) }
}

public enum SHA512: FuzzHashFunction {
    public static let length = 64
    public static func hash<D: Sequence<UInt8>>(data: D) -> FuzzDigest { fnvStretch(data, length: 64, seed: 512) }
}

public struct SymmetricKey: Sendable {
    let bytes: [UInt8]
    public init<D: Sequence<UInt8>>(data: D) { bytes = Array(data) }
}

public enum HMAC<H: FuzzHashFunction> {
    public static func authenticationCode<D: Sequence<UInt8>>(for data: D, using key: SymmetricKey) -> FuzzDigest {
        fnvStretch(key.bytes + Array(data), length: H.length, seed: 0x484d4143)
    }

    public static func isValidAuthenticationCode<C: Collection<UInt8>, D: Sequence<UInt8>>(
        _ code: C, authenticating data: D, using key: SymmetricKey
    ) -> Bool {
        Array(authenticationCode(for: data, using: key)) == Array(code)
    }
}
