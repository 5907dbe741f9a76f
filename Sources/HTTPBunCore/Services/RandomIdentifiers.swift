import HTTPWire

/// Random identifiers for `/uuid` and nonces.
package enum RandomIdentifiers {
    /// A random (version 4) UUID in lower-case hex with dashes.
    public static func uuid4<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return Hex.encode(bytes[0..<4]) + "-" + Hex.encode(bytes[4..<6]) + "-" + Hex.encode(bytes[6..<8]) + "-"
            + Hex.encode(bytes[8..<10]) + "-" + Hex.encode(bytes[10..<16])
    }

    /// `byteCount` random bytes in lower-case hex (httpbun's `RandomString` is 16 of them).
    public static func hex<Generator: RandomNumberGenerator>(byteCount: Int, using generator: inout Generator) -> String {
        Hex.encode((0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
