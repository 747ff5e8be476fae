import Compute
import Foundation

/// Builds one shard in memory — records appended in creation order, written in a final order — and writes it
/// atomically (temporary file, fsync, rename). The format is ``PretrainingShardHeader``'s.
struct PretrainingShardWriter {
    private var layout: PretrainingShardHeader
    private var records: [UInt8] = []

    init(maxSeqLength: Int, maxPredictions: Int, vocabularySize: Int) {
        layout = PretrainingShardHeader(maxSeqLength: maxSeqLength, maxPredictions: maxPredictions,
                                        vocabularySize: vocabularySize, instanceCount: 0, checksum: 0)
    }

    /// Records appended so far.
    var count: Int { layout.instanceCount }

    /// Appends an instance's record. The instance must fit the dimensions (the builder guarantees it).
    mutating func append(_ instance: PretrainingInstance) {
        let start = records.count
        records.appendLittleEndian(UInt16(instance.tokenIDs.count))
        records.appendLittleEndian(UInt16(instance.segmentBStart))
        records.appendLittleEndian(UInt16(instance.maskedPositions.count))
        records += [instance.isRandomNext ? 1 : 0, 0]
        appendIDs(instance.tokenIDs, padTo: layout.maxSeqLength)
        for position in instance.maskedPositions { records.appendLittleEndian(UInt16(position)) }
        records += [UInt8](repeating: 0, count: 2 * (layout.maxPredictions - instance.maskedPositions.count))
        appendIDs(instance.maskedLabels, padTo: layout.maxPredictions)
        records += [UInt8](repeating: 0, count: start + layout.recordSize - records.count)
        layout.instanceCount += 1
    }

    private mutating func appendIDs(_ ids: [Int32], padTo length: Int) {
        if layout.tokenIDWidth == 2 {
            for id in ids { records.appendLittleEndian(UInt16(truncatingIfNeeded: id)) }
        } else {
            for id in ids { records.appendLittleEndian(UInt32(bitPattern: id)) }
        }
        records += [UInt8](repeating: 0, count: layout.tokenIDWidth * (length - ids.count))
    }

    /// Writes the records in `order` (element k is the index of the record to put k-th) to `path`.
    func write(order: [Int], to path: String) throws {
        let size = layout.recordSize
        var data = Data(count: PretrainingShardHeader.size + records.count)
        var header = layout
        data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
            records.withUnsafeBytes { source in
                for (slot, index) in order.enumerated() {
                    let target = PretrainingShardHeader.size + slot * size
                    out.baseAddress!.advanced(by: target).copyMemory(from: source.baseAddress!.advanced(by: index * size), byteCount: size)
                }
            }
            var hash = FNV1a64()
            hash.update(UnsafeRawBufferPointer(rebasing: out[PretrainingShardHeader.size...]))
            header.checksum = hash.value
            header.bytes.withUnsafeBytes { out.copyMemory(from: $0) }
        }
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw PretrainingError.unwritableFile(path: path, reason: "\(error)")
        }
    }
}
