import COpenCL
import Foundation
import Logging

/// Builds OpenCL programs and caches them in memory (by file, source and options) and on disk (compiled
/// binaries keyed by a hash of source, options, device name, driver and platform version).
///
/// Disk entries are written atomically and store their full key and a checksum, so a stale, colliding or
/// corrupt entry is detected and rebuilt rather than loaded. A build failure dumps the source and the build
/// log next to the cache and reports where.
final class ProgramCache: @unchecked Sendable {
    /// How programs were obtained, for tests and diagnostics.
    struct Statistics: Equatable, Sendable {
        var memoryHits = 0
        var diskHits = 0
        var sourceBuilds = 0
        var rejectedDiskEntries = 0
    }

    private let context: CLContext
    private let device: cl_device_id
    private let deviceKey: String
    /// Folder of compiled binaries, or nil when disk caching is off (folder not writable).
    let directory: URL?
    private var programs: [String: CLProgram] = [:]
    private(set) var statistics = Statistics()
    private let logger = Logger(label: "swiftbert.opencl.programs")

    private static let magic = Array("SBKCACHE1".utf8)

    init(context: CLContext, device: cl_device_id, info: DeviceInfo, directory: URL?) {
        self.context = context
        self.device = device
        deviceKey = "\(info.name)\n\(info.vendor)\n\(info.driverVersion)\n\(info.platform)\n\(info.platformVersion)"
        if let directory, (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil,
           FileManager.default.isWritableFile(atPath: directory.path) {
            self.directory = directory
        } else {
            self.directory = nil
        }
    }

    /// The default cache folder: `$SWIFTBERT_CACHE_DIR`, `$XDG_CACHE_HOME/swiftbert` or `~/.cache/swiftbert`,
    /// with `opencl-programs` inside.
    static func defaultDirectory() -> URL {
        URL(fileURLWithPath: CacheFolder.root()).appendingPathComponent("opencl-programs")
    }

    /// The built program for `source` (named `file` in messages) with build `options`.
    func program(file: String, source: String, options: String) throws -> CLProgram {
        let memoryKey = "\(file)\n\(options)\n\(source)"
        if let program = programs[memoryKey] {
            statistics.memoryHits += 1
            return program
        }
        let key = "swiftbert-opencl-program v1\n\(deviceKey)\n\(options)\n\(source)"
        let hash = StableHash.hex(Array(key.utf8))
        let path = directory?.appendingPathComponent("\(file)-\(hash).bin")
        if let path, let program = loadBinary(at: path, key: key, options: options) {
            statistics.diskHits += 1
            programs[memoryKey] = program
            return program
        }
        logger.info("compiling \(file) for this device (once; cached\(directory == nil ? " in memory only" : "") afterwards)")
        let program = try buildFromSource(file: file, source: source, options: options, hash: hash)
        statistics.sourceBuilds += 1
        if let path { storeBinary(of: program, at: path, key: key) }
        programs[memoryKey] = program
        return program
    }

    // MARK: - Building

    private func buildFromSource(file: String, source: String, options: String, hash: String) throws -> CLProgram {
        var status: cl_int = 0
        let handle: cl_program? = source.withCString { pointer in
            var sourcePointer: UnsafePointer<CChar>? = pointer
            return clCreateProgramWithSource(context.handle, 1, &sourcePointer, nil, &status)
        }
        try OpenCLStatus.check(status, "clCreateProgramWithSource(\(file))")
        guard let handle else { throw ComputeError.openCL(call: "clCreateProgramWithSource(\(file))", status: status) }
        let program = CLProgram(handle)
        var deviceID: cl_device_id? = device
        let buildStatus = clBuildProgram(handle, 1, &deviceID, options, nil, nil)
        if buildStatus != CL_SUCCESS {
            let log = buildLog(program)
            let dump = dumpFailure(file: file, source: source, options: options, log: log, hash: hash)
            throw ComputeError.programBuild(file: file, log: log.isEmpty ? OpenCLStatus.name(buildStatus) : log,
                                            dumpPath: dump)
        }
        return program
    }

    private func buildLog(_ program: CLProgram) -> String {
        (try? OpenCLDiscovery.queryString("clGetProgramBuildInfo") { size, pointer, sizeOut in
            clGetProgramBuildInfo(program.handle, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, pointer, sizeOut)
        }) ?? ""
    }

    /// Writes `<file>-<hash>.failed.cl` (source with the options in a comment) and `.log`; returns the folder.
    private func dumpFailure(file: String, source: String, options: String, log: String, hash: String) -> String? {
        let folder = (directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert"))
            .appendingPathComponent("failed-builds")
        let stem = folder.appendingPathComponent("\(file)-\(hash)")
        do {
            try AtomicFile.write(Data("// build options: \(options)\n\(source)".utf8), to: stem.path + ".failed.cl")
            try AtomicFile.write(Data(log.utf8), to: stem.path + ".log")
            return stem.path + ".failed.cl"
        } catch {
            logger.warning("could not dump the failed build of \(file): \(error)")
            return nil
        }
    }

    // MARK: - Disk cache

    /// File layout: magic, u64 key length, key, u64 binary length, u64 checksum of the binary, binary.
    private func storeBinary(of program: CLProgram, at path: URL, key: String) {
        var size = 0
        guard clGetProgramInfo(program.handle, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size,
                               &size, nil) == CL_SUCCESS, size > 0 else { return }
        var binary = [UInt8](repeating: 0, count: size)
        let status: cl_int = binary.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return clGetProgramInfo(program.handle, cl_program_info(CL_PROGRAM_BINARIES),
                                    MemoryLayout<UnsafeMutablePointer<UInt8>?>.size, &pointer, nil)
        }
        guard status == CL_SUCCESS else { return }
        var data = Data(Self.magic)
        let keyBytes = Array(key.utf8)
        append(UInt64(keyBytes.count), to: &data)
        data.append(contentsOf: keyBytes)
        append(UInt64(binary.count), to: &data)
        append(binary.withUnsafeBytes { StableHash.checksum($0) }, to: &data)
        data.append(contentsOf: binary)
        do {
            try AtomicFile.write(data, to: path.path)
        } catch {
            logger.warning("could not cache the compiled program: \(error)")
        }
    }

    private func loadBinary(at path: URL, key: String, options: String) -> CLProgram? {
        guard let data = try? Data(contentsOf: path) else { return nil }
        guard let binary = parseEntry(data, key: key) else {
            statistics.rejectedDiskEntries += 1
            try? FileManager.default.removeItem(at: path)
            return nil
        }
        var status: cl_int = 0
        var binaryStatus: cl_int = 0
        var deviceID: cl_device_id? = device
        var length = binary.count
        let handle: cl_program? = binary.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return clCreateProgramWithBinary(context.handle, 1, &deviceID, &length, &pointer, &binaryStatus, &status)
        }
        guard status == CL_SUCCESS, binaryStatus == CL_SUCCESS, let handle else {
            statistics.rejectedDiskEntries += 1
            return nil
        }
        let program = CLProgram(handle)
        guard clBuildProgram(handle, 1, &deviceID, options, nil, nil) == CL_SUCCESS else {
            statistics.rejectedDiskEntries += 1
            try? FileManager.default.removeItem(at: path)
            return nil
        }
        return program
    }

    /// The binary of a cache entry whose key matches exactly and whose checksum is right; nil otherwise.
    private func parseEntry(_ data: Data, key: String) -> [UInt8]? {
        let bytes = [UInt8](data)
        var cursor = 0
        func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, cursor + n <= bytes.count else { return nil }
            defer { cursor += n }
            return bytes[cursor..<(cursor + n)]
        }
        func u64() -> UInt64? {
            guard let slice = take(8) else { return nil }
            return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard let magic = take(Self.magic.count), Array(magic) == Self.magic,
              let keyLength = u64(), keyLength < UInt64(bytes.count), let storedKey = take(Int(keyLength)),
              Array(storedKey) == Array(key.utf8),
              let binaryLength = u64(), let checksum = u64(), binaryLength == UInt64(bytes.count - cursor),
              let binary = take(Int(binaryLength)) else { return nil }
        let result = Array(binary)
        guard result.withUnsafeBytes({ StableHash.checksum($0) }) == checksum else { return nil }
        return result
    }

    private func append(_ value: UInt64, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}
