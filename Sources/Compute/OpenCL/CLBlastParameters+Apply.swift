import CCLBlast
import CCLBlastQuery
import COpenCL
import Foundation
import Logging

// Reading and replacing CLBlast's parameter table for a device. CLBlast keeps that table (database entries
// and overrides) itself, per (device, kernel, precision), for the whole process; nothing is kept here.

extension CLBlastParameters {
    /// Replaces CLBlast's parameters for `device` with these: every kernel is checked first (CLBlast's
    /// parameter names for it, the kernel's rules for Xgemm and XgemmDirect, the device the values were tuned
    /// for) and only then are they applied, so a bad set changes nothing. `source` names the values in errors
    /// (a file path, "tuned parameters").
    ///
    /// CLBlast compiles its GEMM routine anew for the new values on the next call. The change is global to
    /// the process for this device and changes `OpenCLDevice.gemmWorkspaceBytes`: apply before planning
    /// memory or reserving workspace.
    public func apply(to device: OpenCLDevice, source: String = "CLBlast parameters") throws {
        try Self.checkIdentity(self.device, info: device.info, source: source)
        try Self.apply(kernels, deviceID: device.deviceID, info: device.info, source: source)
    }

    /// The parameters CLBlast uses now for `kernels` on `device`: its database's, unless something in this
    /// process replaced them. Applying the result later restores them (what tests and the tuner do).
    public static func current(on device: OpenCLDevice, kernels: [String] = gemmKernels) throws -> CLBlastParameters {
        var values: [String: [String: Int]] = [:]
        for kernel in kernels {
            values[kernel] = try currentValues(kernel, deviceID: device.deviceID, source: "CLBlast's table")
        }
        return CLBlastParameters(device: DeviceIdentity(device.info), kernels: values)
    }

    /// Applies the parameters `choice` names while a device opens; returns the file applied, if any.
    static func applyAtOpen(_ choice: CLBlastParametersSource, info: DeviceInfo, deviceID: cl_device_id,
                            kernelCacheDirectory: String?) throws -> String? {
        let path: String
        switch choice {
        case .database:
            return nil
        case .file(let file):
            path = file
        case .defaultLocation:
            path = defaultPath(for: DeviceIdentity(info), kernelCacheDirectory: kernelCacheDirectory)
            guard FileManager.default.fileExists(atPath: path) else { return nil }
        }
        let parameters = try load(contentsOf: path)
        try checkIdentity(parameters.device, info: info, source: path)
        try apply(parameters.kernels, deviceID: deviceID, info: info, source: path)
        return path
    }

    // MARK: - Checks

    private static func checkIdentity(_ tuned: DeviceIdentity, info: DeviceInfo, source: String) throws {
        let device = DeviceIdentity(info)
        guard tuned.name == device.name, tuned.vendor == device.vendor else {
            throw CLBlastParametersError.otherDevice(file: source, tunedFor: tuned.description, device: device.description)
        }
        if tuned.driverVersion != device.driverVersion {
            Logger(label: "swiftbert.clblast").warning(
                "\(source) was tuned with driver \(tuned.driverVersion); this device runs \(device.driverVersion). Consider re-tuning.")
        }
    }

    /// Checks and applies kernel values (see `apply(to:source:)`), without the device-identity check.
    static func apply(_ kernels: [String: [String: Int]], deviceID: cl_device_id, info: DeviceInfo,
                              source: String) throws {
        let ordered = kernels.sorted { $0.key < $1.key }
        for (kernel, values) in ordered {
            let known = Set(try currentValues(kernel, deviceID: deviceID, source: source).keys)
            let given = Set(values.keys)
            guard known == given else {
                throw CLBlastParametersError.parameterNames(source: source, kernel: kernel,
                    missing: known.subtracting(given).sorted(), unknown: given.subtracting(known).sorted())
            }
            if let space = CLBlastParameterSpace.checking(kernel, gemmk: values["GEMMK"]) {
                let broken = space.violations(values, limits: CLBlastParameterSpace.Limits(info))
                guard broken.isEmpty else {
                    throw CLBlastParametersError.invalidValues(source: source, kernel: kernel, rules: broken)
                }
            }
        }
        for (kernel, values) in ordered {
            try override(kernel, values, deviceID: deviceID, source: source)
        }
    }

    // MARK: - CLBlast calls

    private static func override(_ kernel: String, _ values: [String: Int], deviceID: cl_device_id,
                                 source: String) throws {
        let names = values.keys.sorted()
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var namePointers = cNames.map { UnsafePointer<CChar>($0) }
        let numbers = names.map { values[$0] ?? 0 }
        let status = CLBlastOverrideParameters(deviceID, kernel, CLBlastPrecision(rawValue: UInt32(singlePrecision)),
                                               names.count, &namePointers, numbers)
        guard status == CLBlastSuccess else {
            throw CLBlastParametersError.clblast(source: source, call: "OverrideParameters(\(kernel))", status: status.rawValue)
        }
    }

    /// CLBlast's current values for one kernel on a device (through the C++ API; see CCLBlastQuery).
    static func currentValues(_ kernel: String, deviceID: cl_device_id, source: String) throws -> [String: Int] {
        var nameCapacity = 1024, valueCapacity = 32
        while true {
            var names = [CChar](repeating: 0, count: nameCapacity)
            var values = [Int](repeating: 0, count: valueCapacity)
            var count = 0, namesLength = 0
            let status = swiftbert_clblast_retrieve_parameters(deviceID, kernel, singlePrecision, &names, nameCapacity,
                                                               &values, valueCapacity, &count, &namesLength)
            if status == SWIFTBERT_CLBLAST_QUERY_TOO_SMALL {
                nameCapacity = max(nameCapacity, namesLength)
                valueCapacity = max(valueCapacity, count)
                continue
            }
            guard status == 0 else {
                // An unknown kernel has no database entry: CLBlast reports kDatabaseError.
                if status == CLBlastDatabaseError.rawValue {
                    throw CLBlastParametersError.unknownKernel(source: source, kernel: kernel, status: status)
                }
                throw CLBlastParametersError.clblast(source: source, call: "RetrieveParameters(\(kernel))", status: status)
            }
            let parameterNames = names.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                .split(separator: "\n").map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(parameterNames, values.prefix(count)))
        }
    }
}
