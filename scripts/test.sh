#!/usr/bin/env bash
# The test command: installs what the tests need (see setup-test-tools.sh), then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-tools.sh
cargo test --locked "$@"
