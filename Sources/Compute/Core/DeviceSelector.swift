import Foundation

/// A `--device` value: `cpu`, `opencl` (the best-ranked real OpenCL GPU, else the first real OpenCL device), `opencl:N`, or
/// `auto` (the best real OpenCL GPU the work fits, else the CPU backend: `AutoDeviceRule`).
public enum DeviceSpec: Equatable, Sendable, CustomStringConvertible {
    case cpu
    case openCL(index: Int?)
    case auto

    /// Parses a `--device` value; the error says what was expected.
    public init(parsing text: String) throws {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch value {
        case "cpu": self = .cpu
        case "auto": self = .auto
        case "opencl", "cl": self = .openCL(index: nil)
        default:
            guard value.hasPrefix("opencl:") else {
                throw ComputeError.invalidDeviceSpec(text, reason: "unknown device kind")
            }
            guard let index = Int(value.dropFirst("opencl:".count)), index >= 0 else {
                throw ComputeError.invalidDeviceSpec(text, reason: "the index after 'opencl:' must be a whole number ≥ 0")
            }
            self = .openCL(index: index)
        }
    }

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .auto: return "auto"
        case .openCL(let index): return index.map { "opencl:\($0)" } ?? "opencl"
        }
    }
}

/// Whether a command's work fits a device `auto` considers: nil when it does, else why not (e.g. "the memory plan
/// needs 9.1 GiB, the device holds 4.0 GiB"). Called with the opened device.
public typealias DeviceFit = (any Device) throws -> String?

/// Opens the device a `DeviceSpec` names and says why it was chosen.
public enum DeviceSelector {
    /// The opened device, a one-line reason, and (for `auto`) every device passed over with its reason.
    public struct Selection {
        public let device: any Device
        public let reason: String
        public var skipped: [AutoDeviceRule.Skipped] = []
    }

    /// Opens `spec`. For `auto` (`AutoDeviceRule`), `fits` is asked of each ranked GPU in turn; the first it
    /// accepts is used, and with none the CPU backend. Explicit devices are opened as named.
    public static func open(_ spec: DeviceSpec, options: DeviceOptions = DeviceOptions(),
                            fits: DeviceFit? = nil) throws -> Selection {
        switch spec {
        case .cpu:
            let device = CPUDevice(options: options)
            return Selection(device: device, reason: "cpu: \(device.info)")
        case .openCL(let index?):
            let device = try OpenCLDevice(index: index, options: options)
            return Selection(device: device, reason: "\(device.info)")
        case .openCL(nil):
            let entries = try OpenCLDiscovery.devices()
            // The best real GPU, else the first device that is no simulator, else whatever there is.
            let best = AutoDeviceRule.rank(entries.map(\.info)).candidates.first
            guard let entry = entries.first(where: { best != nil && $0.info.index == best?.index })
                    ?? entries.first(where: { AutoDeviceRule.simulatorMark($0.info) == nil }) ?? entries.first else {
                throw ComputeError.noSuchDevice(
                    "no OpenCL device found: install an OpenCL driver (e.g. pocl-opencl-icd) or use --device cpu")
            }
            let device = try OpenCLDevice(entry: entry, options: options)
            return Selection(device: device, reason: "opencl: \(device.info)")
        case .auto:
            return try openAuto(options: options, fits: fits)
        }
    }

    private static func openAuto(options: DeviceOptions, fits: DeviceFit?) throws -> Selection {
        let entries = (try? OpenCLDiscovery.devices()) ?? []
        let pick = try AutoDeviceRule.firstFitting(AutoDeviceRule.rank(entries.map(\.info)), open: { info in
            guard let entry = entries.first(where: { $0.info.index == info.index }) else {
                throw ComputeError.noSuchDevice("opencl:\(info.index ?? 0) disappeared")
            }
            return try OpenCLDevice(entry: entry, options: options)
        }, fits: fits)
        if let device = pick.device, let chosen = pick.chosen {
            return Selection(device: device, reason: "auto chose the OpenCL GPU \(device.info): the best-ranked real GPU "
                             + "(\(AutoDeviceRule.strengths(chosen)))" + passedOver(pick.skipped), skipped: pick.skipped)
        }
        let device = CPUDevice(options: options)
        let why = entries.isEmpty ? "no OpenCL device found" : "no usable OpenCL GPU"
        return Selection(device: device, reason: "auto chose the CPU backend: \(why)\(passedOver(pick.skipped)); \(device.info)",
                         skipped: pick.skipped)
    }

    /// " (passed over: opencl:0 Oclgrind Simulator, a simulator …; …)" or "".
    private static func passedOver(_ skipped: [AutoDeviceRule.Skipped]) -> String {
        skipped.isEmpty ? "" : " (passed over: " + skipped.map { "\($0.device.description): \($0.reason)" }.joined(separator: "; ") + ")"
    }

    /// Parses and opens in one step.
    public static func open(_ text: String, options: DeviceOptions = DeviceOptions(), fits: DeviceFit? = nil) throws -> Selection {
        try open(DeviceSpec(parsing: text), options: options, fits: fits)
    }
}
