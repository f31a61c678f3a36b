#!/bin/sh
# Incremental build on the 1,000-edition corpus: a build without the cache (every edition's
# passes and renderers run; outputs already there), a build with nothing changed, and a build
# after one edition's record changed (its title), alternating, medians of N runs.
# Usage: benches/incremental.sh EDITIO CORPUS [N]     e.g. benches/incremental.sh $E /tmp/c1k 5
set -eu
D=$(cd "$(dirname "$0")" && pwd)
E=$(realpath "$1"); C=$(realpath "$2"); N=${3:-5}
cd "$C"
[ -d export/.build-cache ] || "$E" build -q
REC=editions/bench-0500/edition.toml
B=$(cat editions/*/source.txt | wc -c)
exec "$D/timeit.py" "$N" "$B" \
  "full build (no cache)=cd $C && rm -rf export/.build-cache && $E build -q" \
  "incremental, nothing changed=cd $C && $E build -q" \
  "incremental, one record changed=cd $C && sed -i 's/^title = \"Gen.*/title = \"Generated chronicle 500 ('\$(date +%N)')\"/' $REC && $E build -q"
