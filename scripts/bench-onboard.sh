#!/usr/bin/env bash
# On-boarding by claim on `local up`: DEVICES (default 1000) factory-fresh simulated devices,
# each connecting with the claim certificate, asking for its own certificate
# (CreateCertificateFromCsr), registering (RegisterThing, the pre-provisioning hook included)
# and publishing its first reading as itself; devices per second from the first connect to the
# last first reading, beside `thing create --local --count DEVICES` against the same running
# backend in the same run.
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
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
up_pid=""
cleanup() {
  [ -n "$up_pid" ] && kill -INT "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
export HOME=$work SOILCTL_STATE_DIR=$work/state SOILCTL_DEVICES_DIR=$work/devices NO_COLOR=1
now() { "$venv/bin/python" -c 'import time; print(f"{time.time():.3f}")'; }

"$bin" -q --local deploy --email bench@example.com --fleet-provisioning >/dev/null
"$bin" -q --local claim create --name bench >/dev/null
seq -f "sn-%g" 1 "$devices" >"$work/serials.txt"
"$bin" -q --local claim allow --from "$work/serials.txt" >/dev/null
"$bin" -q --local local up --port 0 --api-port 0 >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 100); do [ -f "$work/state/broker.json" ] && break; sleep 0.1; done
sleep 1

o0=$(now)
"$bin" --local --output json simulate --onboard claim --claim bench --devices "$devices" \
  --prefix sn- --count 1 --interval 100ms >"$work/onboard.json" 2>"$work/onboard.log"
o1=$(now)
phase=$(grep -o "on-boarded by claim bench in [0-9.]*s ([0-9]*/s)" "$work/onboard.log" || true)
sent=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["acknowledged"])' "$work/onboard.json")

c0=$(now)
"$bin" -q --local thing create --count "$devices" --prefix made- >/dev/null
c1=$(now)

"$venv/bin/python" - "$devices" "$o0" "$o1" "$sent" "$c0" "$c1" "$phase" <<'PY'
import sys
devices, o0, o1, sent, c0, c1, phase = sys.argv[1:]
devices, sent = int(devices), int(sent)
o0, o1, c0, c1 = map(float, (o0, o1, c0, c1))
onboard = devices / (o1 - o0)
made = devices / (c1 - c0)
print(f"on-boarding by claim: {devices} devices, first connect to first reading acknowledged ({sent}) in {o1 - o0:.1f} s = {onboard:.0f} devices/s")
print(f"  of which the identities (claim connect, CreateCertificateFromCsr, RegisterThing, files written): {phase}")
print(f"thing create --local --count {devices}: {c1 - c0:.1f} s = {made:.0f} things/s")
print(f"ratio on-boarding / thing create: {onboard / made:.2f}")
PY
