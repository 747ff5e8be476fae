/// Reads a LevelDB-format table ("SSTable"), the format of a TensorFlow checkpoint's `.index` file.
///
/// Layout: data blocks, a metaindex block, an index block, then a 48-byte footer — two block handles
/// (varint64 offset, varint64 size each) padded to 40 bytes and the magic number 0xdb4775248b80fb57. Each block
/// is followed by a 5-byte trailer: a compression byte and the masked CRC-32C of the block and that byte.
/// A block holds prefix-compressed entries (shared key length, unshared length, value length as varint32s,
/// the unshared key bytes, the value), then the restart-point offsets (fixed32 each) and their count.
///
/// TensorFlow writes tensor-bundle indexes uncompressed (BundleWriter sets `kNoCompression`), so a
/// Snappy-compressed block is reported as unsupported rather than decoded.
struct SSTable {
    struct Entry {
        let key: [UInt8]
        let value: [UInt8]
    }

    static let magic: UInt64 = 0xdb47_7524_8b80_fb57
    static let footerSize = 48
    static let trailerSize = 5

    private struct BlockHandle {
        let offset: UInt64
        let size: UInt64
    }

    let file: MappedFile

    /// Every entry of the table in key order, after checking every block's checksum.
    func entries() throws -> [Entry] {
        let footerStart = file.count - Self.footerSize
        guard footerStart >= 0 else {
            throw CheckpointError(.truncated, file: file.path,
                                  "the file is \(file.count) bytes; an index file ends with a \(Self.footerSize)-byte footer")
        }
        guard file.littleEndian(UInt64.self, at: file.count - 8) == Self.magic else {
            throw CheckpointError(.malformed, file: file.path,
                                  "the footer does not end with the table magic number 0xdb4775248b80fb57 — not a TensorFlow index file")
        }
        var footer = ProtoReader(ArraySlice(Array(file.slice(footerStart..<(file.count - 8)))))
        let (_, index): (BlockHandle, BlockHandle)
        do {
            (_, index) = (try Self.handle(&footer), try Self.handle(&footer))
        } catch let failure as ProtoReader.Failure {
            throw CheckpointError(.malformed, file: file.path, subject: "footer", "bad block handle: \(failure)")
        }
        var result: [Entry] = []
        var nextDataOffset: UInt64 = 0
        for indexEntry in try blockEntries(index, name: "index block", limit: UInt64(footerStart)) {
            var reader = ProtoReader(indexEntry.value[...])
            let handle: BlockHandle
            do { handle = try Self.handle(&reader) } catch let failure as ProtoReader.Failure {
                throw CheckpointError(.malformed, file: file.path, subject: "index block", "bad data block handle: \(failure)")
            }
            // Data blocks follow one another; a handle pointing backwards is corruption (and would let a
            // crafted file make us parse one block many times).
            guard handle.offset >= nextDataOffset else {
                throw CheckpointError(.malformed, file: file.path, subject: "index block",
                                      "data block at offset \(handle.offset) overlaps the previous one")
            }
            for entry in try blockEntries(handle, name: "data block at offset \(handle.offset)", limit: UInt64(footerStart)) {
                if let last = result.last, !last.key.lexicographicallyPrecedes(entry.key) {
                    throw CheckpointError(.malformed, file: file.path, subject: "data block at offset \(handle.offset)",
                                          "keys are not in increasing order")
                }
                result.append(entry)
            }
            nextDataOffset = handle.offset + handle.size + UInt64(Self.trailerSize)
        }
        return result
    }

    private static func handle(_ reader: inout ProtoReader) throws -> BlockHandle {
        BlockHandle(offset: try reader.varint(), size: try reader.varint())
    }

    /// The entries of one block, after checking its bounds, compression byte and checksum.
    private func blockEntries(_ handle: BlockHandle, name: String, limit: UInt64) throws -> [Entry] {
        let (end, overflow) = handle.offset.addingReportingOverflow(handle.size)
        guard !overflow, end <= limit, UInt64(Self.trailerSize) <= limit - end else {
            throw CheckpointError(.malformed, file: file.path, subject: name,
                                  "block of \(handle.size) bytes at offset \(handle.offset) runs past the end of the data "
                                  + "(\(limit) bytes before the footer)")
        }
        let start = Int(handle.offset)
        let contentsEnd = Int(end)
        let compression = file.bytes[contentsEnd]
        let stored = file.littleEndian(UInt32.self, at: contentsEnd + 1) ?? 0
        let actual = CRC32C.checksum(file.slice(start..<(contentsEnd + 1)))
        guard CRC32C.unmask(stored) == actual else {
            throw CheckpointError(.checksumMismatch, file: file.path, subject: name,
                                  "CRC-32C of the block is 0x\(String(actual, radix: 16)), the trailer says "
                                  + "0x\(String(CRC32C.unmask(stored), radix: 16))")
        }
        switch compression {
        case 0: break
        case 1:
            throw CheckpointError(.unsupported, file: file.path, subject: name,
                                  "Snappy-compressed block; TensorFlow writes checkpoint indexes uncompressed, so this "
                                  + "file was not written by a TensorFlow checkpoint saver")
        default:
            throw CheckpointError(.malformed, file: file.path, subject: name, "unknown compression type \(compression)")
        }
        do {
            return try Self.parseBlock(Array(file.slice(start..<contentsEnd)))
        } catch let failure as ProtoReader.Failure {
            throw CheckpointError(.malformed, file: file.path, subject: name, "\(failure)")
        }
    }

    private static func parseBlock(_ block: [UInt8]) throws -> [Entry] {
        guard block.count >= 4 else { throw ProtoReader.Failure(description: "block of \(block.count) bytes has no restart count") }
        let restartCount = Int(UInt32(block[block.count - 4]) | UInt32(block[block.count - 3]) << 8
                               | UInt32(block[block.count - 2]) << 16 | UInt32(block[block.count - 1]) << 24)
        guard restartCount <= (block.count - 4) / 4 else {
            throw ProtoReader.Failure(description: "\(restartCount) restart points do not fit in a block of \(block.count) bytes")
        }
        let entriesEnd = block.count - 4 - 4 * restartCount
        var reader = ProtoReader(block[0..<entriesEnd])
        var entries: [Entry] = []
        var key: [UInt8] = []
        while !reader.isAtEnd {
            let shared = try reader.varint32()
            let unshared = try reader.varint32()
            let valueLength = try reader.varint32()
            guard shared <= key.count else {
                throw ProtoReader.Failure(description: "an entry shares \(shared) key bytes with a key of \(key.count)")
            }
            key = Array(key[0..<shared]) + (try reader.take(unshared))
            entries.append(Entry(key: key, value: Array(try reader.take(valueLength))))
        }
        return entries
    }
}
