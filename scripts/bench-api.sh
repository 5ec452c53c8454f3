#!/usr/bin/env bash
# `soilctl thing create --count N` (five AWS IoT calls a thing, after CloudFormation's
# DescribeStacks) and then `teardown`, against a moto server and against the local backend's
# AWS API endpoint, in one run, with the client-side rate lifted: the same soilctl code and SDK
# clients, only the endpoint differs. Then `thing create --local --count LOCAL_COUNT` with no
# `local up` running (the API served in process), and the same with BENCH_BASELINE (another
# soilctl binary, such as an earlier release) when it is set.
# Usage: bash scripts/bench.sh api   (COUNT=1000 LOCAL_COUNT=10000; BENCH_DIR for the state,
# default a temp folder; BENCH_BASELINE=/path/to/soilctl; BENCH_BIN=/path/to/soilctl measures that
# binary instead of building this checkout's release)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1000}
local_count=${LOCAL_COUNT:-10000}
bash scripts/setup-test-tools.sh
bin=${BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=$PWD/target/release/soilctl
fi
venv=$PWD/target/ci-venv
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
moto_pid=""
up_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  [ -n "$up_pid" ] && kill -INT "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_MAX_ATTEMPTS=1 \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  SOILCTL_POLL_MS=200 HOME=$work SOILCTL_STATE_DIR=$work/state

# Seconds that `$@` took; its output goes to the log named first.
timed() {
  local log=$1
  shift
  "$venv/bin/python" - "$log" "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "w") as log:
    subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
print(f"{time.perf_counter() - t:.2f}")
PY
}
created() { grep -c "  created  " "$1" || true; }

. scripts/moto.sh
start_moto "$venv" "$work/moto.log"
port=$moto_port
moto=http://127.0.0.1:$port
SOILCTL_DEVICES_DIR=$work/moto-devices AWS_REGION=us-east-1 \
  "$bin" -q --endpoint-url "$moto" deploy --email bench@example.com >/dev/null
moto_s=$(SOILCTL_DEVICES_DIR=$work/moto-devices AWS_REGION=us-east-1 \
  timed "$work/moto-create.log" "$bin" --endpoint-url "$moto" thing create --count "$count" --rate 100000)
moto_n=$(created "$work/moto-create.log")
moto_t=$(SOILCTL_DEVICES_DIR=$work/moto-devices AWS_REGION=us-east-1 \
  timed "$work/moto-teardown.log" "$bin" --endpoint-url "$moto" teardown --yes --rate 100000)
kill "$moto_pid"
moto_pid=""

"$bin" -q --local deploy --email bench@example.com >/dev/null
"$bin" -q --local local up --port 0 --api-port 0 >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 100); do [ -f "$work/state/broker.json" ] && break; sleep 0.1; done
api=$("$venv/bin/python" -c "import json; print(json.load(open('$work/state/broker.json'))['apiEndpoint'])")
api_s=$(SOILCTL_DEVICES_DIR=$work/api-devices AWS_REGION=local \
  timed "$work/api-create.log" "$bin" --endpoint-url "$api" thing create --count "$count" --rate 100000)
api_n=$(created "$work/api-create.log")
api_t=$(SOILCTL_DEVICES_DIR=$work/api-devices AWS_REGION=local \
  timed "$work/api-teardown.log" "$bin" --endpoint-url "$api" teardown --yes --rate 100000)
kill -INT "$up_pid"
wait "$up_pid" 2>/dev/null || true
up_pid=""

# `thing create --local` with no `local up` running, on a fresh state directory each.
local_create() {
  local name=$1 program=$2
  HOME=$work/$name SOILCTL_STATE_DIR=$work/$name/state SOILCTL_DEVICES_DIR=$work/$name/devices \
    "$program" -q --local deploy --email bench@example.com >/dev/null
  HOME=$work/$name SOILCTL_STATE_DIR=$work/$name/state SOILCTL_DEVICES_DIR=$work/$name/devices \
    timed "$work/$name.log" "$program" --local thing create --count "$local_count"
}
local_s=$(local_create local "$bin")
local_n=$(created "$work/local.log")
base_s=0
base_n=0
if [ -n "${BENCH_BASELINE:-}" ]; then
  base_s=$(local_create baseline "$BENCH_BASELINE")
  base_n=$(created "$work/baseline.log")
fi

"$venv/bin/python" - "$count" "$local_count" "$moto_s" "$moto_n" "$moto_t" "$api_s" "$api_n" "$api_t" \
  "$local_s" "$local_n" "$base_s" "$base_n" <<'PY'
import sys
count, local_count = int(sys.argv[1]), int(sys.argv[2])
moto_s, moto_n, moto_t, api_s, api_n, api_t, local_s, local_n, base_s, base_n = (
    float(v) for v in sys.argv[3:])
rate = lambda n, s: n / s if s else 0
print()
print("| measure | seconds | things | things/s |")
print("| --- | --- | --- | --- |")
print(f"| `thing create --count {count}` against moto | {moto_s:.2f} | {moto_n:.0f} | {rate(moto_n, moto_s):.0f} |")
print(f"| the same against `local up`'s AWS API | {api_s:.2f} | {api_n:.0f} | {rate(api_n, api_s):.0f} |")
print(f"| `teardown` of them against moto | {moto_t:.2f} | {moto_n:.0f} | {rate(moto_n, moto_t):.0f} |")
print(f"| the same against `local up`'s AWS API | {api_t:.2f} | {api_n:.0f} | {rate(api_n, api_t):.0f} |")
print(f"| ratio local API / moto, create (things/s) | | | {rate(api_n, api_s) / max(rate(moto_n, moto_s), 1e-9):.1f} |")
print(f"| ratio local API / moto, teardown (things/s) | | | {rate(api_n, api_t) / max(rate(moto_n, moto_t), 1e-9):.1f} |")
print(f"| `thing create --local --count {local_count}` (API in process) | {local_s:.2f} | {local_n:.0f} | {rate(local_n, local_s):.0f} |")
if base_n:
    print(f"| the same with BENCH_BASELINE | {base_s:.2f} | {base_n:.0f} | {rate(base_n, base_s):.0f} |")
    print(f"| ratio this build / baseline (things/s) | | | {rate(local_n, local_s) / max(rate(base_n, base_s), 1e-9):.2f} |")
PY
