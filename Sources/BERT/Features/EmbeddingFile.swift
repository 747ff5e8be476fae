import Compute
import Foundation

/// Writes sentence embeddings in the format a file name's extension names, atomically (temporary file, synced,
/// renamed): `.npy` (NumPy's format 1.0, little-endian float32, shape [N, D]), `.safetensors` (one float32 tensor
/// `embeddings` [N, D]) or `.jsonl` (one `{"index": i, "embedding": [...]}` per line, in input order).
public enum EmbeddingFile {
    /// The formats, by extension.
    public enum Format: String, Sendable, CaseIterable {
        case npy, safetensors, jsonl

        /// The format of `path`'s extension, or nil.
        public init?(path: String) {
            self.init(rawValue: (path as NSString).pathExtension.lowercased())
        }
    }

    /// Writes `embeddings` to `path` in `format` (default: from the extension).
    ///
    /// - Throws: ``AtomicFileError``-style errors naming the path when it cannot be written.
    public static func write(_ embeddings: SentenceEmbedder.Embeddings, to path: String, format: Format) throws {
        switch format {
        case .npy:
            try AtomicFile.write(npy(embeddings), to: path)
        case .safetensors:
            let tensor = TensorPayload(name: "embeddings", shape: [embeddings.count, embeddings.dimension], values: embeddings.vectors)
            try AtomicFile.write(try SafetensorsWriter.encode([tensor], metadata: ["format": "pt"], path: path), to: path)
        case .jsonl:
            let writer = try AtomicFileWriter(path: path)
            for index in 0..<embeddings.count {
                let values = embeddings.vector(index).map { "\($0)" }.joined(separator: ",")
                try writer.write("{\"index\":\(index),\"embedding\":[\(values)]}\n")
            }
            try writer.commit()
        }
    }

    /// NumPy's `.npy` bytes: magic, version 1.0, the header dict padded with spaces to a 64-byte boundary, then the
    /// values (little-endian float32, C order).
    static func npy(_ embeddings: SentenceEmbedder.Embeddings) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(embeddings.count), \(embeddings.dimension)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        embeddings.vectors.withUnsafeBufferPointer { buffer in
            for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }
}
