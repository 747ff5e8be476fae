import Foundation

/// A `--device` value: `cpu`, `opencl` (the first OpenCL GPU, else the first OpenCL device), `opencl:N`, or
/// `auto` (an OpenCL GPU if one exists, else the CPU backend).
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

/// Opens the device a `DeviceSpec` names and says why it was chosen.
public enum DeviceSelector {
    /// The opened device and a one-line reason, e.g. "auto: no OpenCL GPU found, using the CPU backend".
    public struct Selection {
        public let device: any Device
        public let reason: String
    }

    public static func open(_ spec: DeviceSpec, options: DeviceOptions = DeviceOptions()) throws -> Selection {
        switch spec {
        case .cpu:
            let device = CPUDevice(options: options)
            return Selection(device: device, reason: "cpu: \(device.info)")
        case .openCL(let index?):
            let device = try OpenCLDevice(index: index, options: options)
            return Selection(device: device, reason: "\(device.info)")
        case .openCL(nil):
            let entries = try OpenCLDiscovery.devices()
            guard let entry = entries.first(where: { $0.info.isGPU }) ?? entries.first else {
                throw ComputeError.noSuchDevice(
                    "no OpenCL device found: install an OpenCL driver (e.g. pocl-opencl-icd) or use --device cpu")
            }
            let device = try OpenCLDevice(entry: entry, options: options)
            return Selection(device: device, reason: "opencl: \(device.info)")
        case .auto:
            let entries = (try? OpenCLDiscovery.devices()) ?? []
            if let gpu = entries.first(where: { $0.info.isGPU }) {
                let device = try OpenCLDevice(entry: gpu, options: options)
                return Selection(device: device, reason: "auto chose the OpenCL GPU \(device.info)")
            }
            let device = CPUDevice(options: options)
            let why = entries.isEmpty ? "no OpenCL device found" : "no OpenCL GPU found (only \(entries.map(\.info.name).joined(separator: ", ")))"
            return Selection(device: device, reason: "auto chose the CPU backend: \(why); \(device.info)")
        }
    }

    /// Parses and opens in one step.
    public static func open(_ text: String, options: DeviceOptions = DeviceOptions()) throws -> Selection {
        try open(DeviceSpec(parsing: text), options: options)
    }
}
