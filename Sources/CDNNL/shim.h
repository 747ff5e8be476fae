// oneDNN's C API (matmul primitives for the CPU backend's GEMMs). Only built when Package.swift finds the header
// (Debian: libdnnl-dev, which ships no pkg-config file).
#ifndef SWIFTBERT_CDNNL_SHIM_H
#define SWIFTBERT_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
#endif
