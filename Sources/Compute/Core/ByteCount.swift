import Foundation

/// Parsing and printing of byte counts such as `12GiB`, `512MiB`, `8GB` or `1073741824`.
public enum ByteCount {
    private static let units: [(String, Double)] = [
        ("kib", 1024), ("mib", 1024 * 1024), ("gib", 1024 * 1024 * 1024), ("tib", 1024 * 1024 * 1024 * 1024),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12),
        ("k", 1024), ("m", 1024 * 1024), ("g", 1024 * 1024 * 1024), ("t", 1024 * 1024 * 1024 * 1024),
        ("b", 1), ("", 1),
    ]

    /// Parses a byte count. Binary units (KiB, MiB, GiB, TiB, and the bare K, M, G, T) are powers of 1024;
    /// decimal units (KB, MB, GB, TB) are powers of 1000. Case and spaces before the unit are ignored.
    public static func parse(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let numberPart = String(trimmed.prefix { $0.isNumber || $0 == "." })
        let unitPart = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces)
        guard !numberPart.isEmpty, let value = Double(numberPart), value.isFinite,
              let scale = units.first(where: { $0.0 == unitPart })?.1 else {
            throw ComputeError.invalidByteCount(text)
        }
        let bytes = (value * scale).rounded()
        guard bytes > 0, bytes < Double(Int.max) else { throw ComputeError.invalidByteCount(text) }
        return Int(bytes)
    }

    /// Formats a byte count with a binary unit, e.g. `1.50 GiB`, `768.00 KiB`, `12 B`.
    public static func format(_ bytes: Int) -> String {
        let magnitude = Double(bytes.magnitude)
        let sign = bytes < 0 ? "-" : ""
        for (unit, scale) in [("TiB", 1099511627776.0), ("GiB", 1073741824.0), ("MiB", 1048576.0), ("KiB", 1024.0)]
        where magnitude >= scale {
            return sign + String(format: "%.2f", magnitude / scale) + " " + unit
        }
        return "\(bytes) B"
    }
}
