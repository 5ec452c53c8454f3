#!/usr/bin/env bash
# Runs one cargo-fuzz target for a while, starting from a corpus seeded from valid input:
#   parse_eval      the IoT SQL engine (parse, print/parse, evaluate, substitution templates),
#                   seeded with every SQL statement and template in the tests;
#   broker_decode   the broker's framing and MQTT 3.1.1/5 decoders on arbitrary bytes;
#   broker_session  the broker's connection state machine: packet sequences after a valid
#                   CONNECT, against a real broker on loopback;
#   the two broker targets are seeded with valid packet sequences written below.
# Usage: bash scripts/fuzz.sh [TARGET] [SECONDS]   (default parse_eval, 300 s; a lone number is
# the seconds for parse_eval). Needs `cargo install cargo-fuzz --locked`; on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the address sanitizer. Extra libFuzzer flags can be
# given in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
    target=parse_eval
    seconds=$1
else
    target=${1:-parse_eval}
    seconds=${2:-300}
fi
extra=()
case "$target" in
    parse_eval) max_len=4096 ;;
    broker_decode) max_len=8192 ;;
    # LeakSanitizer's checks between inputs stop every thread while they scan the heap, which
    # stalls the running broker for seconds (its own timeouts then fire); the target checks
    # instead that every connection ends.
    broker_session) max_len=4096 extra=(-detect_leaks=0) ;;
    *)
        echo "fuzz.sh: unknown target $target (parse_eval, broker_decode, broker_session)" >&2
        exit 2
        ;;
esac
command -v cargo-fuzz >/dev/null || {
    echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
}
corpus=fuzz/corpus/$target
mkdir -p "$corpus"

if [[ $target == parse_eval ]]; then
python3 - "$corpus" <<'PY'
import hashlib, pathlib, re, sys, warnings
warnings.simplefilter("ignore")
corpus = pathlib.Path(sys.argv[1])
sources = list(pathlib.Path("src/iotsql").rglob("*.rs")) + list(pathlib.Path("tests").rglob("*.rs"))
literal = re.compile(r'r(#+)"(.*?)"\1|"((?:[^"\\]|\\.)*)"', re.S)
count = 0
for path in sources:
    for m in literal.finditer(path.read_text()):
        text = m.group(2) if m.group(2) is not None else bytes(m.group(3), "utf-8").decode("unicode_escape", "ignore")
        if "SELECT" in text.upper() or "${" in text:
            name = hashlib.sha1(text.encode()).hexdigest()[:16]
            (corpus / f"seed-{name}").write_text(text)
            count += 1
print(f"{count} seeds from the tests in {corpus}")
PY
else
python3 - "$corpus" "$target" <<'PY'
# Valid MQTT 3.1.1 and 5 packets, written from the specification, combined into sequences.
import hashlib, itertools, pathlib, struct, sys
corpus, target = pathlib.Path(sys.argv[1]), sys.argv[2]

