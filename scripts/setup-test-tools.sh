#!/usr/bin/env bash
# Installs what the tests need: Debian's mosquitto and mosquitto-clients (MQTT peers we did not
# write, for the local backend's tests and benchmark), Debian's openssl (a device's key and CSR
# made outside soilctl, in the API endpoint's tests), cargo-deny beside cargo (the supply chain
# check of .ci/run; kept out of target/ so that a fresh clone does not build it again), and into target/ci-venv moto's server (with boto3, which also runs the
# template's Python functions), cfn-lint, the AWS CLI, paho-mqtt and the AWS IoT Device SDK v2 for Python at the versions pinned in
# tests/requirements.txt. Quick and quiet when already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mosquitto_pub >/dev/null 2>&1 || ! command -v mosquitto_sub >/dev/null 2>&1 \
  || ! [ -x /usr/sbin/mosquitto ]; then
  echo "installing mosquitto and mosquitto-clients (apt-get)" >&2
  sudo_cmd=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd=sudo; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    mosquitto mosquitto-clients >/dev/null
  # The package starts a broker on port 1883 as a service where it can; the tests start their own.
  $sudo_cmd service mosquitto stop >/dev/null 2>&1 || true
fi
if ! command -v openssl >/dev/null 2>&1; then
  echo "installing openssl (apt-get)" >&2
  sudo_cmd=
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd=sudo; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    openssl >/dev/null
fi
# Built from crates.io (no prebuilt binary), once: a few minutes on a small machine.
deny_version=0.20.2
cargo_home=${CARGO_HOME:-$HOME/.cargo}
deny=$cargo_home/bin/cargo-deny
if ! [ -x "$deny" ] || [ "$("$deny" --version 2>/dev/null)" != "cargo-deny $deny_version" ]; then
  echo "installing cargo-deny $deny_version into $cargo_home (cargo install, once)" >&2
  cargo install --locked --quiet cargo-deny --version "$deny_version" --root "$cargo_home"
fi

venv=target/ci-venv
requirements=tests/requirements.txt
stamp="$venv/.requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "installing python3 (apt-get)" >&2
  apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
fi
rm -rf "$venv"
if ! python3 -m venv "$venv" 2>/dev/null; then
  echo "installing python3-venv (apt-get)" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
echo "installing the test tools into $venv (moto, cfn-lint, awscli, paho-mqtt, awsiotsdk)" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
