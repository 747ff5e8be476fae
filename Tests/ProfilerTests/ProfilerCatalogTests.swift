import ArgumentParser
import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import bert_prof

/// The profiler (`bert-prof`) against a real training step: every op the step issues has a catalog entry, every
/// entry validates against the CPU twin, and the trace of a step is valid, nested Chrome-trace JSON with no
/// allocation or compile inside the step. Nothing here depends on how fast anything runs.
final class ProfilerCatalogTests: XCTestCase {
    /// A small model (2 layers, H 128) at a small batch: the same code paths as BERT-Base, in seconds.
    private let run = ModelRun(config: BertConfig(size: .tiny), batch: 2, sequence: 16)

    func testEveryOpOfARealTrainingStepHasAnEntry() throws {
        for device in try TestDevices.both() {
            let real = try StepCatalog.recordStep(run, on: device)
            let catalog = try StepCatalog.build(run, device: device)
            let entries = Set(catalog.entries.map(\.call.description))
            for record in real {
                XCTAssertTrue(entries.contains(record.call.description), "\(device.info): no entry for \(record.call) (\(record.phase))")
            }
            XCTAssertEqual(Set(real.map(\.phase)), ["forward", "backward", "optimizer"])
            // Calls per step add up to the real step's calls.
            XCTAssertEqual(catalog.entries.reduce(0) { $0 + $1.callsPerStep }, real.count, "\(device.info)")
        }
    }

    func testTheCatalogCoversEveryOpFamilyAndGEMMRole() throws {
        let catalog = try StepCatalog.build(run, device: TestDevices.cpu)
        let names = Set(catalog.entries.map(\.call.name))
        let required: [OpName] = [.embedding, .scatterAddRows, .layerNorm, .layerNormBackward, .biasGELU, .geluBackward,
                                  .attentionSoftmax, .attentionSoftmaxBackward, .flashAttention, .splitHeads, .mergeHeads,
                                  .dropout, .dropoutBackward, .tanh, .tanhBackward, .copy, .add, .axpby, .fill, .convert,
                                  .sumOfSquares, .adamw, .lamb, .softmaxCrossEntropy, .gemm, .gemmStridedBatched, .sumRows, .addBias]
        XCTAssertEqual(Set(required).subtracting(names), [])
        let layerNorms = catalog.entries.compactMap { entry -> Bool? in
            (entry.call.kind as? LayerNormOp.Call)?.residual
        }
        XCTAssertEqual(Set(layerNorms), [true, false], "LayerNorm with and without residual/dropout")
        let converts = catalog.entries.compactMap { entry -> String? in
            (entry.call.kind as? ConvertOp.Call).map { "\($0.from)→\($0.to)" }
        }
        XCTAssertEqual(Set(converts), ["float32→float16", "float16→float32"])
        let roles = Set(catalog.entries.map(\.role))
        for layer in ["QKV", "attention output", "FFN1", "FFN2"] {
            for pass in ["forward", "dW", "dx"] { XCTAssertTrue(roles.contains("\(layer) \(pass)"), "\(layer) \(pass)") }
        }
        // QKᵀ/dP, PV/dQ, dV/dK, at S queries per sequence and at the last block's one ([CLS]) query.
        XCTAssertEqual(catalog.entries.filter { $0.call.name == .gemmStridedBatched }.count, 6, "QKᵀ/dP, PV/dQ, dV/dK")
    }

