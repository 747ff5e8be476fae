/// A 128-bit FNV-1a hash (two 64-bit lanes with different offsets), stable across runs and platforms.
/// Used for cache file names; not cryptographic — the cache stores and compares the full key as well.
enum StableHash {
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5c)) &* 0x0000_0100_0000_01b3
        }
        return hex64(a) + hex64(b)
    }

    static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
