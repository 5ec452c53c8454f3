#!/usr/bin/env bash
# Fuzzes the IoT SQL engine (parse, print/parse, evaluate, substitution templates) with
# cargo-fuzz, starting from a corpus seeded with every SQL statement and template in the tests.
# Usage: bash scripts/fuzz.sh [SECONDS]   (default 300; needs `cargo install cargo-fuzz`)
# On a stable toolchain RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the address sanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
corpus=fuzz/corpus/parse_eval
mkdir -p "$corpus"
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
cd fuzz
RUSTC_BOOTSTRAP=1 cargo fuzz run parse_eval -- -max_total_time="$seconds" -max_len=4096 -timeout=10
