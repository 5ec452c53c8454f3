#!/usr/bin/env bash
# Benchmarks, printed as a table (never asserted in tests):
#   - start-up: `soilctl --version` against `aws --version` (AWS CLI v1 from PyPI), same run;
#   - `soilctl thing create --count N` and the teardown that follows, against a moto server on
#     loopback, with the client-side rate in force.
#   - `bash scripts/bench.sh local`: the local backend under load against Debian's mosquitto
#     (benches/local_load.rs: BENCH_PUBLISHERS, BENCH_MESSAGES, BENCH_WINDOW, BENCH_ROUNDS,
#     BENCH_DEVICES, BENCH_DIR, BENCH_MEMORY_DIR).
#   - `bash scripts/bench.sh fleet`: `simulate` and `tail` (benches/fleet.rs): concurrent devices
#     with distinct certificates, ramp rate, sustained publish rate against the local backend and
#     mosquitto, tail latency against mosquitto_sub (BENCH_SIM_DEVICES, BENCH_SIM_RAMP,
#     BENCH_SIM_HOLD, BENCH_SIM_BURST_HOLD, BENCH_RATE_DEVICES, BENCH_RATE_SECONDS,
#     BENCH_TAIL_MESSAGES, BENCH_TAIL_RATE, BENCH_DIR).
#   - `bash scripts/bench.sh api`: `thing create --count N` against moto and against the local
#     backend's AWS API endpoint in one run (scripts/bench-api.sh: COUNT, BENCH_DIR).
#   - `bash scripts/bench.sh jobs`: a firmware rollout to 1,000 simulated devices on `local up`,
#     download throughput beside curl, and the observed rollout rate (scripts/bench-jobs.sh).
#   - `bash scripts/bench.sh https`: CLIENTS devices (default 50) publishing at QoS 1 over HTTPS
#     and over MQTT to one `local up`, messages per second of each and their ratio
#     (scripts/bench-https.sh: CLIENTS, COUNT, BENCH_BIN, BENCH_DIR).
#   - `bash scripts/bench.sh onboard`: 1,000 devices on-boarded by claim on `local up`, devices
#     per second from first connect to first reading, beside `thing create --local --count
#     1000` in the same run (scripts/bench-onboard.sh: DEVICES, BENCH_BIN, BENCH_DIR).
# Usage: bash scripts/bench.sh [local|fleet|api|jobs|https|onboard]   (RUNS=20 COUNT=200 RATE=10 to change the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = local ]; then
  bash scripts/setup-test-tools.sh
  # Every device is a connection on both sides: lift the open-file limit to the hard limit.
  ulimit -n "$(ulimit -Hn)"
  exec cargo bench --locked --bench local_load
fi
if [ "${1:-}" = api ]; then
  exec bash scripts/bench-api.sh
fi
if [ "${1:-}" = jobs ]; then
  exec bash scripts/bench-jobs.sh
fi
if [ "${1:-}" = onboard ]; then
  exec bash scripts/bench-onboard.sh
fi
if [ "${1:-}" = https ]; then
  exec bash scripts/bench-https.sh
fi
if [ "${1:-}" = fleet ]; then
  bash scripts/setup-test-tools.sh
  # Every simulated device is a connection in the simulator and in the broker.
  ulimit -n "$(ulimit -Hn)"
  exec cargo bench --locked --bench fleet
fi
runs=${RUNS:-20}
count=${COUNT:-200}
rate=${RATE:-10}

bash scripts/setup-test-tools.sh
cargo build --release --locked --quiet
bin=$PWD/target/release/soilctl
venv=$PWD/target/ci-venv
work=$(mktemp -d)
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Median wall time of a command over $runs runs, in milliseconds.
median_ms() {
  "$venv/bin/python" - "$runs" "$@" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}

soilctl_ms=$(median_ms "$bin" --version)
aws_ms=$(median_ms "$venv/bin/aws" --version)

. scripts/moto.sh
start_moto "$venv" "$work/moto.log"
port=$moto_port

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  SOILCTL_DEVICES_DIR=$work/devices SOILCTL_POLL_MS=200 HOME=$work
"$bin" -q deploy --email bench@example.com >/dev/null

seconds() {
  "$venv/bin/python" - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(f"{time.perf_counter() - t:.1f}")
PY
}
create_s=$(seconds "$bin" -q thing create --count "$count" --rate "$rate")
teardown_s=$(seconds "$bin" -q teardown --yes --rate "$rate")
ratio=$("$venv/bin/python" -c "print(f'{$soilctl_ms / $aws_ms:.3f}')")

echo
echo "| measure | soilctl | peer | soilctl / peer |"
echo "| --- | --- | --- | --- |"
echo "| start-up, \`--version\`, median of $runs | ${soilctl_ms} ms | aws ${aws_ms} ms | ${ratio} |"
echo "| \`thing create --count $count\` against moto, $rate calls/s per API | ${create_s} s | - | - |"
echo "| \`teardown\` of those $count things and the stack, $rate calls/s per API | ${teardown_s} s | - | - |"
echo
echo "release binary: $(stat -c %s "$bin") bytes"
