#!/bin/sh
# Release the 1,000-edition bench corpus to a storage root on disk and to one on a Garage server
# on this machine (started as the tests start theirs, see garage.sh), then verify both; one
# command after the other, N rounds, each under /usr/bin/time (wall time, peak RSS), with the
# requests each command sent to Garage by kind (from Garage's log: one line per request).
# Usage: benches/storage.sh EDITIO CORPUS WORK [N]
#   e.g. benches/storage.sh target/release/editio /tmp/c1k /tmp/sbench 3
# Each round releases a fresh copy of CORPUS (its export/ built once beforehand, so that the
# releases time the storing more than the build) to a new folder and to a new prefix.
set -eu
D=$(cd "$(dirname "$0")" && pwd)
E=$(realpath "$1"); C=$(realpath "$2"); W=$3; N=${4:-3}
rm -rf "$W"; mkdir -p "$W"; W=$(realpath "$W")
export GARAGE_LOG=garage=warn,garage_api_common=info
EP=$("$D/garage.sh" "$W/garage" 39300)
trap 'kill $(cat "$W/garage/garage.pid")' EXIT
export AWS_ACCESS_KEY_ID=GK0123456789abcdef01234567
export AWS_SECRET_ACCESS_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
export AWS_ENDPOINT_URL="$EP" AWS_REGION=garage
L="$W/garage/garage.log"
count() { grep -c "$1" "$L" || true; }
requests() {
  printf '  requests: %s PUT, %s GET, %s HEAD, %s list, %s DELETE\n' \
    $(($(count "PUT /editio") - P)) $(($(count "GET /editio") - G - $(count "list-type=2") + LI)) \
    $(($(count "HEAD /editio") - H)) $(($(count "list-type=2") - LI)) $(($(count "DELETE /editio") - DE))
}
mark() { P=$(count "PUT /editio"); G=$(count "GET /editio"); H=$(count "HEAD /editio"); LI=$(count "list-type=2"); DE=$(count "DELETE /editio"); }
cp -a "$C" "$W/base"; rm -rf "$W/base/export"
(cd "$W/base" && "$E" build -q)
for i in $(seq 1 "$N"); do
  rm -rf "$W/disk" "$W/s3"; cp -a "$W/base" "$W/disk"; cp -a "$W/base" "$W/s3"
  (cd "$W/disk" && /usr/bin/time -f "release to disk: %e s wall, %M KB peak RSS" \
    "$E" release --all --date 2026-01-02 -q)
  mark
  (cd "$W/s3" && /usr/bin/time -f "release to Garage: %e s wall, %M KB peak RSS" \
    "$E" release --all --date 2026-01-02 -q --storage "s3://editio/r$i")
  requests
  /usr/bin/time -f "verify on disk: %e s wall, %M KB peak RSS" "$E" verify -q "$W/disk/export/ocfl"
  mark
  /usr/bin/time -f "verify on Garage: %e s wall, %M KB peak RSS" "$E" verify -q "s3://editio/r$i"
  requests
done
printf 'storage root on disk: %s bytes in %s files\n' "$(du -sb "$W/disk/export/ocfl" | cut -f1)" \
  "$(find "$W/disk/export/ocfl" -type f | wc -l)"
garage -c "$W/garage/garage.toml" bucket info editio | grep -E "Size|Objects"
