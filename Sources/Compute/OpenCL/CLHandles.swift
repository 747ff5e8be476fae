import COpenCL

// Typed owners of OpenCL handles. Every cl_* type imports as OpaquePointer, so each gets its own class:
// they cannot be mixed up, and each releases its handle exactly once.

/// An OpenCL context.
final class CLContext: @unchecked Sendable {
    let handle: cl_context
    init(_ handle: cl_context) { self.handle = handle }
    deinit { clReleaseContext(handle) }
}

/// An in-order command queue.
final class CLQueue: @unchecked Sendable {
    let handle: cl_command_queue
    init(_ handle: cl_command_queue) { self.handle = handle }
    deinit { clReleaseCommandQueue(handle) }
}

/// A buffer object.
final class CLMemory: @unchecked Sendable {
    let handle: cl_mem
    init(_ handle: cl_mem) { self.handle = handle }
    deinit { clReleaseMemObject(handle) }
}

/// A built program.
final class CLProgram: @unchecked Sendable {
    let handle: cl_program
    init(_ handle: cl_program) { self.handle = handle }
    deinit { clReleaseProgram(handle) }
}

/// A kernel object (not thread-safe: its arguments are state).
final class CLKernel: @unchecked Sendable {
    let handle: cl_kernel
    let name: String
    init(_ handle: cl_kernel, name: String) {
        self.handle = handle
        self.name = name
    }
    deinit { clReleaseKernel(handle) }
}

/// An event, for profiling.
final class CLEvent: @unchecked Sendable {
    let handle: cl_event
    init(_ handle: cl_event) { self.handle = handle }
    deinit { clReleaseEvent(handle) }

    /// Queued, start and end times in nanoseconds (needs a profiling queue; waits for the event).
    func profilingTimes() throws -> (queued: UInt64, start: UInt64, end: UInt64) {
        var event: cl_event? = handle
        try OpenCLStatus.check(clWaitForEvents(1, &event), "clWaitForEvents")
        func time(_ parameter: Int32) throws -> UInt64 {
            var value: cl_ulong = 0
            try OpenCLStatus.check(
                clGetEventProfilingInfo(handle, cl_profiling_info(parameter), MemoryLayout<cl_ulong>.size, &value, nil),
                "clGetEventProfilingInfo")
            return value
        }
        return (try time(CL_PROFILING_COMMAND_QUEUED), try time(CL_PROFILING_COMMAND_START),
                try time(CL_PROFILING_COMMAND_END))
    }
}