    func testEveryEntryValidatesOnOpenCLAgainstTheCPUTwin() throws {
        let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: true))
        let catalog = try StepCatalog.build(run, device: device)
        let once = TimingSettings(warmup: 0, repetitions: 1)
        let profiler = EntryProfiler(device: device, reference: TestDevices.cpu,
                                     settings: ProfileSettings(timing: once, gemmTiming: once, sweep: false))
        for (seed, entry) in try ProfileCommand.selected(catalog.entries, only: nil) {
            let m = profiler.measure(entry, seed: seed)
            XCTAssertNil(m.error, "\(entry.call)")
            XCTAssertEqual(m.validation?.method, "CPU twin", "\(entry.call)")
            XCTAssertEqual(m.validation?.passed, true, "\(entry.call): \(m.validation?.summary ?? "")")
            XCTAssertEqual(m.timing?.seconds.count, 1)
        }
    }

    func testEveryKernelGuardsItsBoundsUnderAnElementwiseWorkGroupOverride() throws {
        // Odd sizes everywhere (batch 3 × seq 13): rounding the global size up to 64 leaves idle items in
        // every one-item-per-element launch, which must change nothing.
        var options = DeviceOptions(profiling: true)
        options.kernelVariants = KernelVariants(elementwiseWorkGroupSize: 64)
        let device = try TestDevices.freshOpenCL(options)
        let catalog = try StepCatalog.build(ModelRun(config: run.config, batch: 3, sequence: 13), device: device)
        let once = TimingSettings(warmup: 0, repetitions: 1)
        let profiler = EntryProfiler(device: device, reference: TestDevices.cpu,
                                     settings: ProfileSettings(timing: once, gemmTiming: once, sweep: false))
        for (seed, entry) in try ProfileCommand.selected(catalog.entries, only: nil) where !entry.call.isGEMM {
            let m = profiler.measure(entry, seed: seed)
            XCTAssertEqual(m.validation?.passed, true, "\(entry.call): \(m.error ?? m.validation?.summary ?? "")")
        }
        var bad = DeviceOptions()
        bad.kernelVariants = KernelVariants(elementwiseWorkGroupSize: 0)
        assertComputeError(["element-wise work-group size 0"]) { _ = try TestDevices.freshOpenCL(bad) }
    }

    func testCPUGEMMsValidateAgainstADoublePrecisionSlice() throws {
        let catalog = try StepCatalog.build(run, device: TestDevices.cpu)
        let once = TimingSettings(warmup: 0, repetitions: 1)
        let profiler = EntryProfiler(device: TestDevices.cpu, reference: nil,
                                     settings: ProfileSettings(timing: once, gemmTiming: once, sweep: false))
        for (seed, entry) in try ProfileCommand.selected(catalog.entries, only: "gemm") {
            let m = profiler.measure(entry, seed: seed)
            XCTAssertEqual(m.validation?.method, "double-precision slice", "\(entry.call)")
            XCTAssertEqual(m.validation?.passed, true, "\(entry.call): \(m.validation?.summary ?? "")")
        }
    }

    func testTraceIsValidNestedAndHasNoAllocationOrCompile() throws {
        for device in [TestDevices.cpu as any Device, try TestDevices.freshOpenCL(DeviceOptions(profiling: true))] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bert-prof-trace-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let summary = try ProfileCommand.writeTrace(run, device: device, path: path, otherData: ["model": "tiny"])
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            let events = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]], "\(device.info)")
            let other = try XCTUnwrap(object?["otherData"] as? [String: String])
            XCTAssertEqual(other["allocations_in_step"], "0")
            XCTAssertEqual(other["compiles_in_step"], "0")
            XCTAssertEqual(summary.allocationsInStep, 0)

            struct Span { let name: String, cat: String, start: Double, end: Double }
            var spans: [Span] = []
            for event in events {
                let phase = try XCTUnwrap(event["ph"] as? String)
                XCTAssertNotNil(event["pid"] as? Int)
                XCTAssertNotNil(event["tid"] as? Int)
                guard phase == "X" else { XCTAssertEqual(phase, "M"); continue }
                let ts = try XCTUnwrap(event["ts"] as? Double), dur = try XCTUnwrap(event["dur"] as? Double)
                XCTAssertGreaterThanOrEqual(ts, 0)
                XCTAssertGreaterThanOrEqual(dur, 0)
                spans.append(Span(name: try XCTUnwrap(event["name"] as? String), cat: try XCTUnwrap(event["cat"] as? String),
                                  start: ts, end: ts + dur))
            }
            XCTAssertFalse(spans.contains { $0.cat == "allocation" || $0.cat == "compile" }, "\(device.info)")
            let phases = spans.filter { $0.cat == "phase" }
            XCTAssertEqual(phases.map(\.name), ["forward", "backward", "optimizer"])
            let step = try XCTUnwrap(spans.first { $0.cat == "step" })
            let epsilon = 1e-3   // µs: rounding of ns → µs
            func inside(_ child: Span, _ parent: Span) -> Bool {
                child.start >= parent.start - epsilon && child.end <= parent.end + epsilon
            }
            XCTAssertTrue(phases.allSatisfy { inside($0, step) })
            for window in zip(phases, phases.dropFirst()) { XCTAssertLessThanOrEqual(window.0.end, window.1.start + epsilon) }
            let work = spans.filter { ["op", "gemm", "kernel"].contains($0.cat) }
            XCTAssertFalse(work.isEmpty)
            for span in work {
                XCTAssertTrue(phases.contains { inside(span, $0) }, "\(device.info): \(span.cat) \(span.name) lies outside every phase")
            }
            let ops = spans.filter { $0.cat == "op" || $0.cat == "gemm" }
            let real = try StepCatalog.recordStep(run, on: DryRunDevice(mirroring: device))
            XCTAssertEqual(ops.count, real.count, "\(device.info): every op and GEMM of the step is a span")
            XCTAssertEqual(ops.filter { $0.cat == "gemm" }.count, real.filter(\.call.isGEMM).count)
            if device is OpenCLDevice {
                for kernel in spans where kernel.cat == "kernel" {
                    XCTAssertTrue(ops.contains { inside(kernel, $0) }, "kernel \(kernel.name) outside its op")
                }
                XCTAssertGreaterThanOrEqual(summary.kernels, ops.count)
            }
        }
    }

    func testBadFlagsAreValidationErrorsNotTraps() throws {
        for arguments in [["--batch", "0"], ["--device", "gpu"], ["--device", "opencl:-1"], ["--repetitions", "0"],
                          ["--json", "--markdown"], ["--only", " "], ["--trace", ""], ["--threads", "0"]] {
            XCTAssertThrowsError(try BertProf.parseAsRoot(["profile"] + arguments), "\(arguments)")
        }
        XCTAssertThrowsError(try ModelChoice.config(for: "huge")) { error in
            XCTAssertTrue("\(error)".contains("neither a named size"), "\(error)")
        }
        let catalog = try StepCatalog.build(run, device: TestDevices.cpu)
        XCTAssertThrowsError(try ProfileCommand.selected(catalog.entries, only: "no such op")) { error in
            XCTAssertTrue("\(error)".contains("matches no entry"), "\(error)")
        }
        XCTAssertEqual(try ProfileCommand.selected(catalog.entries, only: "LAYERNORM").map(\.entry.call.name).sorted(),
                       [.layerNorm, .layerNorm, .layerNorm, .layerNormBackward, .layerNormBackward],
                       "embeddings, residual at T rows, residual at the last block's B rows; backward at T and B rows")
        XCTAssertTrue(try BertProf.parseAsRoot([]) is ProfileCommand, "profile is the default subcommand")
    }
}

