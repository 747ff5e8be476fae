import BERT
import Compute

/// What AdamW and LAMB keep alike: first and second moments in arenas of the parameters' layout (zeroed), the
/// device-side global gradient norm², and the moments' checkpoint tensors.
final class OptimizerMoments {
    let parameters: ParameterStore
    let m: Arena
    let v: Arena
    /// Σ grad² of the last `globalNorm()`. [1]
    let normSquared: BufferView
    /// Checkpoint slot names of m and v (`<parameter>.<slot>`).
    let slots: (m: String, v: String)

    /// `name` prefixes the arenas' labels ("Adam" → "Adam first moments").
    init(parameters: ParameterStore, name: String, slots: (m: String, v: String)) throws {
        guard parameters.gradients != nil else {
            throw TrainingError.invalidSetting("the optimizer needs parameters created for training (with gradients)")
        }
        let device = parameters.device
        self.parameters = parameters
        self.slots = slots
        m = try device.makeArena(parameters.layout, label: "\(name) first moments")
        v = try device.makeArena(parameters.layout, label: "\(name) second moments")
        normSquared = try device.allocate(1, label: "gradient norm²")
        for chunk in m.chunkViews + v.chunkViews { try device.fill(chunk, value: 0, role: "zero optimizer moments") }
    }

    var device: any Device { parameters.device }

    /// Reduces Σ grad² over the whole gradient arena on the device and returns the global norm (one float read
    /// back).
    func globalNorm() throws -> Float {
        guard let gradients = parameters.gradients else { return 0 }
        for (i, chunk) in gradients.chunkViews.enumerated() {
            try device.sumOfSquares(chunk, into: normSquared, accumulate: i > 0, role: "gradient norm²")
        }
        return try device.readFloats(normSquared)[0].squareRoot()
    }

    /// The moments as checkpoint tensors (`<parameter>.<slot>`).
    func stateTensors() throws -> [TensorPayload] {
        var payloads: [TensorPayload] = []
        for spec in parameters.specs {
            for (slot, arena) in [(slots.m, m), (slots.v, v)] {
                let values = try device.readFloats(try parameters.view(in: arena, spec.name))
                payloads.append(TensorPayload(name: TrainingState.slotName(parameter: spec.name, slot: slot),
                                              shape: spec.shape, values: values))
            }
        }
        return payloads
    }

    /// Restores the moments from a checkpoint's optimizer file.
    func restore(from state: SavedTrainingState) throws {
        guard let optimizer = state.optimizer else {
            throw TrainingError.resume("the checkpoint has no optimizer.safetensors (it was not written by a training run)")
        }
        for spec in parameters.specs {
            for (slot, arena) in [(slots.m, m), (slots.v, v)] {
                let name = TrainingState.slotName(parameter: spec.name, slot: slot)
                try device.write(try optimizer.readFloats(name), to: try parameters.view(in: arena, spec.name))
            }
        }
    }
}
