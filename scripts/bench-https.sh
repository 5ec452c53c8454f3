#!/usr/bin/env bash
# HTTPS for devices against MQTT on one `local up`: CLIENTS simulated devices (default 50),
# each with its own certificate, publish COUNT readings each (default 1000: a run of a second
# or two, not one that connection set-up dominates) at QoS 1 as fast as
# they are acknowledged, first over HTTPS (`simulate --protocol https`: one keep-alive
# connection per device, one POST answered before the next) and then over MQTT
# (`simulate --protocol mqtt`, up to 32 in flight per connection). Prints the messages per
# second of each (acknowledged readings over the run's time) and HTTPS / MQTT.
# The stack's device policy allows each device its own topic over HTTPS by its certificate's
# common name.
# Usage: bash scripts/bench.sh https   (CLIENTS=50 COUNT=1000; BENCH_BIN=/path/to/soilctl
# measures that binary instead of building this checkout's release; BENCH_DIR for the state,
# default a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${CLIENTS:-50}
count=${COUNT:-1000}
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
# Every device is a connection on both sides.
ulimit -n "$(ulimit -Hn)"
export HOME=$work SOILCTL_STATE_DIR=$work/state SOILCTL_DEVICES_DIR=$work/devices NO_COLOR=1
json() { "$venv/bin/python" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$bin" -q --local deploy --email bench@example.com >/dev/null
"$bin" -q --local thing create --count "$clients" --prefix b >/dev/null
"$bin" -q --local local up --port 0 --api-port 0 --https-port 0 >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 100); do [ -f "$work/state/broker.json" ] && break; sleep 0.1; done
[ -f "$work/state/broker.json" ] || { cat "$work/up.log" >&2; exit 1; }

run() {
  "$bin" -q --local --output json simulate --protocol "$1" --devices "$clients" --prefix b \
    --count "$count" --interval 1ms --qos 1 --seed 7 >"$work/$1.json" 2>"$work/$1.log" || {
    cat "$work/$1.log" >&2
    exit 1
  }
}
rate() { json 'round(d["acknowledged"] / d["seconds"])' <"$work/$1.json"; }
acked() { json 'd["acknowledged"]' <"$work/$1.json"; }

run https
run mqtt
https_rate=$(rate https)
mqtt_rate=$(rate mqtt)
ratio=$("$venv/bin/python" -c "print(f'{$https_rate / max($mqtt_rate, 1):.3f}')")

echo
echo "| $clients devices, $count readings each, QoS 1 | acknowledged | msg/s | HTTPS / MQTT |"
echo "| --- | --- | --- | --- |"
echo "| HTTPS (\`simulate --protocol https\`, one POST at a time per device) | $(acked https) | $https_rate | $ratio |"
echo "| MQTT (\`simulate --protocol mqtt\`, up to 32 in flight per device) | $(acked mqtt) | $mqtt_rate | 1 |"
