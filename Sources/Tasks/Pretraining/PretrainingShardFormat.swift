/// The layout of a pre-training shard (`.sbpt`), format version 1: a 64-byte header and fixed-size records,
/// all integers little-endian, so a reader can map the file and reach instance *i* at
/// `64 + i × recordSize` in O(1).
///
/// Header (byte offset, type, field):
///
/// | offset | type    | field |
/// |-------:|---------|-------|
/// | 0      | 8 bytes | magic `"SBPTDATA"` |
/// | 8      | UInt32  | format version (1) |
/// | 12     | UInt32  | header size (64) |
/// | 16     | UInt32  | max_seq_length *S* |
/// | 20     | UInt32  | max_predictions_per_seq *P* |
/// | 24     | UInt32  | vocabulary size (every id is below it) |
/// | 28     | UInt32  | token id width *w* in bytes: 2 when the vocabulary size ≤ 65536, else 4 |
/// | 32     | UInt64  | instance count *N* |
/// | 40     | UInt32  | record size *R* |
/// | 44     | UInt32  | reserved (0) |
/// | 48     | UInt64  | FNV-1a 64 checksum of the payload (every byte after the header) |
/// | 56     | 8 bytes | reserved (0) |
///
/// Record (*R* bytes = 8 + w·S + 2·P + w·P, rounded up to a multiple of 4; the tail is zero):
///
/// | offset      | type         | field |
/// |------------:|--------------|-------|
/// | 0           | UInt16       | number of real tokens *n* (`[CLS] A [SEP] B [SEP]`) |
/// | 2           | UInt16       | start of segment B (segment ids are 0 before it, 1 from it to *n*) |
/// | 4           | UInt16       | number of predictions *p* |
/// | 6           | UInt8        | is_random_next (0 or 1) |
/// | 7           | UInt8        | reserved (0) |
/// | 8           | w × S        | token ids (after masking), zero beyond *n* |
/// | 8 + w·S     | UInt16 × P   | masked positions, ascending, zero beyond *p* |
/// | 8 + w·S + 2P| w × P        | original ids at the masked positions, zero beyond *p* |
///
/// FNV-1a 64 starts from 0xcbf29ce484222325 and, per byte, xors the byte in and multiplies by 0x100000001b3
/// (mod 2⁶⁴).
public struct PretrainingShardHeader: Sendable, Equatable {
    /// The first eight bytes of every shard.
    public static let magic: [UInt8] = Array("SBPTDATA".utf8)
    /// The format version this code writes and reads.
    public static let version: UInt32 = 1
    /// Bytes before the first record.
    public static let size = 64

    /// max_seq_length.
    public var maxSeqLength: Int
    /// max_predictions_per_seq.
    public var maxPredictions: Int
    /// Every token id is below this.
    public var vocabularySize: Int
    /// Records in the file.
    public var instanceCount: Int
    /// FNV-1a 64 of the payload.
    public var checksum: UInt64

    /// Bytes per token id.
    public var tokenIDWidth: Int { vocabularySize <= 65536 ? 2 : 4 }
    /// Bytes per record.
    public var recordSize: Int { (8 + tokenIDWidth * (maxSeqLength + maxPredictions) + 2 * maxPredictions + 3) / 4 * 4 }
    /// Offset of the masked positions inside a record.
    var positionsOffset: Int { 8 + tokenIDWidth * maxSeqLength }
    /// Offset of the masked labels inside a record.
    var labelsOffset: Int { positionsOffset + 2 * maxPredictions }

    /// A header from its fields.
    public init(maxSeqLength: Int, maxPredictions: Int, vocabularySize: Int, instanceCount: Int, checksum: UInt64) {
        self.maxSeqLength = maxSeqLength
        self.maxPredictions = maxPredictions
        self.vocabularySize = vocabularySize
        self.instanceCount = instanceCount
        self.checksum = checksum
    }

    /// The 64 header bytes.
    public var bytes: [UInt8] {
        var out = Self.magic
        out.reserveCapacity(Self.size)
        for value in [Self.version, UInt32(Self.size), UInt32(maxSeqLength), UInt32(maxPredictions), UInt32(vocabularySize),
                      UInt32(tokenIDWidth)] { out.appendLittleEndian(value) }
        out.appendLittleEndian(UInt64(instanceCount))
        out.appendLittleEndian(UInt32(recordSize))
        out.appendLittleEndian(UInt32(0))
        out.appendLittleEndian(checksum)
        out += [UInt8](repeating: 0, count: Self.size - out.count)
        return out
    }

    /// Reads and checks a header; `path` names the file in errors.
    ///
    /// - Throws: ``PretrainingError/invalidShard(path:reason:)`` for a wrong magic, another version, or fields
    ///   that contradict each other or the file size.
    public init(_ raw: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ reason: String) -> PretrainingError { .invalidShard(path: path, reason: reason) }
        guard raw.count >= Self.size else { throw fail("the file has \(raw.count) bytes, fewer than the \(Self.size)-byte header (truncated?)") }
        guard Array(raw[0..<8]) == Self.magic else { throw fail("wrong magic (expected \"SBPTDATA\"; is this a shard written by `bert create-pretraining-data`?)") }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        guard u32(8) == Int(Self.version) else { throw fail("format version \(u32(8)); this reader reads version \(Self.version)") }
        guard u32(12) == Self.size else { throw fail("header size \(u32(12)); expected \(Self.size)") }
        maxSeqLength = u32(16)
        maxPredictions = u32(20)
        vocabularySize = u32(24)
        let count = u64(32)
        checksum = u64(48)
        guard (5...65535).contains(maxSeqLength) else { throw fail("max_seq_length \(maxSeqLength); expected 5...65535") }
        guard (1...maxSeqLength).contains(maxPredictions) else { throw fail("max_predictions \(maxPredictions); expected 1...\(maxSeqLength)") }
        guard vocabularySize >= 1 else { throw fail("vocabulary size 0") }
        guard count <= UInt64(Int.max / 65536) else { throw fail("instance count \(count) is impossibly large") }
        instanceCount = Int(count)
        guard u32(28) == tokenIDWidth else { throw fail("token id width \(u32(28)); expected \(tokenIDWidth) for vocabulary size \(vocabularySize)") }
        guard u32(40) == recordSize else { throw fail("record size \(u32(40)); expected \(recordSize) for these dimensions") }
        // Checked arithmetic: a corrupt count must give this error, not an overflow trap.
        let (payload, overflow) = instanceCount.multipliedReportingOverflow(by: recordSize)
        guard !overflow, payload <= Int.max - Self.size else {
            throw fail("instance count \(instanceCount) × record size \(recordSize) does not fit in a file of \(raw.count) bytes")
        }
        let expected = Self.size + payload
        guard raw.count == expected else {
            throw fail("the file has \(raw.count) bytes; \(instanceCount) records of \(recordSize) bytes need \(expected)\(raw.count < expected ? " (truncated?)" : "")")
        }
    }
}

/// FNV-1a, 64 bits, fed incrementally.
public struct FNV1a64: Sendable {
    /// The hash of the bytes so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The hash of nothing.
    public init() {}

    /// Feeds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        value = h
    }
}

extension Array where Element == UInt8 {
    /// Appends an integer's little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
