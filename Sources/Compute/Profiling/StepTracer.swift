import Foundation

/// One named part of a traced step (forward, backward, optimizer) and the work it issues.
public struct TracePhase {
    public let name: String
    public let body: () throws -> Void

    /// A phase named `name` (a parent span of the trace) running `body`.
    public init(_ name: String, _ body: @escaping () throws -> Void) {
        self.name = name
        self.body = body
    }
}

/// Traces one steady-state step on a `RecordingDevice`: untimed warm-up steps first (so kernels are built and
/// buffers allocated before), then one step whose every op becomes a span inside its phase's span inside a
/// "step" span. On a profiled OpenCL device spans are device time from the profiling events (an op spans
/// its kernels, each kernel a child span; a GEMM starts at the marker enqueued before it, since CLBlast's
/// event covers only its last kernel); otherwise they are the host wall clock around each call, which on the
/// CPU backend is the op's run time.
///
/// Anything the traced step allocates or compiles is kept in the trace as spans of category "allocation" or
/// "compile" (and counted in `otherData`), so a test can insist there are none.
public struct StepTracer {
    public let recorder: RecordingDevice
    /// Untimed steps before the traced one (at least one is needed for a steady state).
    public var warmupSteps: Int

    /// A tracer of steps issued on `recorder`, after `warmupSteps` untimed ones.
    public init(recorder: RecordingDevice, warmupSteps: Int = 1) {
        self.recorder = recorder
        self.warmupSteps = warmupSteps
    }

    /// The result: the trace and what it adds up to.
    public struct Result: Sendable {
        public let trace: ChromeTrace
        /// Seconds of each phase, in order, and of the whole step.
        public let phaseSeconds: [(phase: String, seconds: Double)]
        public let stepSeconds: Double
        /// Seconds of each op name's spans summed over the step (`gemm`, `layerNorm`, …).
        public let opSeconds: [String: Double]
        /// Ops and kernels (OpenCL) in the traced step.
        public let ops: Int
        public let kernels: Int
        /// Allocations and program builds inside the traced step (0 in a steady state).
        public let allocations: Int
        public let compiles: Int
    }

    /// Runs `warmupSteps` steps, then traces step number `warmupSteps`. `phases(i)` gives step i's phases.
    public func trace(otherData: [String: String] = [:], phases: (Int) throws -> [TracePhase]) throws -> Result {
        for step in 0..<max(0, warmupSteps) {
            for phase in try phases(step) {
                recorder.phase = phase.name
                try phase.body()
            }
        }
        try recorder.synchronize()
        let openCL = recorder.profiledOpenCL
        if let openCL { _ = try openCL.timings(clear: true) }
        recorder.clear()
        var hostPhases: [(name: String, start: UInt64, end: UInt64)] = []
        for phase in try phases(warmupSteps) {
            recorder.phase = phase.name
            let start = RecordingDevice.now()
            try phase.body()
            hostPhases.append((phase.name, start, RecordingDevice.now()))
        }
        try recorder.synchronize()
        recorder.phase = ""
        let spans = try openCL.map { try deviceSpans($0) } ?? hostSpans()
        return assemble(spans, phaseOrder: hostPhases.map(\.name), hostPhases: openCL == nil ? hostPhases : nil,
                        domain: openCL == nil ? "host wall clock around each call (CPU ops finish before they return)"
                            : "device time from OpenCL profiling events", otherData: otherData)
    }

    /// An op's span and its kernels' spans, in absolute nanoseconds of one clock.
    struct OpSpan {
        let record: OpRecord
        let start: UInt64
        let end: UInt64
        let kernels: [KernelTiming]
    }

    private func hostSpans() -> [OpSpan] {
        recorder.records.map { OpSpan(record: $0, start: $0.hostStart, end: max($0.hostEnd, $0.hostStart), kernels: []) }
    }

