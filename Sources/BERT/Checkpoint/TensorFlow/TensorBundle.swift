import Foundation

/// A TensorFlow checkpoint in the tensor-bundle format (what `tf.train.Saver` writes): `PREFIX.index`, a
/// LevelDB table mapping each variable name to a BundleEntryProto (dtype, shape, shard, offset, size, CRC-32C),
/// with a BundleHeaderProto under the empty key; and `PREFIX.data-0000N-of-0000M`, the raw little-endian tensors.
///
/// Opening reads and checks the index and maps every data shard; each tensor's bytes are checked against its
/// CRC when read.
public final class TensorBundle: @unchecked Sendable {
    /// One variable's index entry.
    public struct Entry: Sendable {
        public let name: String
        /// TensorFlow's dtype name (`DT_FLOAT`, `DT_INT64`…).
        public let dtypeName: String
        /// The element type SwiftBERT reads, or nil for types it does not (strings, booleans…).
        public let dtype: TensorDType?
        public let shape: [Int]
        /// Index of the data shard holding the bytes.
        public let shard: Int
        /// Byte range inside the shard.
        public let byteRange: Range<Int>
        /// The masked CRC-32C of the bytes, as stored.
        let maskedCRC: UInt32
        /// True for a partitioned variable, whose data lives in slices under other keys.
        public let isSliced: Bool
    }

    /// The checkpoint prefix, e.g. `…/bert_model.ckpt`.
    public let prefix: String
    /// `PREFIX.index`.
    public var indexPath: String { prefix + ".index" }
    /// Variables in name order.
    public let entries: [Entry]
    private let shards: [MappedFile]
    private let indexByName: [String: Int]

