import Files
import Foundation

/// A whole file mapped read-only into memory: tensors are read straight from the page cache, never copied
/// as a whole. The mapping lives as long as this object.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        let fd: Int32, size: Int
        do {
            (fd, size) = try InputFile.open(path)
        } catch let error as InputFileError {
            throw CheckpointError(error.isMissing ? .notFound : .io, file: path, error.reason)
        }
        defer { close(fd) }
        guard size > 0 else {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw CheckpointError(.io, file: path, "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }

    var count: Int { bytes.count }

    /// The bytes in `range`, which the caller has checked lies inside the file.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    /// A little-endian integer at `offset`, or nil when it does not fit inside the file.
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        guard offset >= 0, offset <= count - MemoryLayout<T>.size else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
