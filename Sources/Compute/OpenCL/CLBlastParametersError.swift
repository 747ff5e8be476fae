/// Why CLBlast parameters could not be read, written or applied. Each case names the file (or "tuned
/// parameters" for values that never were in a file), the field or kernel, and what was expected.
public enum CLBlastParametersError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(file: String, reason: String)
    /// A field of the file holds something else than expected (`field` is a path such as `kernels.Xgemm.MWG`;
    /// empty when the file is not JSON at all).
    case invalidField(file: String, field: String, expected: String, found: String)
    /// The file was tuned for another device.
    case otherDevice(file: String, tunedFor: String, device: String)
    /// CLBlast has no such kernel (or no database entry for it on this device).
    case unknownKernel(source: String, kernel: String, status: Int32)
    /// The parameter names do not match the kernel's: CLBlast needs every one of them and knows no others.
    case parameterNames(source: String, kernel: String, missing: [String], unknown: [String])
    /// Values that break a rule of CLBlast's kernel (they would not compile or would compute garbage).
    case invalidValues(source: String, kernel: String, rules: [String])
    /// A CLBlast call failed.
    case clblast(source: String, call: String, status: Int32)
    /// A tuning run could not produce parameters.
    case tuningFailed(reason: String)

    public var description: String {
        switch self {
        case let .io(file, reason):
            return "CLBlast parameters file \(file): \(reason)"
        case let .invalidField(file, field, expected, found):
            let place = field.isEmpty ? "" : " field '\(field)'"
            return "CLBlast parameters file \(file):\(place) expected \(expected), found \(found)."
        case let .otherDevice(file, tunedFor, device):
            return "CLBlast parameters file \(file) was tuned for \(tunedFor), not for this device, \(device). "
                + "Tune this device with `bert-prof tune` or pass --clblast-parameters none."
        case let .unknownKernel(source, kernel, status):
            return "\(source): CLBlast has no parameters for a kernel named '\(kernel)' on this device "
                + "(status \(status), \(OpenCLStatus.clblastName(status)))."
        case let .parameterNames(source, kernel, missing, unknown):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown \(unknown.joined(separator: ", "))") }
            return "\(source): kernel '\(kernel)' needs exactly CLBlast's parameters for it: "
                + parts.joined(separator: "; ") + "."
        case let .invalidValues(source, kernel, rules):
            return "\(source): the values for kernel '\(kernel)' break CLBlast's rules: "
                + rules.joined(separator: "; ") + "."
        case let .clblast(source, call, status):
            return "\(source): CLBlast \(call) failed with status \(status) (\(OpenCLStatus.clblastName(status)))."
        case let .tuningFailed(reason):
            return "CLBlast tuning failed: \(reason)"
        }
    }
}