    /// Opens `PREFIX.index` and its data shards.
    public init(prefix: String) throws {
        self.prefix = prefix
        let indexPath = prefix + ".index"
        let table = try SSTable(file: MappedFile(path: indexPath)).entries()
        guard let first = table.first, first.key.isEmpty else {
            throw CheckpointError(.malformed, file: indexPath, subject: "header entry",
                                  "the first key of a tensor bundle must be the empty key holding BundleHeaderProto")
        }
        let shardCount = try Self.parseHeader(first.value, file: indexPath)
        var shards: [MappedFile] = []
        for shard in 0..<shardCount {
            shards.append(try MappedFile(path: Self.dataPath(prefix: prefix, shard: shard, of: shardCount)))
        }
        var entries: [Entry] = []
        for item in table.dropFirst() where item.key.first != 0 {
            // Keys starting with a zero byte are the slices of partitioned variables, read via their parent.
            guard let name = String(validating: item.key, as: UTF8.self) else {
                throw CheckpointError(.malformed, file: indexPath, subject: "key \(item.key.prefix(40))", "is not UTF-8")
            }
            entries.append(try Self.parseEntry(name, item.value, shards: shards, file: indexPath))
        }
        self.entries = entries
        self.shards = shards
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.name] = i }
        self.indexByName = index
    }

    /// `PREFIX.data-0000N-of-0000M`.
    public static func dataPath(prefix: String, shard: Int, of count: Int) -> String {
        func five(_ n: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        return "\(prefix).data-\(five(shard))-of-\(five(count))"
    }

    /// The index entry of a variable, or nil.
    public func entry(_ name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// A tensor's stored bytes, after checking them against the CRC in the index.
    public func bytes(of name: String) throws -> UnsafeRawBufferPointer {
        guard let entry = entry(name) else {
            throw CheckpointError(.unknownTensor, file: indexPath, subject: "tensor '\(name)'", "not in this checkpoint")
        }
        guard !entry.isSliced else {
            throw CheckpointError(.unsupported, file: indexPath, subject: "tensor '\(name)'",
                                  "is a partitioned (sliced) variable; SwiftBERT reads whole variables only")
        }
        let shard = shards[entry.shard]
        let bytes = shard.slice(entry.byteRange)
        let actual = CRC32C.checksum(bytes)
        guard CRC32C.mask(actual) == entry.maskedCRC else {
            throw CheckpointError(.checksumMismatch, file: shard.path, subject: "tensor '\(name)'",
                                  "CRC-32C of its \(bytes.count) bytes at offset \(entry.byteRange.lowerBound) is "
                                  + "0x\(String(actual, radix: 16)), the index says 0x\(String(CRC32C.unmask(entry.maskedCRC), radix: 16))")
        }
        return bytes
    }

    /// The file a tensor's bytes live in.
    public func dataFile(of entry: Entry) -> String { shards[entry.shard].path }

    // MARK: Protocol buffers

    /// BundleHeaderProto: num_shards = 1, endianness = 2 (LITTLE = 0), version = 3. Returns the shard count.
    private static func parseHeader(_ value: [UInt8], file: String) throws -> Int {
        var reader = ProtoReader(value[...])
        var shards: Int64 = 1
        var endianness: UInt64 = 0
        do {
            while let field = try reader.nextField() {
                switch field.number {
                case 1: shards = try reader.int64(field.wireType, field: "num_shards")
                case 2:
                    guard field.wireType == .varint else { throw ProtoReader.Failure(description: "endianness must be a varint") }
                    endianness = try reader.varint()
                default: try reader.skip(field.wireType)
                }
            }
        } catch let failure as ProtoReader.Failure {
            throw CheckpointError(.malformed, file: file, subject: "BundleHeaderProto", "\(failure)")
        }
        guard endianness == 0 else {
            throw CheckpointError(.unsupported, file: file, subject: "BundleHeaderProto field 'endianness'",
                                  "the checkpoint was written big-endian; only little-endian checkpoints are supported")
        }
        guard (1...100_000).contains(shards) else {
            throw CheckpointError(.malformed, file: file, subject: "BundleHeaderProto field 'num_shards'",
                                  "expected between 1 and 100000 data shards, got \(shards)")
        }
        return Int(shards)
    }

    /// BundleEntryProto: dtype = 1, shape = 2, shard_id = 3, offset = 4, size = 5, crc32c = 6 (fixed32),
    /// slices = 7. TensorShapeProto: dim = 2 { size = 1 }.
    private static func parseEntry(_ name: String, _ value: [UInt8], shards: [MappedFile], file: String) throws -> Entry {
        let subject = "tensor '\(name)'"
        var reader = ProtoReader(value[...])
        var dtype: Int64 = 0, shard: Int64 = 0, offset: Int64 = 0, size: Int64 = 0
        var shape: [Int64] = []
        var crc: UInt32 = 0
        var sliced = false
        do {
            while let field = try reader.nextField() {
                switch (field.number, field.wireType) {
                case (1, _): dtype = try reader.int64(field.wireType, field: "dtype")
                case (2, .lengthDelimited): shape = try parseShape(try reader.lengthDelimited())
                case (3, _): shard = try reader.int64(field.wireType, field: "shard_id")
                case (4, _): offset = try reader.int64(field.wireType, field: "offset")
                case (5, _): size = try reader.int64(field.wireType, field: "size")
                case (6, .fixed32): crc = try reader.fixed32()
                case (7, .lengthDelimited):
                    _ = try reader.lengthDelimited()
                    sliced = true
                case (2, _), (6, _), (7, _):
                    throw ProtoReader.Failure(description: "field \(field.number) has the wrong wire type")
                default: try reader.skip(field.wireType)
                }
            }
        } catch let failure as ProtoReader.Failure {
            throw CheckpointError(.malformed, file: file, subject: subject, "bad BundleEntryProto: \(failure)")
        }
        func fail(_ message: String) -> CheckpointError { CheckpointError(.malformed, file: file, subject: subject, message) }
        guard shape.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else { throw fail("shape \(shape) has an invalid dimension") }
        guard (0..<Int64(shards.count)).contains(shard) else {
            throw fail("shard_id \(shard) is not one of the checkpoint's \(shards.count) data shards")
        }
        let shardFile = shards[Int(shard)]
        guard offset >= 0, size >= 0, offset <= Int64(shardFile.count), size <= Int64(shardFile.count) - offset else {
            throw CheckpointError(.truncated, file: shardFile.path, subject: subject,
                                  "bytes [\(offset), \(offset + (size > 0 ? size : 0))) run past the end of the data file "
                                  + "(\(shardFile.count) bytes)")
        }
        let dims = shape.map { Int($0) }
        let type = TFDataType(code: Int(truncatingIfNeeded: dtype))
        if let known = type.tensorDType, !sliced {
            var expected = known.size
            for dimension in dims {
                let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw fail("shape \(dims) is too large") }
                expected = product
            }
            guard Int64(expected) == size else {
                throw fail("holds \(size) bytes, but shape \(dims) of \(type) needs \(expected)")
            }
        }
        return Entry(name: name, dtypeName: type.description, dtype: type.tensorDType, shape: dims, shard: Int(shard),
                     byteRange: Int(offset)..<Int(offset + size), maskedCRC: crc, isSliced: sliced)
    }

    private static func parseShape(_ bytes: ArraySlice<UInt8>) throws -> [Int64] {
        var reader = ProtoReader(bytes)
        var dims: [Int64] = []
        while let field = try reader.nextField() {
            guard field.number == 2, field.wireType == .lengthDelimited else {
                try reader.skip(field.wireType)
                continue
            }
            var dim = ProtoReader(try reader.lengthDelimited())
            var size: Int64 = 0
            while let inner = try dim.nextField() {
                if inner.number == 1 { size = try dim.int64(inner.wireType, field: "dim.size") } else { try dim.skip(inner.wireType) }
            }
            dims.append(size)
        }
        return dims
    }
}