def varint(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def s(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data

def packet(header, body=b""):
    return bytes([header]) + varint(len(body)) + body

def props(v5, *pairs):
    if not v5:
        return b""
    body = b"".join(pairs)
    return varint(len(body)) + body

def connect(v5, client_id="sensor", will=False, clean=True, user=None, extra=b""):
    flags = (0x02 if clean else 0) | (0x0C if will else 0) | (0xC0 if user else 0)
    body = s("MQTT") + bytes([5 if v5 else 4, flags]) + struct.pack(">H", 60)
    body += props(v5, extra) + s(client_id)
    if will:
        body += props(v5) + s("device/sensor/will") + s(b"offline")
    if user:
        body += s(user) + s(b"secret")
    return packet(0x10, body)

def publish(v5, topic, payload=b"{}", qos=0, pid=1, retain=False, extra=b""):
    body = s(topic) + (struct.pack(">H", pid) if qos else b"") + props(v5, extra) + payload
    return packet(0x30 | (qos << 1) | int(retain), body)

def subscribe(v5, pid, *filters):
    body = struct.pack(">H", pid) + props(v5)
    for f, options in filters:
        body += s(f) + bytes([options])
    return packet(0x82, body)

def unsubscribe(v5, pid, *filters):
    return packet(0xA2, struct.pack(">H", pid) + props(v5) + b"".join(s(f) for f in filters))

def puback(v5, pid):
    return packet(0x40, struct.pack(">H", pid) + (b"\x00\x00" if v5 else b""))

PING, BYE = packet(0xC0), packet(0xE0)

def sequences(v5):
    shadow = b'{"state":{"desired":{"valve":"open"}},"clientToken":"t1"}'
    yield [subscribe(v5, 1, ("device/+/devicePayload", 1)), publish(v5, "device/sensor/devicePayload", b'{"humidity":29}', 1, 2), puback(v5, 1), PING, BYE]
    yield [subscribe(v5, 3, ("#", 1), ("$aws/things/sensor/shadow/#", 1), ("a/+/b", 0)), publish(v5, "a/x/b", b"hi", 0), unsubscribe(v5, 4, "#", "a/+/b"), PING]
    yield [subscribe(v5, 5, ("$aws/things/sensor/shadow/update/delta", 1)), publish(v5, "$aws/things/sensor/shadow/update", shadow, 1, 6), publish(v5, "$aws/things/sensor/shadow/get", b"", 1, 7), publish(v5, "$aws/things/sensor/shadow/name/valve/update", shadow, 0), publish(v5, "$aws/things/sensor/shadow/delete", b"", 1, 8)]
    yield [publish(v5, "device/sensor/state", b"retained", 1, 9, retain=True), subscribe(v5, 10, ("device/sensor/#", 0x21 if v5 else 1)), publish(v5, "device/sensor/state", b"", 0, retain=True)]
    yield [subscribe(v5, 11, *[(f"f/{i}", 1) for i in range(9)]), subscribe(v5, 12, ("$share/g/x", 1), ("$SYS/#", 0), ("secret/x", 1)), publish(v5, "secret/x", b"no", 1, 13)]
    yield [publish(v5, "$aws/events/presence/connected/x", b"{}", 1, 14)]
    yield [publish(v5, "device/sensor/q2", b"two", 2, 15)]
    yield [packet(0x50, struct.pack(">H", 1)), packet(0x62, struct.pack(">H", 1))]
    yield [connect(v5)]
    yield [packet(0x30, b"\xff\xff\xff\x7f")]
    yield [packet(0xE0, b"\x04\x00") if v5 else BYE]
    if v5:
        yield [publish(v5, "device/sensor/a", b"x", 1, 16, extra=b"\x23\x00\x01"), packet(0xF0, b"\x00")]
        yield [publish(v5, "device/sensor/p", b"x", 1, 17, extra=b"\x01\x01\x03" + s("application/json") + b"\x26" + s("k") + s("v"))]

count = 0
def write(data):
    global count
    (corpus / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
    count += 1

for v5 in (False, True):
    for seq in sequences(v5):
        body = b"".join(seq)
        if target == "broker_decode":
            extras = [connect(v5), connect(v5, will=True, clean=False, user="u?SDK=x", extra=b"\x11\x00\x00\x0e\x10\x21\x00\x0a\x27\x00\x01\x00\x00" if v5 else b"")]
            for first, conn in itertools.product((0, 3, 7), extras):
                write(bytes([first]) + conn + body)
        else:
            for will, persistent, size in itertools.product((0, 2), (0, 4), (0, 3 << 3, 7 << 3)):
                write(bytes([int(v5) | will | persistent | size]) + body)
print(f"{count} seeds of valid packet sequences in {corpus}")
PY
fi

cd fuzz
RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=30 "${extra[@]}" ${FUZZ_FLAGS:-}
