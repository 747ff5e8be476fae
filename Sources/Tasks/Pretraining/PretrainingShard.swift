import Files
import Foundation

/// One shard file, memory-mapped and checked (magic, version, dimensions, size and payload checksum).
/// Records are decoded on demand.
final class PretrainingShard: @unchecked Sendable {
    let path: String
    let header: PretrainingShardHeader
    private let data: Data

    /// Maps and checks `path`.
    ///
    /// - Throws: ``PretrainingError`` naming the file: unreadable, not a shard, truncated, checksum mismatch.
    init(path: String) throws {
        self.path = path
        do {
            try InputFile.check(path)
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch let error as InputFileError {
            throw PretrainingError.unreadableFile(path: path, reason: error.reason)
        } catch {
            throw PretrainingError.unreadableFile(path: path, reason: "cannot be read")
        }
        header = try data.withUnsafeBytes { try PretrainingShardHeader($0, path: path) }
        let actual = data.withUnsafeBytes { raw -> UInt64 in
            var hash = FNV1a64()
            hash.update(UnsafeRawBufferPointer(rebasing: raw[PretrainingShardHeader.size...]))
            return hash.value
        }
        guard actual == header.checksum else {
            throw PretrainingError.invalidShard(path: path, reason: String(format: "payload checksum %016llx does not match the header's %016llx (corrupt file)",
                                                                           actual, header.checksum))
        }
    }

    /// The instance in record `index` (0 ≤ index < count).
    ///
    /// - Throws: ``PretrainingError/invalidShard(path:reason:)`` for a record whose fields are out of range.
    func instance(at index: Int) throws -> PretrainingInstance {
        let header = header
        return try data.withUnsafeBytes { raw in
            let base = PretrainingShardHeader.size + index * header.recordSize
            let record = UnsafeRawBufferPointer(rebasing: raw[base..<(base + header.recordSize)])
            func u16(_ offset: Int) -> Int { Int(UInt16(littleEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) }
            func id(_ offset: Int) -> Int32 {
                header.tokenIDWidth == 2 ? Int32(u16(offset))
                    : Int32(bitPattern: UInt32(littleEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            }
            let count = u16(0), segmentB = u16(2), predictions = u16(4), randomNext = record[6]
            func fail(_ reason: String) -> PretrainingError { .invalidShard(path: path, reason: "record \(index): \(reason)") }
            guard (3...header.maxSeqLength).contains(count) else { throw fail("token count \(count) outside 3...\(header.maxSeqLength)") }
            guard (2..<count).contains(segmentB) else { throw fail("segment B start \(segmentB) outside 2..<\(count)") }
            guard predictions <= header.maxPredictions else { throw fail("\(predictions) predictions, more than \(header.maxPredictions)") }
            guard randomNext <= 1 else { throw fail("is_random_next byte \(randomNext), expected 0 or 1") }
            let width = header.tokenIDWidth
            let tokens = (0..<count).map { id(8 + $0 * width) }
            let positions = (0..<predictions).map { Int32(u16(header.positionsOffset + 2 * $0)) }
            let labels = (0..<predictions).map { id(header.labelsOffset + $0 * width) }
            if let bad = tokens.first(where: { $0 < 0 || Int($0) >= header.vocabularySize }) ?? labels.first(where: { $0 < 0 || Int($0) >= header.vocabularySize }) {
                throw fail("token id \(bad) outside the vocabulary (size \(header.vocabularySize))")
            }
            if let bad = positions.first(where: { Int($0) >= count }) { throw fail("masked position \(bad) outside 0..<\(count)") }
            let segments = [Int32](repeating: 0, count: segmentB) + [Int32](repeating: 1, count: count - segmentB)
            return PretrainingInstance(tokenIDs: tokens, segmentIDs: segments, maskedPositions: positions, maskedLabels: labels,
                                       isRandomNext: randomNext == 1)
        }
    }
}
