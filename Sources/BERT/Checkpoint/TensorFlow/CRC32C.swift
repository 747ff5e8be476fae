/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as LevelDB tables and TensorFlow tensor bundles
/// store it: "masked" by rotating right 15 bits and adding 0xa282ead8, so that a CRC of data that itself
/// contains CRCs stays well distributed.
enum CRC32C {
    /// Slicing-by-8 tables, flattened: entry `k * 256 + b` is the CRC contribution of byte `b` followed by `k`
    /// zero bytes.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0x82F6_3B78 : 0) }
            table[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return table
    }()

    /// The CRC-32C of `bytes`, continuing from `crc` (0 for a fresh start).
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return table.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return crc }
            var value = ~crc
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let low = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ value
                let high = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                value = t[7 * 256 + Int(low & 0xff)] ^ t[6 * 256 + Int((low >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xff)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xff)] ^ t[2 * 256 + Int((high >> 8) & 0xff)]
                    ^ t[256 + Int((high >> 16) & 0xff)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < count {
                value = (value >> 8) ^ t[Int((value ^ UInt32(base.load(fromByteOffset: i, as: UInt8.self))) & 0xff)]
                i += 1
            }
            return ~value
        }
    }

    /// The stored ("masked") form of a CRC.
    static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8
    }

    /// The CRC a masked value stands for.
    static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- 0xa282_ead8
        return (rotated >> 17) | (rotated << 15)
    }
}
