#!/usr/bin/env bash
# Regenerates completions/ and man/ from the CLI definitions. The test suite fails when the
# checked-in files differ from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/soilctl
mkdir -p completions
"$bin" generate completions bash > completions/soilctl.bash
"$bin" generate completions zsh > completions/_soilctl
"$bin" generate completions fish > completions/soilctl.fish
"$bin" generate completions powershell > completions/_soilctl.ps1
"$bin" generate completions elvish > completions/soilctl.elv
rm -rf man
"$bin" generate man --out-dir man
echo "completions/ and man/ regenerated"
