import Foundation

/// CLBlast tuning parameters for one OpenCL device, single precision: for each CLBlast kernel ("Xgemm",
/// "XgemmDirect", "GemmRoutine", …) the value of every one of its parameters.
///
/// CLBlast ships a database of parameters per device; `apply(to:)` replaces its entries for this device with
/// these values (`CLBlastOverrideParameters`), which is how a file written by `bert-prof tune` takes effect.
/// An `OpenCLDevice` applies one when it opens (`DeviceOptions.clblastParameters`): by default the file at
/// `defaultPath(for:kernelCacheDirectory:)` when it exists.
///
/// Applying is global to the process for that device: CLBlast keeps one parameter table per (device,
/// kernel, precision), shared by every context. It changes what `OpenCLDevice.gemmWorkspaceBytes` reports
/// (the temporary buffer depends on Xgemm's tile sizes and on GemmRoutine's XGEMM_MIN_INDIRECT_SIZE), so
/// parameters must be applied before any memory planning or workspace reservation.
public struct CLBlastParameters: Sendable, Equatable {
    /// The device the parameters were tuned for, as the driver names it.
    public struct DeviceIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
        public var name: String
        public var vendor: String
        public var driverVersion: String

        public init(name: String, vendor: String, driverVersion: String) {
            self.name = name
            self.vendor = vendor
            self.driverVersion = driverVersion
        }

        public init(_ info: DeviceInfo) {
            self.init(name: info.name, vendor: info.vendor, driverVersion: info.driverVersion)
        }

        public var description: String { "\(name) (\(vendor), driver \(driverVersion))" }
    }

    public var device: DeviceIdentity
    /// Kernel name → parameter name → value. Each kernel lists every parameter CLBlast has for it.
    public var kernels: [String: [String: Int]]
    /// How the values were found, when a tuner wrote them.
    public var tuning: CLBlastTuningRecord?

    public init(device: DeviceIdentity, kernels: [String: [String: Int]], tuning: CLBlastTuningRecord? = nil) {
        self.device = device
        self.kernels = kernels
        self.tuning = tuning
    }

    /// The kernels `bert`'s GEMMs depend on and the tuner sets: the indirect kernel, the direct kernel and
    /// the size at which CLBlast switches from the second to the first.
    public static let gemmKernels = ["Xgemm", "XgemmDirect", "GemmRoutine"]

    /// CLBlast's precision code for float32 (`CLBlastPrecisionSingle`).
    static let singlePrecision: Int32 = 32

    /// Where `bert` looks for a device's tuned parameters when none is named:
    /// `<kernel cache>/clblast/<device name>_<driver version>.json`, with characters other than letters,
    /// digits, '.', '_' and '-' replaced by '-'. The kernel cache is `kernelCacheDirectory` or, when nil,
    /// the default program cache folder (`$SWIFTBERT_CACHE_DIR`, `$XDG_CACHE_HOME/swiftbert` or
    /// `~/.cache/swiftbert`, with `opencl-programs` inside).
    public static func defaultPath(for device: DeviceIdentity, kernelCacheDirectory: String?) -> String {
        let cache = kernelCacheDirectory.map { URL(fileURLWithPath: $0) } ?? ProgramCache.defaultDirectory()
        return cache.appendingPathComponent("clblast")
            .appendingPathComponent("\(sanitized(device.name))_\(sanitized(device.driverVersion)).json").path
    }

    /// `text` with every run of characters outside [A-Za-z0-9._-] replaced by one '-'.
    static func sanitized(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let keep = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
            if keep {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "unnamed" : trimmed
    }
}

/// What a tuning run measured, kept in the parameters file so a reader can see where the values came from.
public struct CLBlastTuningRecord: Sendable, Equatable, Codable {
    /// When the tuning finished (ISO 8601).
    public var date: String
    /// The GEMMs timed, one line each.
    public var workload: [String]
    /// Seconds of the whole workload (each GEMM's median × its calls) with CLBlast's database parameters.
    public var baselineSeconds: Double
    /// The same with the parameters in this file.
    public var tunedSeconds: Double
    /// Configurations timed (database ones included) and rejected (build failures, wrong results, too slow).
    public var configurationsMeasured: Int
    public var configurationsRejected: Int
    /// Wall-clock seconds the tuning took.
    public var elapsedSeconds: Double

    public init(date: String, workload: [String], baselineSeconds: Double, tunedSeconds: Double,
                configurationsMeasured: Int, configurationsRejected: Int, elapsedSeconds: Double) {
        self.date = date
        self.workload = workload
        self.baselineSeconds = Self.microseconds(baselineSeconds)
        self.tunedSeconds = Self.microseconds(tunedSeconds)
        self.configurationsMeasured = configurationsMeasured
        self.configurationsRejected = configurationsRejected
        self.elapsedSeconds = Self.microseconds(elapsedSeconds)
    }

    /// Times are kept to the microsecond: short decimals survive a JSON round trip exactly.
    private static func microseconds(_ seconds: Double) -> Double { (seconds * 1e6).rounded() / 1e6 }
}
