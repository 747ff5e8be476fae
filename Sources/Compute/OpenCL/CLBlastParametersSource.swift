/// Which CLBlast parameters an OpenCL device applies when it opens (`DeviceOptions.clblastParameters`).
public enum CLBlastParametersSource: Sendable, Equatable {
    /// The device's file in the kernel cache (`CLBlastParameters.defaultPath`) if it exists, else CLBlast's
    /// database.
    case defaultLocation
    /// This file; opening the device fails with a clear error when it cannot be read or applied.
    case file(String)
    /// CLBlast's database (or whatever this process already applied), whatever files exist.
    case database
}
