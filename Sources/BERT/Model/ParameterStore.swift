import Compute

/// A model's parameters on a device: one arena of values and, for training, an arena of gradients with the
/// same layout. Each layer's query, key and value weights (and biases) sit side by side, so the three
/// projections run as one GEMM against a [3H, H] weight.
///
/// Tensors are grouped into arena entries (a fused Q/K/V group or a single tensor), so an arena larger than the
/// device's largest allocation splits into chunks between tensors, never inside one.
public final class ParameterStore {
    public let config: BertConfig
    public let heads: BertHeads
    /// Canonical specs in arena order.
    public let specs: [ParameterSpec]
    public let values: Arena
    /// Gradients (same layout), present when created for training.
    public let gradients: Arena?
    /// The size table both arenas (and the optimizer's moments) are placed from.
    public let layout: ArenaLayout
    /// Runs of tensors that lie back to back in one chunk and share a weight-decay setting, in arena order:
    /// the optimizer updates each run with one kernel launch.
    public let ranges: [ParameterRange]

    private struct Location {
        let slot: ArenaLayout.Slot
        let offset: Int
        let count: Int
    }
    private let locations: [String: Location]
    public let device: any Device

    /// The arena layout of a model's parameters (also of its gradients and optimizer moments) — the size
    /// table the memory planner reads without allocating.
    public static func layout(config: BertConfig, heads: BertHeads) -> ArenaLayout { plan(config: config, heads: heads).layout }

    private struct Plan {
        var layout = ArenaLayout()
        var locations: [String: Location] = [:]
        var specs: [ParameterSpec] = []
        var groups: [[ParameterSpec]] = []
        var groupSlots: [ArenaLayout.Slot] = []
    }

    private static func plan(config: BertConfig, heads: BertHeads) -> Plan {
        // Decayed tensors first, then the rest (LayerNorm and biases), so each chunk holds at most two runs.
        let allGroups = groups(config.parameterSpecs(heads: heads), layers: config.numHiddenLayers)
        var plan = Plan()
        plan.groups = allGroups.filter { decays($0[0].name) } + allGroups.filter { !decays($0[0].name) }
        for group in plan.groups {
            let total = group.reduce(0) { $0 + $1.count }
            let slot = plan.layout.reserve(total, label: group.count == 1 ? group[0].name : "\(group[0].name) (+\(group.count - 1) fused)")
            plan.groupSlots.append(slot)
            var offset = 0
            for spec in group {
                plan.locations[spec.name] = Location(slot: slot, offset: offset, count: spec.count)
                offset += spec.count
                plan.specs.append(spec)
            }
        }
        return plan
    }

    /// Allocates the parameters (and gradients when `training`) of a model; the values are undefined until
    /// `load(from:)` or `write(_:to:)`.
    public init(config: BertConfig, heads: BertHeads, device: any Device, training: Bool) throws {
        try config.validate()
        self.config = config
        self.heads = heads
        self.device = device
        let plan = Self.plan(config: config, heads: heads)
        let (layout, locations, specs, groups, groupSlots) = (plan.layout, plan.locations, plan.specs, plan.groups, plan.groupSlots)
        self.specs = specs
        self.locations = locations
        self.layout = layout
        values = try device.makeArena(layout, label: "parameters")
        gradients = training ? try device.makeArena(layout, label: "parameter gradients") : nil
        // Zero everything, alignment gaps included, so whole-chunk operations never meet garbage.
        for arena in [values, gradients].compactMap({ $0 }) {
            for chunk in arena.chunkViews { try device.fill(chunk, value: 0, role: "zero parameters") }
        }
        var ranges: [ParameterRange] = []
        for (group, slot) in zip(groups, groupSlots) {
            let decay = Self.decays(group[0].name)
            if let last = ranges.last, last.decay == decay, values[last.last].allocation === values[slot].allocation {
                ranges[ranges.count - 1].last = slot
            } else {
                ranges.append(ParameterRange(first: slot, last: slot, decay: decay))
            }
        }
        self.ranges = ranges
    }

    /// Whether weight decay applies (Google's rule: not to LayerNorm parameters or biases).
    public static func decays(_ name: String) -> Bool {
        !(name.contains("LayerNorm") || name.hasSuffix("bias"))
    }

