import Foundation

/// Where a checkpoint's files are, found from a path a user typed: a HuggingFace folder (model.safetensors or
/// a sharded model.safetensors.index.json), a `.safetensors` file, a Google TensorFlow folder, `.index` file or
/// checkpoint prefix (`…/bert_model.ckpt`).
struct CheckpointLocation {
    enum Kind {
        case safetensors(files: [String])
        case tensorFlow(prefix: String)
    }

    let kind: Kind
    /// The folder holding config and vocabulary files.
    let folder: String

    init(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        let url = URL(fileURLWithPath: path)
        if exists, isDirectory.boolValue {
            folder = url.path
            kind = try Self.inFolder(url.path)
        } else if exists, path.hasSuffix(".safetensors") {
            folder = url.deletingLastPathComponent().path
            kind = .safetensors(files: [url.path])
        } else if exists, path.hasSuffix(".safetensors.index.json") {
            folder = url.deletingLastPathComponent().path
            kind = .safetensors(files: try Self.shards(listedIn: url.path))
        } else if exists, path.hasSuffix(".index") {
            folder = url.deletingLastPathComponent().path
            kind = .tensorFlow(prefix: String(url.path.dropLast(".index".count)))
        } else if fm.fileExists(atPath: path + ".index") {
            folder = url.deletingLastPathComponent().path
            kind = .tensorFlow(prefix: url.path)
        } else if exists {
            throw CheckpointError(.unsupported, file: path,
                                  "not a checkpoint SwiftBERT reads: expected a folder, a .safetensors file, a TensorFlow "
                                  + ".index file or a checkpoint prefix such as bert_model.ckpt"
                                  + (path.hasSuffix(".bin") ? " (PyTorch pickles are not read; save as safetensors)" : ""))
        } else {
            throw CheckpointError(.notFound, file: path, "no such file, folder or checkpoint prefix (PREFIX.index)")
        }
    }

    private static func inFolder(_ folder: String) throws -> Kind {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        if names.contains("model.safetensors") { return .safetensors(files: [folder + "/model.safetensors"]) }
        if names.contains("model.safetensors.index.json") {
            return .safetensors(files: try shards(listedIn: folder + "/model.safetensors.index.json"))
        }
        let indexes = names.filter { $0.hasSuffix(".index") }
        if indexes.contains("bert_model.ckpt.index") { return .tensorFlow(prefix: folder + "/bert_model.ckpt") }
        if indexes.count == 1, let only = indexes.first {
            return .tensorFlow(prefix: folder + "/" + String(only.dropLast(".index".count)))
        }
        if indexes.count > 1 {
            throw CheckpointError(.notFound, file: folder,
                                  "holds several TensorFlow checkpoints (\(indexes.joined(separator: ", "))); name one prefix")
        }
        let safetensors = names.filter { $0.hasSuffix(".safetensors") }
        if safetensors.count == 1, let only = safetensors.first { return .safetensors(files: [folder + "/" + only]) }
        let hint = names.contains("pytorch_model.bin") ? " (pytorch_model.bin is a PyTorch pickle, which SwiftBERT does not read)" : ""
        throw CheckpointError(.notFound, file: folder,
                              "no checkpoint found: expected model.safetensors, model.safetensors.index.json or "
                              + "bert_model.ckpt.index\(hint)")
    }

    /// The shard files named in a `model.safetensors.index.json` weight map.
    private static func shards(listedIn indexPath: String) throws -> [String] {
        let fields = try JSONFields(try JSONValue.read(contentsOf: indexPath), file: indexPath, missingKind: .malformed)
        guard let map = fields.members["weight_map"], case .object(let members) = map else {
            throw fields.fail("weight_map", "expected an object mapping tensor names to shard files", kind: .malformed)
        }
        var files = Set<String>()
        for (tensor, value) in members {
            guard case .string(let file) = value, !file.contains("/"), file.hasSuffix(".safetensors") else {
                throw fields.fail("weight_map", "tensor '\(tensor)' must map to a .safetensors file in the same folder",
                                  kind: .malformed)
            }
            files.insert(file)
        }
        let folder = URL(fileURLWithPath: indexPath).deletingLastPathComponent().path
        return files.sorted().map { folder + "/" + $0 }
    }
}
