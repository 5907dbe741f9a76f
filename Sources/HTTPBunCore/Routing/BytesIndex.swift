import HTTPWire

/// Values by byte-string keys, found by the bytes they are given, so matching a path neither
/// makes a `String` of each segment nor hashes it with SipHash.
struct BytesIndex<Value: Sendable>: Sendable {
    /// Every key's bytes, one after another; key `k` is `blob[starts[k]..<starts[k + 1]]`.
    private let blob: [UInt8]
    private let starts: [Int]
    private let values: [Value]
    /// Open addressing by FNV-1a: a key's number + 1, or 0 for an empty slot. A power of two long,
    /// at most a quarter full.
    private let slots: [Int]

    init(_ valuesByKey: [String: Value]) {
        var blob: [UInt8] = []
        var starts = [0]
        var values: [Value] = []
        var slots = [Int](repeating: 0, count: max(8, (valuesByKey.count * 4).nextPowerOfTwo))
        for (key, value) in valuesByKey.sorted(by: { $0.key < $1.key }) {
            var slot = Self.hash(Array(key.utf8)) & (slots.count - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = values.count + 1
            blob += key.utf8
            starts.append(blob.count)
            values.append(value)
        }
        self.blob = blob
        self.starts = starts
        self.values = values
        self.slots = slots
    }

    func value(for key: Substring) -> Value? {
        var key = key
        return key.withUTF8 { value(for: $0) }
    }

    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let found: Int? = blob.withUnsafeBufferPointer { blob in
            let mask = slots.count - 1
            var slot = Self.hash(bytes) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if UnsafeBufferPointer(rebasing: blob[starts[entry - 1]..<starts[entry]]).sameBytes(as: bytes) { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }
        return found.map { values[$0] }
    }

    private static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ hash >> 32)
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
