# Sourced by the bench scripts: start_moto VENV LOG starts a moto server on a free loopback
# port, waits until it answers, and sets moto_pid and moto_port.
start_moto() {
  local venv=$1 log=$2
  moto_port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do
    if "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/data.json')" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "moto did not start: see $log" >&2
  return 1
}
