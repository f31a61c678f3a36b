#!/bin/sh
# A single-node Garage server for trying editio's object storage by hand and for the storage
# benchmark, set up as the tests set up theirs: a generated configuration in DIR, the SQLite
# metadata engine, one node in the layout, the bucket `editio` and a key that may write to it.
# Usage: benches/garage.sh DIR [S3_PORT]    (stop it with: kill $(cat DIR/garage.pid))
# Then: export AWS_ACCESS_KEY_ID=GK0123456789abcdef01234567
#       export AWS_SECRET_ACCESS_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
#       and endpoint = "http://127.0.0.1:S3_PORT", region = "garage" in [storage].
set -eu
DIR=$(mkdir -p "$1" && cd "$1" && pwd); S3=${2:-3900}
RPC=$((S3 + 1)); ADMIN=$((S3 + 3))
SECRET=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
KEY=GK0123456789abcdef01234567
cat > "$DIR/garage.toml" <<CONF
metadata_dir = "$DIR/meta"
data_dir = "$DIR/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$RPC"
rpc_public_addr = "127.0.0.1:$RPC"
rpc_secret = "$SECRET"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$S3"
root_domain = ".s3.garage.localhost"
[admin]
api_bind_addr = "127.0.0.1:$ADMIN"
CONF
G="garage -c $DIR/garage.toml"
RUST_LOG=${GARAGE_LOG:-garage=warn} $G server > "$DIR/garage.log" 2>&1 &
echo $! > "$DIR/garage.pid"
until $G status > /dev/null 2>&1; do sleep 0.2; done
NODE=$($G node id -q | cut -d@ -f1)
$G layout assign -z dc1 -c 1G "$NODE" > /dev/null
$G layout apply --version 1 > /dev/null
$G bucket create editio > /dev/null
$G key import --yes -n editio "$KEY" "$SECRET" > /dev/null
$G bucket allow --read --write --owner editio --key "$KEY" > /dev/null
echo "http://127.0.0.1:$S3"
