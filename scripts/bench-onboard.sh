#!/usr/bin/env bash
# On-boarding by claim on `local up`: DEVICES (default 1000) factory-fresh simulated devices,
# each connecting with the claim certificate, asking for its own certificate
# (CreateCertificateFromCsr), registering (RegisterThing, the pre-provisioning hook included)
# and publishing its first reading as itself; devices per second from the first connect to the
# last first reading, beside `thing create --local --count DEVICES` against the same running
# backend in the same run. Twice: with the functions' own Python code (the hook's boto3 calls
# to the local API; skipped, and said so, when no python3 with boto3 is found) and with their
# native equivalents (SOILCTL_PYTHON=none), each on a fresh state.
# Usage: bash scripts/bench.sh onboard   (BENCH_BIN=/path/to/soilctl measures that binary
# instead of building this checkout's release; BENCH_DIR for the state, default a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${DEVICES:-1000}
bash scripts/setup-test-tools.sh
bin=${BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=$PWD/target/release/soilctl
fi
venv=$PWD/target/ci-venv
root=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
up_pid=""
cleanup() {
  [ -n "$up_pid" ] && kill -INT "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
export NO_COLOR=1
now() { "$venv/bin/python" -c 'import time; print(f"{time.time():.3f}")'; }

# One run on a fresh state: LABEL, then the SOILCTL_PYTHON to give the backend ("" for the
# default search). Prints one table row.
run() {
  local label=$1 python=$2 work="$root/$1"
  mkdir -p "$work"
  export HOME=$work SOILCTL_STATE_DIR=$work/state SOILCTL_DEVICES_DIR=$work/devices
  if [ -n "$python" ]; then export SOILCTL_PYTHON=$python; else unset SOILCTL_PYTHON; fi
  "$bin" --local deploy --email bench@example.com --fleet-provisioning >"$work/deploy.log" 2>&1
  local way
  way=$(grep -o "PreProvisioningHook runs [^(:]*" "$work/deploy.log" || true)
  way=${way#PreProvisioningHook runs }
  "$bin" -q --local claim create --name bench >/dev/null
  seq -f "sn-%g" 1 "$devices" >"$work/serials.txt"
  "$bin" -q --local claim allow --from "$work/serials.txt" >/dev/null
  "$bin" -q --local local up --port 0 --api-port 0 >"$work/up.log" 2>&1 &
  up_pid=$!
  for _ in $(seq 1 100); do [ -f "$work/state/broker.json" ] && break; sleep 0.1; done
  sleep 1

  local o0 o1 c0 c1 phase sent
  o0=$(now)
  "$bin" --local --output json simulate --onboard claim --claim bench --devices "$devices" \
    --prefix sn- --count 1 --interval 100ms >"$work/onboard.json" 2>"$work/onboard.log"
  o1=$(now)
  phase=$(grep -o "in [0-9.]*s ([0-9]*/s)" "$work/onboard.log" || true)
  sent=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["acknowledged"])' "$work/onboard.json")

  c0=$(now)
  "$bin" -q --local thing create --count "$devices" --prefix made- >/dev/null
  c1=$(now)
  kill -INT "$up_pid" && wait "$up_pid" || true
  up_pid=""

  "$venv/bin/python" - "$label" "${way:-?}" "$devices" "$o0" "$o1" "$sent" "$c0" "$c1" "$phase" <<'PY'
import sys
label, way, devices, o0, o1, sent, c0, c1, phase = sys.argv[1:]
devices, sent = int(devices), int(sent)
o0, o1, c0, c1 = map(float, (o0, o1, c0, c1))
onboard = devices / (o1 - o0)
made = devices / (c1 - c0)
print(f"| {label} ({way.strip()}) | {sent} | {o1 - o0:.1f} s | {onboard:.0f} | {phase} | {made:.0f} | {onboard / made:.2f} |")
PY
}

echo
echo "| $devices devices by claim, hook | first readings acknowledged | first connect to last first reading | devices/s | identities alone | thing create --local, things/s | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
if python3 -c "import boto3" 2>/dev/null; then
  run python ""
else
  echo "| python | - | - | - | no python3 with boto3 on the PATH: the functions' own code cannot run | - | - |"
fi
run native none
