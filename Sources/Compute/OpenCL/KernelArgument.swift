import COpenCL

/// One argument of a kernel launch. A buffer view becomes two kernel arguments: the `cl_mem` and the view's
/// element offset as a `uint` — every kernel takes its buffers as (pointer, offset) pairs.
enum KernelArgument {
    case buffer(BufferView)
    case uint(UInt32)
    case int(Int32)
    case ulong(UInt64)
    case float(Float)

    /// Counts and offsets are passed as 32-bit values (allocations are capped at 4 GiB).
    static func count(_ value: Int) -> KernelArgument { .uint(UInt32(clamping: value)) }
}

extension CLKernel {
    /// Sets the arguments in order.
    func setArguments(_ arguments: [KernelArgument]) throws {
        var index: cl_uint = 0
        func set<T: BitwiseCopyable>(_ value: T) throws {
            let status = withUnsafeBytes(of: value) { clSetKernelArg(handle, index, $0.count, $0.baseAddress) }
            try OpenCLStatus.check(status, "clSetKernelArg(\(name), \(index))")
            index += 1
        }
        for argument in arguments {
            switch argument {
            case let .buffer(view):
                guard let memory = view.allocation.clMemory else { throw ComputeError.foreignBuffer(operation: name) }
                let handle: cl_mem? = memory.handle
                try set(handle)
                try set(UInt32(view.elementOffset))
            case let .uint(value): try set(value)
            case let .int(value): try set(value)
            case let .ulong(value): try set(value)
            case let .float(value): try set(value)
            }
        }
    }
}
