import Compute
import Foundation

/// Writes Float32 safetensors files the way the official library lays them out: tensors sorted by name, the
/// compact JSON header (`__metadata__` first, then `{"dtype","shape","data_offsets"}` per tensor in data order)
/// padded with spaces to a multiple of 8 bytes, then the tensors back to back. Reading a written file gives
/// back the same bits.
public enum SafetensorsWriter {
    /// The whole file as bytes. `path` names the destination in errors.
    public static func encode(_ tensors: [TensorPayload], metadata: [String: String] = ["format": "pt"],
                              path: String) throws -> Data {
        let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var offsets: [Range<Int>] = []
        var next = 0
        for (i, tensor) in sorted.enumerated() {
            if i > 0, sorted[i - 1].name == tensor.name {
                throw CheckpointError(.malformed, file: path, subject: "tensor '\(tensor.name)'", "appears twice")
            }
            guard !tensor.name.isEmpty, tensor.name != "__metadata__" else {
                throw CheckpointError(.malformed, file: path, subject: "tensor '\(tensor.name)'", "is not a valid tensor name")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError(.shapeMismatch, file: path, subject: "tensor '\(tensor.name)'",
                                      "shape \(tensor.shape) has a negative dimension")
            }
            let bytes = tensor.count * TensorDType.float32.size
            offsets.append(next..<(next + bytes))
            next += bytes
        }
        var header = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONWriter.quoted($0)):\(JSONWriter.quoted(metadata[$0] ?? ""))" }
            members.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for (tensor, range) in zip(sorted, offsets) {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(JSONWriter.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                           + "\"data_offsets\":[\(range.lowerBound),\(range.upperBound)]}")
        }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var data = Data(count: 8 + headerBytes.count + next)
        try data.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            headerBytes.withUnsafeBytes { header in
                UnsafeMutableRawBufferPointer(rebasing: raw[8..<(8 + header.count)]).copyMemory(from: header)
            }
            let dataStart = 8 + headerBytes.count
            for (tensor, range) in zip(sorted, offsets) where !range.isEmpty {
                let region = UnsafeMutableRawBufferPointer(rebasing: raw[(dataStart + range.lowerBound)..<(dataStart + range.upperBound)])
                let floats = region.bindMemory(to: Float.self)
                try tensor.fill(floats)
                #if _endian(big)
                for i in floats.indices { floats[i] = Float(bitPattern: floats[i].bitPattern.littleEndian) }
                #endif
            }
        }
        return data
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    public static func write(_ tensors: [TensorPayload], metadata: [String: String] = ["format": "pt"],
                             to path: String) throws {
        let data = try encode(tensors, metadata: metadata, path: path)
        try AtomicFile.write(data, to: path)
    }
}
