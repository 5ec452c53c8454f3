"""Starts a moto server on a free loopback port for the test harness.

Prints "PORT <n>" once the server answers, then serves until its standard input closes,
which happens when the test process that started it exits, however it exits.
"""

import sys

from moto.server import ThreadedMotoServer


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
