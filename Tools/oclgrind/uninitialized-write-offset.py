#!/usr/bin/env python3
"""uninitialized-write-offset.py — a minimal reproduction of a false report by Oclgrind 21.10's
uninitialised-value check (OCLGRIND_UNINITIALIZED=1), kept to show why Tools/oclgrind-check.sh does not run that
check by default.

A kernel reads 64 floats that the host wrote with clEnqueueWriteBuffer. Written at byte offset 0 of the buffer,
nothing is reported; written at a byte offset (160 here), Oclgrind reports most of the 64 values as
uninitialised although every one was written. SwiftBERT's buffers are views into larger allocations (arenas,
replay buffers), so nearly every kernel reads data written at an offset. Run with only Oclgrind registered:

    mkdir -p /tmp/icd && echo /usr/lib/oclgrind/liboclgrind-rt-icd.so > /tmp/icd/oclgrind.icd
    OCL_ICD_VENDORS=/tmp/icd OCLGRIND_UNINITIALIZED=1 python3 Tools/oclgrind/uninitialized-write-offset.py

Needs pyopencl and numpy (PyPI). Prints the number of report lines for both writes.
"""
import subprocess
import sys

import numpy as np
import pyopencl as cl

SOURCE = r"""
__kernel void twice(__global float* out, __global const float* x, const uint off) {
    const uint i = get_global_id(0);
    out[i] = x[off + i] * 2.0f;
}
"""


def run(write_offset: bool) -> None:
    platform = cl.get_platforms()[0]
    context = cl.Context([platform.get_devices()[0]])
    queue = cl.CommandQueue(context)
    program = cl.Program(context, SOURCE).build()
    n, off = 64, 40
    data = cl.Buffer(context, cl.mem_flags.READ_WRITE, 4 * (off + n))
    if write_offset:
        cl.enqueue_copy(queue, data, np.arange(n, dtype=np.float32), dst_offset=4 * off)
    else:
        cl.enqueue_copy(queue, data, np.arange(off + n, dtype=np.float32))
    out = cl.Buffer(context, cl.mem_flags.READ_WRITE, 4 * n)
    program.twice(queue, (n,), None, out, data, np.uint32(off))
    queue.finish()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1] == "offset")
        sys.exit(0)
    for mode in ("whole", "offset"):
        result = subprocess.run([sys.executable, __file__, mode], capture_output=True, text=True)
        reports = sum("Uninitialized value" in line for line in result.stderr.splitlines())
        print(f"{mode} write: {reports} uninitialised-value reports")
