#!/usr/bin/env bash
# Writes a BagIt bag for the verify benchmark (BENCHMARKS.md): LARGE files of LARGE_MB MB and
# SMALL files of 20 kB of pseudo-random bytes, with SHA-256 and SHA-512 manifests made by
# bagit.py (the field's reference). Usage: benches/make-bag.sh OUT [LARGE LARGE_MB SMALL]
set -euo pipefail
out=$1; large=${2:-300}; large_mb=${3:-3}; small=${4:-5000}
mkdir -p "$out/big" "$out/small"
for i in $(seq -w 1 "$large"); do
  head -c "$((large_mb * 1000000))" /dev/urandom > "$out/big/part-$i.bin"
done
for i in $(seq -w 1 "$small"); do
  head -c 20000 /dev/urandom > "$out/small/page-$i.txt"
done
bagit.py --quiet --processes 2 --sha256 --sha512 "$out"
