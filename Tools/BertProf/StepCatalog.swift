import BERT
import Compute

/// Every distinct op call of one training step of a model at (batch, sequence) — recorded by running the
/// step on a dry run of the device, so the list cannot drift from what `BertEncoder` and the trainer issue —
/// followed by the calls the step does not make but the kernels offer (the inference attention kernel,
/// half-precision storage, …).
struct StepCatalog {
    struct Entry {
        let call: OpCall
        /// What the call is in the model ("FFN1 forward", "Q·Kᵀ; dP = dC·Vᵀ", …: the model code's names), or why an
        /// extra is listed.
        let role: String
        /// How often one step makes this call (0 for extras).
        let callsPerStep: Int
        /// Phases the call occurs in (empty for extras).
        let phases: [String]
    }

    let entries: [Entry]

    /// The catalog of `run` for `device` (whose GEMM workspace rules the dry run mirrors). An entry's role is what
    /// the model code named its calls (`OpRole.site`, without the layer), the distinct names joined by "; ".
    static func build(_ run: ModelRun, device: any Device) throws -> StepCatalog {
        let records = try recordStep(run, on: DryRunDevice(mirroring: device))
        var order: [String] = []
        var grouped: [String: (call: OpCall, count: Int, phases: [String], roles: [String])] = [:]
        for record in records {
            let key = record.call.description
            if grouped[key] == nil { order.append(key) }
            var group = grouped[key] ?? (record.call, 0, [], [])
            group.count += 1
            if !group.phases.contains(record.phase) { group.phases.append(record.phase) }
            if !group.roles.contains(record.role.site) { group.roles.append(record.role.site) }
            grouped[key] = group
        }
        var entries = order.compactMap { grouped[$0] }.map {
            Entry(call: $0.call, role: $0.roles.joined(separator: "; "), callsPerStep: $0.count, phases: $0.phases)
        }
        let seen = Set(order)
        for (call, role) in OpCatalog.extras(for: run.dimensions) where !seen.contains(call.description) {
            entries.append(Entry(call: call, role: role, callsPerStep: 0, phases: []))
        }
        return StepCatalog(entries: entries)
    }

    /// The calls of one steady-state step (after one untimed step) of `TrainingStep` built on `device`.
    static func recordStep(_ run: ModelRun, on device: any Device) throws -> [OpRecord] {
        let recorder = RecordingDevice(wrapping: device)
        let step = try TrainingStep(run, device: recorder)
        try step.run(0)
        recorder.clear()
        for phase in step.phases(1) {
            recorder.phase = phase.name
            try phase.body()
        }
        return recorder.records
    }
}
