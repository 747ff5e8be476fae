/// The rule `--device auto` follows, as a pure function of device descriptions (so it can be tested on devices
/// this machine does not have).
///
/// 1. Skip every OpenCL device that is not a GPU (PoCL's CPU device and other CPU or accelerator devices: the CPU
///    backend runs the same work faster on the same cores), and every simulator or emulator (Oclgrind and the
///    like: its name, vendor or platform says so), however it reports its type.
/// 2. Rank the remaining GPUs: discrete before integrated (`CL_DEVICE_HOST_UNIFIED_MEMORY`), then by compute
///    units × clock, then by global memory, then by index.
/// 3. Take the first GPU the command's work fits (`DeviceSelector.open(_:options:fits:)`: the memory plan's
///    peak within the device's memory); with none left, the CPU backend.
///
/// ```swift
/// let ranking = AutoDeviceRule.rank(try OpenCLDevice.availableDevices())
/// print(ranking.candidates.first.map { "\($0)" } ?? "cpu", ranking.skipped)
/// ```
public enum AutoDeviceRule {
    /// A device `auto` will not use, and why.
    public struct Skipped: Sendable {
        public let device: DeviceInfo
        public let reason: String
    }

    /// The GPUs `auto` may use, best first, and the devices it passed over.
    public struct Ranking: Sendable {
        public let candidates: [DeviceInfo]
        public let skipped: [Skipped]
    }

    /// Words in a device's name, vendor or platform that mark a simulator or emulator (lower case).
    static let simulatorMarks = ["oclgrind", "simulator", "emulator", "emulation"]

    /// The word that marks `device` as a simulator or emulator, or nil for a real device.
    public static func simulatorMark(_ device: DeviceInfo) -> String? {
        let text = [device.name, device.vendor, device.platform].joined(separator: " ").lowercased()
        return simulatorMarks.first { text.contains($0) }
    }

    /// Why `auto` never uses `device`, or nil when it is a real GPU.
    public static func exclusion(_ device: DeviceInfo) -> String? {
        if let mark = simulatorMark(device) {
            return "a simulator or emulator ('\(mark)' in its name, vendor or platform), far slower than any real device"
        }
        guard device.backend == .openCL, device.isGPU else {
            return "not a GPU (type \(device.type)): the CPU backend runs the same work faster on the same cores"
        }
        return nil
    }

    /// Compute units × clock in MHz: the throughput measure among GPUs of one kind.
    static func throughput(_ device: DeviceInfo) -> Int { device.computeUnits * max(device.maxClockMHz, 1) }

    /// Whether `a` ranks before `b`: discrete first, then throughput, then memory, then index.
    static func precedes(_ a: DeviceInfo, _ b: DeviceInfo) -> Bool {
        if a.hostUnifiedMemory != b.hostUnifiedMemory { return !a.hostUnifiedMemory }
        if throughput(a) != throughput(b) { return throughput(a) > throughput(b) }
        if a.globalMemory != b.globalMemory { return a.globalMemory > b.globalMemory }
        return (a.index ?? 0) < (b.index ?? 0)
    }

    /// The usable GPUs of `devices`, best first, and every other device with the reason it was skipped.
    public static func rank(_ devices: [DeviceInfo]) -> Ranking {
        var candidates: [DeviceInfo] = [], skipped: [Skipped] = []
        for device in devices {
            if let reason = exclusion(device) { skipped.append(Skipped(device: device, reason: reason)) }
            else { candidates.append(device) }
        }
        return Ranking(candidates: candidates.sorted(by: precedes), skipped: skipped)
    }

    /// The first of `ranking`'s GPUs that `open` opens and `fits` accepts (nil: none, use the CPU backend), and
    /// every device passed over, the ranking's skipped ones first.
    static func firstFitting(_ ranking: Ranking, open: (DeviceInfo) throws -> any Device,
                             fits: DeviceFit?) throws -> (device: (any Device)?, chosen: DeviceInfo?, skipped: [Skipped]) {
        var skipped = ranking.skipped
        for candidate in ranking.candidates {
            let device: any Device
            do {
                device = try open(candidate)
            } catch {
                skipped.append(Skipped(device: candidate, reason: "could not be opened: \(error)"))
                continue
            }
            if let fits, let why = try fits(device) {
                skipped.append(Skipped(device: candidate, reason: "too small for this command: \(why)"))
                continue
            }
            return (device, candidate, skipped)
        }
        return (nil, nil, skipped)
    }

    /// Why `device` ranks where it does, for `bert devices` and the selection message.
    public static func strengths(_ device: DeviceInfo) -> String {
        "\(device.hostUnifiedMemory ? "integrated" : "discrete") GPU, \(device.computeUnits) compute units × "
            + "\(device.maxClockMHz) MHz, \(ByteCount.format(device.globalMemory))"
    }
}