    private func deviceSpans(_ openCL: OpenCLDevice) throws -> [OpSpan] {
        let timings = try openCL.timings(clear: true)
        return recorder.records.compactMap { record in
            guard let range = record.events, range.upperBound <= timings.count else { return nil }
            var kernels = Array(timings[range])
            var start: UInt64?
            if record.markedStart, let marker = kernels.first, marker.name == OpenCLDevice.markerName {
                start = marker.end
                kernels.removeFirst()
            }
            guard let first = kernels.map(\.start).min(), let end = kernels.map(\.end).max() else { return nil }
            return OpSpan(record: record, start: min(start ?? first, first), end: end, kernels: kernels)
        }
    }

    private func assemble(_ spans: [OpSpan], phaseOrder: [String],
                          hostPhases: [(name: String, start: UInt64, end: UInt64)]?, domain: String,
                          otherData: [String: String]) -> Result {
        // Phase bounds: the host clock around each phase (CPU), or the first and last device time of its ops.
        var bounds: [(name: String, start: UInt64, end: UInt64)] = hostPhases ?? []
        if hostPhases == nil {
            for name in phaseOrder {
                let ops = spans.filter { $0.record.phase == name }
                if let start = ops.map(\.start).min(), let end = ops.map(\.end).max() { bounds.append((name, start, end)) }
            }
        }
        let origin = min(bounds.map(\.start).min() ?? 0, spans.map(\.start).min() ?? 0)
        let stepEnd = max(bounds.map(\.end).max() ?? origin, spans.map(\.end).max() ?? origin)
        func rel(_ t: UInt64) -> UInt64 { t &- origin }

        var events: [ChromeTrace.Event] = [
            .metadata("process_name", value: recorder.info.description),
            .metadata("thread_name", value: hostPhases == nil ? "in-order command queue" : "calling thread"),
            .span("training step", category: "step", startNanoseconds: 0, endNanoseconds: rel(stepEnd)),
        ]
        for phase in bounds {
            events.append(.span(phase.name, category: "phase", startNanoseconds: rel(phase.start), endNanoseconds: rel(phase.end)))
        }
        var kernelCount = 0
        for span in spans {
            let call = span.record.call
            var args = ["shape": call.shape, "role": span.record.role.description, "phase": span.record.phase,
                        "bytes": String(Int(call.bytes))]
            if let flops = call.flops { args["flops"] = String(Int(flops)) }
            if span.record.markedStart { args["note"] = "starts at a marker before the CLBlast call; CLBlast reports only its last kernel" }
            events.append(.span(call.name.rawValue, category: call.isGEMM ? "gemm" : "op", startNanoseconds: rel(span.start),
                                endNanoseconds: rel(span.end), args: args))
            if span.record.compiled {
                events.append(.span("compile in \(call.name)", category: "compile", startNanoseconds: rel(span.start),
                                    endNanoseconds: rel(span.end)))
            }
            for kernel in span.kernels {
                kernelCount += 1
                var kernelArgs = ["global": "\(kernel.globalSize)"]
                if let local = kernel.localSize { kernelArgs["local"] = "\(local)" }
                events.append(.span(kernel.name, category: "kernel", startNanoseconds: rel(kernel.start),
                                    endNanoseconds: rel(kernel.end), args: kernelArgs))
            }
        }
        for allocation in recorder.allocations {
            events.append(.span("allocate \(allocation.label)", category: "allocation", startNanoseconds: 0, endNanoseconds: 0,
                                args: ["bytes": String(allocation.bytes), "phase": allocation.phase]))
        }
        let compiles = spans.filter(\.record.compiled).count
        var data = otherData
        data["time_domain"] = domain
        data["allocations_in_step"] = String(recorder.allocations.count)
        data["compiles_in_step"] = String(compiles)
        data["warmup_steps"] = String(warmupSteps)
        return Result(trace: ChromeTrace(events: events, otherData: data),
                      phaseSeconds: bounds.map { ($0.name, Double($0.end &- $0.start) * 1e-9) },
                      stepSeconds: Double(stepEnd &- origin) * 1e-9,
                      opSeconds: spans.reduce(into: [:]) { $0[$1.record.call.name.rawValue, default: 0] += Double($1.end &- $1.start) * 1e-9 },
                      ops: spans.count, kernels: kernelCount,
                      allocations: recorder.allocations.count, compiles: compiles)
    }
}
