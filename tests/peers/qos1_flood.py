"""Devices publishing at QoS 1 as fast as the broker acknowledges, with paho-mqtt.

Usage: qos1_flood.py HOST PORT CAFILE NAME:CERT:KEY [NAME:CERT:KEY ...]

Each device connects over mutual TLS with its name as client id and publishes readings to
device/<name>/devicePayload, each with a "seq" unique across runs, keeping up to 32 messages in flight.
For every PUBACK it prints one line, flushed at once: `ACK <seq> <name> <humidity>`. It never
reconnects: once the broker is gone it stops publishing, so everything it printed was
acknowledged by the broker it first connected to.
"""

import json
import os
import ssl
import sys
import threading
import time

import paho.mqtt.client as mqtt

host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
devices = [arg.split(":", 2) for arg in sys.argv[4:]]
out_lock = threading.Lock()


def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def run(name, cert, key):
    # mid -> (seq, humidity) for messages not yet acknowledged; a PUBACK may come back before
    # publish() has returned its mid, so such early mids are kept until their message is known.
    pending = {}
    early = set()
    lock = threading.Lock()
    window = threading.Semaphore(32)
    gone = threading.Event()
    connected = threading.Event()

    def acknowledged(seq, humidity):
        window.release()
        say(f"ACK {seq} {name} {humidity}")

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code == 0:
            connected.set()
        else:
            say(f"REFUSED {name} {reason_code}")
            gone.set()

    def on_publish(client, userdata, mid, reason_code, properties):
        with lock:
            found = pending.pop(mid, None)
            if found is None:
                early.add(mid)
        if found is not None:
            acknowledged(*found)

    def on_disconnect(client, userdata, flags, reason_code, properties):
        gone.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=cafile, certfile=cert, keyfile=key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
    client.max_inflight_messages_set(32)
    client.on_connect = on_connect
    client.on_publish = on_publish
    client.on_disconnect = on_disconnect
    client.connect(host, port, keepalive=60)
    client.loop_start()
    if not connected.wait(20):
        say(f"REFUSED {name} no CONNACK")
        return
    say(f"CONNECTED {name}")
    n = 0
    while not gone.is_set():
        # At most 32 messages unacknowledged: publish as fast as the broker acknowledges.
        if not window.acquire(timeout=0.5):
            continue
        humidity = 20 + n % 30
        seq = f"{name}-{os.getpid()}-{n}"
        payload = json.dumps({"name": name, "humidity": humidity, "seq": seq})
        info = client.publish(f"device/{name}/devicePayload", payload, qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            window.release()
            break
        n += 1
        with lock:
            if info.mid in early:
                early.discard(info.mid)
                done = True
            else:
                pending[info.mid] = (seq, humidity)
                done = False
        if done:
            acknowledged(seq, humidity)
    # The broker is gone: never reconnect to whatever comes next.
    client.loop_stop()


threads = [threading.Thread(target=run, args=d, daemon=True) for d in devices]
for t in threads:
    t.start()
for t in threads:
    t.join()
say("DONE")
