#!/usr/bin/env bash
# A firmware rollout on `local up`: DEVICES simulated devices (default 1000) connected, a
# signed image of IMAGE_BYTES (default 1 MiB), a job for all of them at an unlimited rate; the
# time from `job create` to every execution SUCCEEDED, devices per second, and the devices'
# aggregate download throughput (their bytes over the time from the first download's start to
# the last one's end, as the fleet's summary reports it; and over the whole rollout) beside
# curl downloading the same presigned URL from the same server (CURL_DOWNLOADS downloads,
# CURL_PARALLEL at a time) in the same run. Then a second job
# with `--rollout-rate RATE` (default 100 a minute) and the rate observed over WINDOW seconds
# (default 180).
# Usage: bash scripts/bench.sh jobs   (BENCH_BIN=/path/to/soilctl measures that binary instead
# of building this checkout's release; BENCH_DIR for the state, default a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${DEVICES:-1000}
image_bytes=${IMAGE_BYTES:-1048576}
rate=${RATE:-100}
window=${WINDOW:-180}
curl_downloads=${CURL_DOWNLOADS:-200}
curl_parallel=${CURL_PARALLEL:-8}
bash scripts/setup-test-tools.sh
command -v curl >/dev/null || { echo "curl is needed for the comparison (apt-get install curl)" >&2; exit 1; }
bin=${BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=$PWD/target/release/soilctl
fi
venv=$PWD/target/ci-venv
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
up_pid=""
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill -INT "$sim_pid" 2>/dev/null || true
  [ -n "$up_pid" ] && kill -INT "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Every device is a connection on both sides.
ulimit -n "$(ulimit -Hn)"
export HOME=$work SOILCTL_STATE_DIR=$work/state SOILCTL_DEVICES_DIR=$work/devices NO_COLOR=1
now() { "$venv/bin/python" -c 'import time; print(f"{time.time():.3f}")'; }
json() { "$venv/bin/python" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$bin" -q --local deploy --email bench@example.com >/dev/null
"$bin" -q --local thing create --count "$devices" --prefix d >/dev/null
"$bin" -q --local signing-key create >/dev/null
head -c "$image_bytes" /dev/urandom >"$work/image.bin"
"$bin" -q --local firmware publish "$work/image.bin" --version 1.0.0 >/dev/null
"$bin" -q --local local up --port 0 --api-port 0 >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 100); do [ -f "$work/state/broker.json" ] && break; sleep 0.1; done
"$bin" -q --local --output json simulate --devices "$devices" --prefix d --interval 60s \
  --duration 3600s >"$work/sim.json" 2>"$work/sim.log" &
sim_pid=$!
# Every device connected, as the fleet index tells.
for _ in $(seq 1 300); do
  connected=$("$bin" -q --local --output json thing list --connected | json 'len(d["things"]) if isinstance(d, dict) else len(d)')
  [ "$connected" -ge "$devices" ] && break
  sleep 1
done

t0=$(now)
"$bin" -q --local job create --firmware 1.0.0 --all --job-id bench-unlimited >/dev/null
"$bin" -q --local --output json job watch bench-unlimited --interval 200ms --timeout 600s >"$work/watch.json" || true
t1=$(now)
succeeded=$(json 'd["progress"]["succeeded"]' <"$work/watch.json")

# curl downloads the same object from the same server, with a URL the service presigned for
# one device: a job of its own for d1, asked for as the operator through the jobs API on MQTT
# while no device runs (a finished execution of a finished job is not described any more).
kill -INT "$sim_pid"
wait "$sim_pid" 2>/dev/null || true
sim_pid=""
downloaded=$(json 'd["downloads"]["megabytes_per_second"] if d.get("downloads") else 0' <"$work/sim.json")
"$bin" -q --local job create --firmware 1.0.0 --thing d1 --job-id bench-curl >/dev/null
state=$work/state
url=$("$venv/bin/python" - "$state" <<'PY'
import json, ssl, sys, threading
import paho.mqtt.client as mqtt
state = sys.argv[1]
port = json.load(open(f"{state}/broker.json"))["port"]
got = {}
done = threading.Event()
def on_message(client, userdata, message):
    got["doc"] = json.loads(message.payload)
    done.set()
c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-operator")
c.tls_set(ca_certs=f"{state}/ca/ca.pem", certfile=f"{state}/operator/certificate.pem.crt",
          keyfile=f"{state}/operator/private.pem.key")
c.on_message = on_message
c.connect("localhost", port)
c.loop_start()
c.subscribe("$aws/things/d1/jobs/bench-curl/get/accepted", 1)
import time; time.sleep(0.5)
c.publish("$aws/things/d1/jobs/bench-curl/get", "{}", 1).wait_for_publish()
done.wait(10)
print(got["doc"]["execution"]["jobDocument"]["url"])
PY
)
c0=$(now)
seq 1 "$curl_downloads" | xargs -P "$curl_parallel" -I{} \
  curl -s -f -o /dev/null --cacert "$state/ca/ca.pem" "$url"
c1=$(now)

# The rollout rate: a second image, released RATE a minute, to the fleet running again.
"$bin" -q --local job cancel bench-curl >/dev/null
head -c 4096 /dev/urandom >"$work/image2.bin"
"$bin" -q --local firmware publish "$work/image2.bin" --version 1.0.1 >/dev/null
"$bin" -q --local simulate --devices "$devices" --prefix d --interval 60s --duration 3600s \
  >"$work/sim2.log" 2>&1 &
sim_pid=$!
sleep 10
r0=$(now)
"$bin" -q --local job create --firmware 1.0.1 --all --job-id bench-rate --rollout-rate "$rate" >/dev/null
sleep "$window"
# The rollout releases its allowance at the start of each minute of the job's life, so the rate
# is counted over whole minutes: executions released (queuedAt moves to the release) before
# the end of the last whole minute in the window, per minute.
"$bin" --local --output json job show bench-rate >"$work/rate.json"
r1=$(now)
released=$(json 'sum(1 for e in d["executions"] if e["status"] != "QUEUED" and e["queuedAt"] < d["createdAt"] + 60 * (int('"$window"') // 60))' <"$work/rate.json")
per_minute=$(json '" ".join(str(sum(1 for e in d["executions"] if e["status"] != "QUEUED" and (e["queuedAt"] - d["createdAt"]) // 60 == m)) for m in range(int('"$window"') // 60 + 1))' <"$work/rate.json")

"$venv/bin/python" - "$devices" "$image_bytes" "$t0" "$t1" "$succeeded" "$c0" "$c1" \
  "$curl_downloads" "$curl_parallel" "$r0" "$r1" "$released" "$rate" "$downloaded" "$window" \
  "$per_minute" <<'PY'
import sys
(devices, size, t0, t1, ok, c0, c1, n, par, r0, r1, released, rate, downloaded, window,
 per_minute) = sys.argv[1:]
devices, size, ok, n, par, released, rate = map(int, (devices, size, ok, n, par, released, rate))
t0, t1, c0, c1, r0, r1, downloaded = map(float, (t0, t1, c0, c1, r0, r1, downloaded))
rollout = t1 - t0
ours = devices * size / rollout / 1e6
theirs = n * size / (c1 - c0) / 1e6
minutes = int(window) // 60
print(f"rollout to {devices} devices, {size} byte image, unlimited rate: {ok} SUCCEEDED in {rollout:.1f} s ({devices / rollout:.0f} devices/s)")
print(f"curl: {theirs:.1f} MB/s ({n} downloads, {par} at a time)")
print(f"download throughput while the devices downloaded: {downloaded:.1f} MB/s = {downloaded / theirs:.2f}x curl")
print(f"bytes over the whole rollout (with MQTT, checks and reports): {ours:.1f} MB/s = {ours / theirs:.2f}x curl")
print(f"--rollout-rate {rate}: {released} executions released in the first {minutes} whole minutes = {released / minutes:.1f} a minute ({released / minutes / rate:.2f}x the configured rate); released in each minute of the job: {per_minute} (the last one had begun when the window closed, {r1 - r0:.0f} s after job create)")
PY
