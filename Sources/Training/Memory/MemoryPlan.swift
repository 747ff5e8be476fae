import BERT
import Compute

/// The device memory of one fine-tuning (or inference) run, computed from the same size tables the run
/// allocates from — parameters, gradients, Adam moments, the activation arena (shaped by the activation policy),
/// the head's buffers, the GEMM temporary buffer and kernel scratch the device reserves — each placed into
/// chunks no larger than the device's largest allocation, so the planned bytes are the bytes the memory
/// accountant counts. Everything is allocated before the first step and alive for the whole run, so the
/// total is the peak.
public struct MemoryPlan: Sendable {
    /// One line of the plan.
    public struct Item: Sendable {
        public let name: String
        public let bytes: Int
        /// Bytes lost to alignment and chunk ends (included in `bytes`).
        public let overhead: Int
        /// What the item is made of (payload bytes; the activations by category).
        public let parts: [(name: String, bytes: Int)]

        init(name: String, bytes: Int, overhead: Int = 0, parts: [(name: String, bytes: Int)] = []) {
            self.name = name
            self.bytes = bytes
            self.overhead = overhead
            self.parts = parts
        }
    }

    public let items: [Item]
    public let microBatch: Int
    public let sequence: Int
    public let training: Bool
    public let policy: ActivationPolicy
    /// Payload bytes of the kept activations by tensor kind (all layers).
    public let keptByKind: [(kind: String, bytes: Int)]
    /// Payload bytes kept per layer.
    public let keptPerLayer: [Int]
    /// The optimizer whose state is planned (nil: none, as in `bert bench`).
    public let optimizer: OptimizerKind?

    /// The peak: every item is alive for the whole step.
    public var total: Int { items.reduce(0) { $0 + $1.bytes } }

    /// Plans a run of `config` with `head` for micro-batches of `microBatch` × `sequence` on `device` (its
    /// largest allocation and GEMM workspace rule) with `optimizer`'s state (both moments; LAMB adds its chunk
    /// tables); `optimizer: nil` leaves the optimizer state out, as in `bert bench`.
    public init(config: BertConfig, head: PlannedHead, microBatch: Int, sequence: Int, training: Bool,
                policy: ActivationPolicy = .keepAll, device: any Device, optimizer: OptimizerKind? = .google) throws {
        let maxAllocation = device.info.maxAllocation
        if let predictions = (head.spec as? PretrainingHeadSpec)?.predictions, !(1...max(sequence, 1)).contains(predictions) {
            throw TrainingError.invalidSetting("max predictions per sequence must be in 1...\(sequence), got \(predictions)")
        }
        self.microBatch = microBatch
        self.sequence = sequence
        self.training = training
        self.policy = training ? policy : .keepAll
        self.optimizer = training ? optimizer : nil
        func place(_ name: String, _ layout: ArenaLayout) throws -> Item {
            let placement = try layout.place(maxChunkBytes: maxAllocation)
            return Item(name: name, bytes: placement.totalBytes, overhead: placement.overheadBytes)
        }
        let parameters = ParameterStore.layout(config: config, heads: head.modelHeads)
        var items = [try place("parameters", parameters)]
        if training {
            items.append(try place("parameter gradients", parameters))
        }
        if training, let optimizer {
            let name = optimizer == .lamb ? "LAMB" : "Adam"
            items.append(try place("\(name) first moments", parameters))
            items.append(try place("\(name) second moments", parameters))
            items.append(Item(name: "gradient norm²", bytes: DType.float32.size))
            if optimizer == .lamb {
                items.append(Item(name: "LAMB chunk tables, partial norms, trust ratios",
                                  bytes: LAMBOptimizer.extraStateBytes(config: config, heads: head.modelHeads, device: device)))
            }
        }
        let shape = EncoderShape(batch: microBatch, sequence: sequence)
        let encoder = EncoderLayout(config: config, shape: shape, mode: training ? .training : .inference,
                                    attentionDropout: config.attentionProbsDropoutProb > 0, policy: policy)
        let placement = try encoder.arena.place(maxChunkBytes: maxAllocation)
        items.append(Item(name: "activations (\(self.policy))", bytes: placement.totalBytes, overhead: placement.overheadBytes,
                          parts: EncoderLayout.Category.allCases.map { ($0.rawValue, encoder.bytes(in: $0)) }.filter { $0.1 > 0 }))
        keptByKind = encoder.keptBytesByKind
        keptPerLayer = (0..<config.numHiddenLayers).map { encoder.keptBytes(layer: $0) }
        if let headLayout = head.spec.layout(shape: shape, hidden: config.hiddenSize, vocabulary: config.vocabSize) {
            items.append(try place(headLayout.name, headLayout.layout))
        }
        let gemm = try Self.gemmWorkspaceBytes(config: config, head: head, shape: shape, training: training, device: device)
        if gemm > 0 {
            let name = device.gemmPrecision == .bf16 ? "bf16 GEMM operands (A, B rounded to bf16)" : "GEMM temporary buffer (CLBlast)"
            items.append(Item(name: name, bytes: gemm))
        }
        if device.kernelScratchBytes > 0 { items.append(Item(name: "kernel scratch", bytes: device.kernelScratchBytes)) }
        self.items = items
    }

