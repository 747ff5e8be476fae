/// How a checkpoint's tensors compare with the parameters a model expects.
public struct CheckpointMatch: Sendable {
    /// A tensor present under the expected name with another shape.
    public struct ShapeMismatch: Sendable, Equatable {
        public let name: String
        public let expected: [Int]
        public let actual: [Int]
    }

    /// Expected parameters the checkpoint lacks.
    public var missing: [ParameterSpec]
    /// Checkpoint tensors the model does not have (e.g. pre-training heads when fine-tuning a classifier).
    public var unexpected: [String]
    /// Expected parameters present with another shape.
    public var mismatched: [ShapeMismatch]

    /// True when every expected parameter is present with its shape (unexpected tensors are allowed).
    public var coversAll: Bool { missing.isEmpty && mismatched.isEmpty }
    /// True when the checkpoint holds exactly the expected parameters.
    public var isExact: Bool { coversAll && unexpected.isEmpty }
}

extension Checkpoint {
    /// Compares the checkpoint's tensors with `specs` (missing, unexpected, wrong shape).
    public func match(_ specs: [ParameterSpec]) -> CheckpointMatch {
        var missing: [ParameterSpec] = []
        var mismatched: [CheckpointMatch.ShapeMismatch] = []
        for spec in specs {
            guard let tensor = tensor(spec.name) else {
                missing.append(spec)
                continue
            }
            if tensor.shape != spec.shape {
                mismatched.append(.init(name: spec.name, expected: spec.shape, actual: tensor.shape))
            }
        }
        let expected = Set(specs.map(\.name))
        return CheckpointMatch(missing: missing, unexpected: tensors.map(\.name).filter { !expected.contains($0) },
                               mismatched: mismatched)
    }

    /// Throws unless every parameter in `specs` is present with its shape; the error names the file and the
    /// first missing or mismatched tensor and says how many more there are.
    public func requireAll(_ specs: [ParameterSpec]) throws {
        let result = match(specs)
        let others = result.missing.count + result.mismatched.count - 1
        let more = others > 0 ? " (and \(others) more missing or mismatched)" : ""
        let source = configFile.map { " by \($0)" } ?? ""
        if let first = result.mismatched.first {
            let file = tensor(first.name)?.file ?? location
            throw CheckpointError(.shapeMismatch, file: file, subject: "tensor '\(first.name)'",
                                  "has shape \(first.actual), the configuration\(source) implies \(first.expected)\(more)")
        }
        if let first = result.missing.first {
            throw CheckpointError(.missingTensor, file: location, subject: "tensor '\(first.name)'",
                                  "missing; expected shape \(first.shape)\(source)\(more)")
        }
    }

    /// Loads every parameter of `layout` into its place in `destination` (at least `layout.totalCount` elements),
    /// after checking that all are present with their shapes. Tensors the layout does not name are ignored.
    public func load(_ layout: ParameterLayout, into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard destination.count >= layout.totalCount else {
            throw CheckpointError(.shapeMismatch, file: location, subject: "parameter buffer",
                                  "holds \(destination.count) elements, the layout needs \(layout.totalCount)")
        }
        try requireAll(layout.specs)
        for (spec, offset) in zip(layout.specs, layout.offsets) {
            try read(spec.name, into: UnsafeMutableBufferPointer(rebasing: destination[offset..<(offset + spec.count)]))
        }
    }

    /// The tensors named by `specs` as payloads for a writer, read lazily from this checkpoint.
    public func payloads(_ specs: [ParameterSpec]) -> [TensorPayload] {
        specs.map { spec in
            TensorPayload(name: spec.name, shape: spec.shape) { [self] destination in try read(spec.name, into: destination) }
        }
    }
}