    /// Orders specs so each layer's Q/K/V weights and Q/K/V biases form one group each.
    private static func groups(_ specs: [ParameterSpec], layers: Int) -> [[ParameterSpec]] {
        var byName: [String: ParameterSpec] = [:]
        for spec in specs { byName[spec.name] = spec }
        var fused: Set<String> = []
        var groups: [[ParameterSpec]] = []
        for spec in specs where !fused.contains(spec.name) {
            if let layer = BertParameterNames.layerIndex(spec.name), spec.name == BertParameterNames.query(layer, "weight") {
                for part in ["weight", "bias"] {
                    let names = [BertParameterNames.query(layer, part), BertParameterNames.key(layer, part),
                                 BertParameterNames.value(layer, part)]
                    groups.append(names.compactMap { byName[$0] })
                    fused.formUnion(names)
                }
            } else {
                groups.append([spec])
            }
        }
        return groups
    }

    /// The view of a parameter's values.
    public func value(_ name: String) throws -> BufferView { try view(values, name) }

    /// The view of a parameter's gradient (training only).
    public func gradient(_ name: String) throws -> BufferView {
        guard let gradients else {
            throw ComputeError.shapeMismatch(operation: "gradient", detail: "the parameters were created without gradients")
        }
        return try view(gradients, name)
    }

    /// The fused [3H, H] Q/K/V weight (`part` "weight") or [3H] bias (`part` "bias") of a layer.
    func fusedQKV(_ arena: Arena, layer: Int, part: String) throws -> BufferView {
        let first = try view(arena, BertParameterNames.query(layer, part))
        let h = config.hiddenSize
        return try first.resized(count: part == "weight" ? 3 * h * h : 3 * h)
    }

    /// The view of parameter `name` in any arena placed from `layout` (gradients, optimizer moments).
    public func view(in arena: Arena, _ name: String) throws -> BufferView { try view(arena, name) }

    private func view(_ arena: Arena, _ name: String) throws -> BufferView {
        guard let location = locations[name] else {
            throw ComputeError.shapeMismatch(operation: "parameters", detail: "the model has no parameter '\(name)'")
        }
        return try arena[location.slot].slice(location.offset, count: location.count)
    }

    /// Sets every gradient to zero (before the first micro-batch of a step).
    public func zeroGradients() throws {
        guard let gradients else { return }
        for chunk in gradients.chunkViews { try device.fill(chunk, value: 0, role: "zero gradients") }
    }

    /// Loads every parameter from a checkpoint (names and shapes must match; missing tensors are an error
    /// naming them, so a model without a head cannot silently start from garbage). With `newHeadsSeed`, the
    /// task heads' tensors (classifier, qa_outputs, the pre-training heads cls.*) the checkpoint lacks are
    /// initialized as Google's run_classifier does — weights from a truncated normal (σ = initializer_range),
    /// biases 0, LayerNorm gamma 1 — and their names
    /// are returned; encoder and pooler tensors must still all be there.
    @discardableResult
    public func load(from checkpoint: Checkpoint, newHeadsSeed: UInt64? = nil) throws -> [String] {
        var initialized: [String] = []
        var random = SplitMix64(seed: newHeadsSeed ?? 0)
        for spec in specs {
            if checkpoint.tensor(spec.name) == nil, newHeadsSeed != nil,
               ["classifier.", "qa_outputs.", "cls."].contains(where: spec.name.hasPrefix) {
                try device.write(Self.initialValues(spec, std: Float(config.initializerRange), random: &random),
                                 to: try value(spec.name))
                initialized.append(spec.name)
                continue
            }
            guard let tensor = checkpoint.tensor(spec.name) else {
                throw CheckpointError(.missingTensor, file: checkpoint.location, subject: "tensor '\(spec.name)'",
                                      "is needed by the model (\(heads)) but is not in the checkpoint")
            }
            guard tensor.shape == spec.shape else {
                throw CheckpointError(.shapeMismatch, file: tensor.file, subject: "tensor '\(spec.name)'",
                                      "has shape \(tensor.shape), the configuration needs \(spec.shape)")
            }
            try device.write(try checkpoint.readFloats(spec.name), to: try value(spec.name))
        }
        return initialized
    }

    /// Reads one parameter's values back to the host.
    public func read(_ name: String) throws -> [Float] { try device.readFloats(try value(name)) }
}


/// Consecutive arena entries in one chunk with one weight-decay setting (see `ParameterStore.ranges`).
public struct ParameterRange: Sendable {
    public var first: ArenaLayout.Slot
    public var last: ArenaLayout.Slot
    public var decay: Bool

    /// The run as one view of `arena` (any arena placed from the parameters' layout), alignment gaps included.
    public func view(in arena: Arena) throws -> BufferView {
        let start = arena[first], end = arena[last]
        return try start.resized(count: end.elementOffset + end.count - start.elementOffset)
    }
}
