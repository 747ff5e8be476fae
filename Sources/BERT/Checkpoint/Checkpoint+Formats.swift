import Foundation

/// Building a `Checkpoint` from each on-disk format: stored names are mapped to canonical ones, non-parameters
/// set aside, and dtypes and shapes checked.
extension Checkpoint {
    static func openSafetensors(_ files: [String], location: String, folder: String) throws -> Checkpoint {
        var storages: [Storage] = []
        var tensors: [Tensor] = []
        var skipped: [OtherTensor] = []
        var claimed: [String: String] = [:]   // canonical → stored name
        var aliases: [(SafetensorsFile.Entry, Int, String)] = []
        for path in files {
            let file = try SafetensorsFile(path: path)
            let storage = storages.count
            storages.append(.safetensors(file))
            for entry in file.entries {
                switch HuggingFaceNames.map(entry.name) {
                case .skipped(let reason):
                    skipped.append(OtherTensor(sourceName: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape, reason: reason))
                case .parameter(let canonical, _) where entry.name.hasSuffix("cls.predictions.decoder.bias"):
                    aliases.append((entry, storage, canonical))
                case .parameter(let canonical, _):
                    tensors.append(try parameter(canonical, entry, storage: storage, file: path, claimed: &claimed))
                case .unrecognized:
                    skipped.append(OtherTensor(sourceName: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape,
                                               reason: "unrecognized"))
                }
            }
        }
        // cls.predictions.decoder.bias is the same parameter as cls.predictions.bias; use it only when alone.
        for (entry, storage, canonical) in aliases {
            if claimed[canonical] != nil {
                skipped.append(OtherTensor(sourceName: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape,
                                           reason: "alias of \(canonical)"))
            } else if case .safetensors(let file) = storages[storage] {
                tensors.append(try parameter(canonical, entry, storage: storage, file: file.path, claimed: &claimed))
            }
        }
        return try Checkpoint(format: .safetensors, location: location, folder: folder, storages: storages,
                              tensors: tensors, skipped: skipped, unrecognized: [])
    }

    private static func parameter(_ canonical: String, _ entry: SafetensorsFile.Entry, storage: Int, file: String,
                                  claimed: inout [String: String]) throws -> Tensor {
        guard entry.dtype.isFloatingPoint else {
            throw CheckpointError(.unsupportedDType, file: file, subject: "tensor '\(entry.name)'",
                                  "dtype \(entry.dtype) for a parameter; expected F32, F16 or BF16")
        }
        if let previous = claimed[canonical] {
            throw CheckpointError(.malformed, file: file, subject: "tensor '\(entry.name)'",
                                  "is the same parameter (\(canonical)) as tensor '\(previous)'")
        }
        claimed[canonical] = entry.name
        return Tensor(name: canonical, sourceName: entry.name, file: file, dtype: entry.dtype, shape: entry.shape,
                      storedShape: entry.shape, transposed: false, storage: storage)
    }

    static func openTensorFlow(_ prefix: String, location: String, folder: String) throws -> Checkpoint {
        let bundle = try TensorBundle(prefix: prefix)
        var tensors: [Tensor] = []
        var skipped: [OtherTensor] = []
        var unrecognized: [OtherTensor] = []
        var claimed: [String: String] = [:]
        for entry in bundle.entries {
            switch GoogleNames.map(entry.name) {
            case .skipped(let reason):
                skipped.append(OtherTensor(sourceName: entry.name, dtype: entry.dtypeName, shape: entry.shape, reason: reason))
            case .unrecognized:
                unrecognized.append(OtherTensor(sourceName: entry.name, dtype: entry.dtypeName, shape: entry.shape,
                                                reason: "not a BERT variable name"))
            case .parameter(let canonical, let transposed):
                let subject = "tensor '\(entry.name)'"
                guard !entry.isSliced else {
                    throw CheckpointError(.unsupported, file: bundle.indexPath, subject: subject,
                                          "is a partitioned (sliced) variable; SwiftBERT reads whole variables only")
                }
                guard let dtype = entry.dtype, dtype.isFloatingPoint else {
                    throw CheckpointError(.unsupportedDType, file: bundle.indexPath, subject: subject,
                                          "dtype \(entry.dtypeName) for a parameter; expected DT_FLOAT, DT_HALF or DT_BFLOAT16")
                }
                if transposed, entry.shape.count != 2 {
                    throw CheckpointError(.shapeMismatch, file: bundle.indexPath, subject: subject,
                                          "a kernel must be 2-D [in, out], got shape \(entry.shape)")
                }
                if let previous = claimed[canonical] {
                    throw CheckpointError(.malformed, file: bundle.indexPath, subject: subject,
                                          "maps to \(canonical), like tensor '\(previous)'")
                }
                claimed[canonical] = entry.name
                tensors.append(Tensor(name: canonical, sourceName: entry.name, file: bundle.dataFile(of: entry),
                                      dtype: dtype, shape: transposed ? entry.shape.reversed() : entry.shape,
                                      storedShape: entry.shape, transposed: transposed, storage: 0))
            }
        }
        return try Checkpoint(format: .tensorFlow, location: location, folder: folder, storages: [.tensorFlow(bundle)],
                              tensors: tensors, skipped: skipped, unrecognized: unrecognized)
    }
}