/// Role labels come from the model code, and the device layer's catalogue covers every op the profiler sees.
final class ProfilerRoleTests: XCTestCase {
    private let run = ModelRun(config: BertConfig(size: .tiny), batch: 2, sequence: 16)

    func testEveryCallOfATrainingStepIsNamedByTheModel() throws {
        for device in try TestDevices.both() {
            let records = try StepCatalog.recordStep(run, on: DryRunDevice(mirroring: device))
            for record in records { XCTAssertFalse(record.role.site.isEmpty, "\(device.info): \(record.call) is unnamed") }
            // Layer calls carry their layer; the embeddings, pooler, head and optimizer none.
            let layers = Set(records.compactMap(\.role.layer))
            XCTAssertEqual(layers, Set(0..<run.config.numHiddenLayers))
            for record in records where record.call.name == .attentionSoftmax { XCTAssertNotNil(record.role.layer) }
            for record in records where record.call.name == .adamw { XCTAssertNil(record.role.layer) }
        }
    }

    func testGroupedRolesJoinTheModelsNames() throws {
        let catalog = try StepCatalog.build(run, device: TestDevices.cpu)
        let roles = Dictionary(catalog.entries.map { ($0.call.description, $0.role) }, uniquingKeysWith: { $1 })
        let t = run.batch * run.sequence, h = run.config.hiddenSize
        XCTAssertEqual(roles[OpCall.layerNorm(rows: t, columns: h, residual: true, dropout: true, storesSum: true).description],
                       "attention dropout + residual + LayerNorm; FFN dropout + residual + LayerNorm")
        XCTAssertEqual(roles[OpCall.layerNormBackward(rows: t, columns: h).description],
                       "FFN LayerNorm backward; attention LayerNorm backward; embeddings LayerNorm backward")
        XCTAssertTrue(catalog.entries.allSatisfy { !$0.role.isEmpty }, "every entry has a role")
    }

    func testTheDeviceCatalogueCoversEveryOpOfTheProfilersCatalog() throws {
        let catalog = try StepCatalog.build(run, device: TestDevices.cpu)
        XCTAssertEqual(Set(catalog.entries.map(\.call.name)).subtracting(OpCatalog.coverage.map(\.name)), [])
    }

    func testTheSweepsDefaultIsWhatTheDeviceRuns() throws {
        let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: true))
        let sweep = KernelSweep(device: device, reference: TestDevices.cpu, timing: TimingSettings(warmup: 0, repetitions: 1))
        let row = try sweep.variants(.rowWorkGroup).filter(\.isDefault)
        XCTAssertEqual(row.map(\.variants.rowWorkGroupSize), [device.launchSettings.rowWorkGroupSize])
        let elementwise = try sweep.variants(.elementwise).filter(\.isDefault)
        XCTAssertEqual(elementwise.count, 1)
        XCTAssertEqual(elementwise.first?.variants.elementwiseWorkGroupSize, device.launchSettings.elementwiseWorkGroupSize)
        let flash = try sweep.variants(.flash(headDim: 64)).filter(\.isDefault)
        XCTAssertEqual(flash.map(\.variants.flashWorkGroupSize), [device.launchSettings.flashWorkGroupSize])
        XCTAssertEqual(flash.map(\.variants.flashTile), [try device.launchSettings.flashTile(headDim: 64)])
    }
}
