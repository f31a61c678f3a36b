#!/bin/sh
# Bytes a command reads: the sum of what read, pread64 and readv returned to the process and
# its threads (strace), whatever the page cache holds. Used to count how often a release reads
# the files of a version.
# Usage: benches/reads.sh DIR EDITIO ARGS...
#   e.g. benches/reads.sh /tmp/rc target/debug/editio release --all --date 2026-01-02
set -eu
D=$1; shift
T=$(mktemp)
trap 'rm -f "$T"' EXIT
rc=0
(cd "$D" && strace -f -qq -e trace=read,pread64,readv -e signal=none -o "$T" "$@" >/dev/null 2>&1) || rc=$?
awk '/\) += [0-9]+$/ { n++; s += $NF } END { printf "%.1f MB read in %d calls\n", s / 1e6, n }' "$T"
exit $rc
