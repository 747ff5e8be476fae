import Compute
import Foundation

/// Sweeps the launch-shape knobs our OpenCL kernels have, at the catalog's shapes: the row kernels' work-group
/// size (`SB_ROW_WG`: LayerNorm forward/backward, attention softmax forward/backward, cross-entropy, sum of
/// squares), the online-softmax attention's work-group size and K/V tile (`SB_FLASH_WG`, `SB_FLASH_TILE`), and
/// the local size of the one-item-per-element kernels (normally the driver's choice for the exact global
/// size; swept with the global size rounded up). Each variant runs on a device opened with
/// `DeviceOptions.kernelVariants`, is checked against the CPU twin, and is timed like the main table (at most
/// 5 repetitions); the default variant is timed again in the same pass, so the comparison is within one sweep.
/// GEMMs are CLBlast's, tuned by its own parameters, and not swept here.
struct KernelSweep {
    typealias Variant = LaunchVariant

    /// One entry's sweep: every variant's median (nil when it failed) and check.
    struct Outcome {
        let entry: StepCatalog.Entry
        let knob: LaunchKnob
        let results: [(variant: Variant, median: Double?, passed: Bool, error: String?)]

        var winner: (variant: Variant, median: Double)? {
            results.compactMap { r in r.median.flatMap { r.passed ? (r.variant, $0) : nil } }.min { $0.1 < $1.1 }
        }
        var defaultMedian: Double? { results.first { $0.variant.isDefault }?.median }
    }

    let device: OpenCLDevice
    let reference: any Device
    let timing: TimingSettings

    /// The variants of `knob` this device allows; the default among them is what `LaunchSettings` gives a device
    /// opened without overrides, i.e. what a run uses.
    func variants(_ knob: LaunchKnob) throws -> [Variant] { try LaunchSettings.variants(knob, info: device.info) }

    /// Sweeps every entry with a knob (one device per variant, shared by the entries it applies to);
    /// `progress` hears one line per measurement.
    func run(_ entries: [(seed: UInt64, entry: StepCatalog.Entry)], progress: (String) -> Void) -> [Outcome] {
        var results: [Int: [(Variant, Double?, Bool, String?)]] = [:]
        let swept = entries.enumerated().compactMap { i, e in e.entry.call.launchKnob.map { (i, e, $0) } }
        var knobs: [LaunchKnob] = []
        for (_, _, knob) in swept where !knobs.contains(knob) { knobs.append(knob) }
        for knob in knobs {
            let mine = swept.filter { $0.2 == knob }
            let list = Result { try variants(knob) }
            if case let .failure(error) = list {
                let defaults = LaunchVariant(label: "defaults", variants: KernelVariants(), isDefault: true)
                for (i, _, _) in mine { results[i, default: []].append((defaults, nil, false, "\(error)")) }
            }
            for variant in (try? list.get()) ?? [] {
                let opened: Result<OpenCLDevice, Error> = Result {
                    var options = DeviceOptions(profiling: true)
                    options.kernelVariants = variant.variants
                    return try OpenCLDevice(index: device.info.index ?? 0, options: options)
                }
                for (i, item, _) in mine {
                    let call = item.entry.call
                    do {
                        let variantDevice = try opened.get()
                        let op = try OpReplay.prepare(call, on: variantDevice, seed: item.seed)
                        let check = try OpValidation.compare(op, seed: item.seed, device: variantDevice, reference: reference)
                        let median = try OpTimer.time(op, on: variantDevice, settings: timing).median
                        results[i, default: []].append((variant, median, check.passed, check.passed ? nil : check.summary))
                        progress("  sweep \(call) \(variant.label): \(Format.milliseconds(median)) \(check.passed ? "ok" : "FAIL")")
                    } catch {
                        results[i, default: []].append((variant, nil, false, "\(error)"))
                        progress("  sweep \(call) \(variant.label): error \(error)")
                    }
                }
            }
        }
        return swept.map { i, item, knob in Outcome(entry: item.entry, knob: knob, results: results[i] ?? []) }
    }
}
