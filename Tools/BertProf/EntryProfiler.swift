import Compute
import Foundation

/// How the catalog is measured (from the command line).
struct ProfileSettings {
    /// Warm-up and repetitions of our kernels.
    var timing: TimingSettings
    /// Warm-up and repetitions of GEMMs (fewer: CLBlast on PoCL is slow).
    var gemmTiming: TimingSettings
    /// Sweep the kernels that have launch-shape knobs (OpenCL).
    var sweep: Bool
}

/// The outcome for one catalog entry: its check, its times, or the error that stopped it.
struct EntryMeasurement {
    let entry: StepCatalog.Entry
    let validation: OpValidation.Result?
    let timing: OpTiming?
    let error: String?
}

/// Validates, then times, catalog entries on one device. On OpenCL each call is checked against the same call
/// on the CPU backend (the twin) with the same inputs; on the CPU backend, which is the twin, GEMMs are
/// checked against a double-precision product on a slice of C and other calls are not compared.
struct EntryProfiler {
    let device: any Device
    /// The CPU twin (nil when `device` is the CPU backend); single-threaded, so it leaves the cores to `device`.
    let reference: (any Device)?
    let settings: ProfileSettings

    func measure(_ entry: StepCatalog.Entry, seed: UInt64) -> EntryMeasurement {
        do {
            let op = try OpReplay.prepare(entry.call, on: device, seed: seed)
            let validation: OpValidation.Result
            if let reference {
                validation = try OpValidation.compare(op, seed: seed, device: device, reference: reference)
            } else if entry.call.isGEMM {
                validation = try OpValidation.gemmSlice(op, device: device)
            } else {
                validation = .skipped("reference (the CPU backend is the twin)")
            }
            let timing = try OpTimer.time(op, on: device, settings: entry.call.isGEMM ? settings.gemmTiming : settings.timing)
            return EntryMeasurement(entry: entry, validation: validation, timing: timing, error: nil)
        } catch {
            return EntryMeasurement(entry: entry, validation: nil, timing: nil, error: "\(error)")
        }
    }
}