    /// Every GEMM shape (per matrix) a step of the run makes: the encoder's (`GEMMCensus.encoder`, from the tables
    /// the encoder code runs) and the head's.
    public static func gemmShapes(config: BertConfig, head: PlannedHead, shape: EncoderShape, training: Bool) -> [GEMMShape] {
        GEMMCensus.encoder(config: config, shape: shape, training: training, pooler: head.modelHeads.pooler,
                           output: head.spec.encoderOutput)
            + head.spec.gemmShapes(shape: shape, hidden: config.hiddenSize, vocabulary: config.vocabSize, training: training)
    }

    /// The GEMM temporary buffer a run reserves: the largest any of its GEMMs may need on `device`.
    public static func gemmWorkspaceBytes(config: BertConfig, head: PlannedHead, shape: EncoderShape, training: Bool,
                                          device: any Device) throws -> Int {
        try GEMMCensus.workspaceBytes(
            gemmShapes(config: config, head: head, shape: shape, training: training),
            batches: GEMMCensus.attentionBatches(config: config, shape: shape, training: training, output: head.spec.encoderOutput),
            on: device)
    }

    /// Estimated time of one optimizer step relative to others of the same effective batch: the policy's compute
    /// (`ActivationPolicy.relativeCost`) times a small-micro-batch penalty (fixed per-launch costs and
    /// under-filled GEMMs, modelled as 512 tokens' worth of work per micro-batch).
    public var relativeStepTime: Double {
        policy.relativeCost * (1 + 512 / Double(microBatch * sequence))
    }

    /// The plan that reaches an effective batch of `batchSize` fastest within `budget` bytes: over every
    /// micro-batch dividing `batchSize` and every policy in `policies`, the one with the least
    /// `relativeStepTime` (ties: less memory). Nil when nothing fits.
    public static func choose(config: BertConfig, head: PlannedHead, batchSize: Int, sequence: Int, budget: Int,
                              device: any Device, policies: [ActivationPolicy] = ActivationPolicy.all,
                              optimizer: OptimizerKind = .google) throws -> MemoryPlan? {
        var best: MemoryPlan?
        for policy in policies {
            // The largest micro-batch that fits is the fastest for a policy.
            for micro in (1...max(batchSize, 1)).reversed() where batchSize % micro == 0 {
                // A micro-batch whose largest tensor exceeds one allocation does not fit either.
                guard let plan = try? MemoryPlan(config: config, head: head, microBatch: micro, sequence: sequence,
                                                 training: true, policy: policy, device: device, optimizer: optimizer),
                      plan.total <= budget else { continue }
                if best == nil || plan.relativeStepTime < best!.relativeStepTime
                    || (plan.relativeStepTime == best!.relativeStepTime && plan.total < best!.total) {
                    best = plan
                }
                break
            }
        }
        return best
    }

    /// Why no plan fits `budget`, with the numbers: the parameters, gradients and Adam moments alone when they
    /// exceed it, else the smallest budget that would run (micro-batch 1, or `microBatch` when fixed, with the
    /// most memory-saving of `policies`).
    public static func whyNothingFits(config: BertConfig, head: PlannedHead, sequence: Int, budget: Int, device: any Device,
                                      policies: [ActivationPolicy] = ActivationPolicy.all, microBatch: Int? = nil,
                                      optimizer: OptimizerKind = .google) throws -> String {
        let base = try MemoryPlan(config: config, head: head, microBatch: 1, sequence: sequence, training: true, device: device,
                                  optimizer: optimizer)
        let state = base.items.filter { $0.name.hasPrefix("parameter") || $0.name.contains("moments") }.reduce(0) { $0 + $1.bytes }
        if state > budget {
            return "the budget (--device-memory or the device's memory) \(ByteCount.format(budget)) (\(budget) bytes) is smaller than the parameters, their gradients and the "
                + "optimizer moments alone (\(ByteCount.format(state)), \(state) bytes); no micro-batch can run"
        }
        let micro = microBatch ?? 1
        let smallest = try policies.map {
            try MemoryPlan(config: config, head: head, microBatch: micro, sequence: sequence, training: true, policy: $0, device: device,
                           optimizer: optimizer)
        }.min { $0.total < $1.total }!
        return "nothing fits in \(ByteCount.format(budget)) (\(budget) bytes): micro-batch \(micro) at seq \(sequence) needs at least "
            + "\(ByteCount.format(smallest.total)) (\(smallest.total) bytes, \(smallest.policy)); raise --device-memory to that, "
            + "or shorten --max-seq-length" + (microBatch == nil ? "" : " or lower --micro-batch-size")
    }

    /// The largest micro-batch (up to `limit`) whose plan with `policy` fits `budget`, by bisection (the plan
    /// grows with the micro-batch); 0 when not even 1 fits.
    public static func largestMicroBatch(config: BertConfig, head: PlannedHead, sequence: Int, budget: Int,
                                         policy: ActivationPolicy, device: any Device, limit: Int = 4096,
                                         optimizer: OptimizerKind = .google) -> Int {
        var low = 0, high = limit
        while low < high {
            let mid = (low + high + 1) / 2
            let plan = try? MemoryPlan(config: config, head: head, microBatch: mid, sequence: sequence, training: true,
                                       policy: policy, device: device, optimizer: optimizer)
            if let plan, plan.total <= budget { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
