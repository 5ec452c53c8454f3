"""One step of a persistent-session device, with paho-mqtt: connect, optionally subscribe,
collect what arrives for a while, disconnect cleanly, and print what happened as JSON.

Usage: session_client.py HOST PORT CAFILE CERT KEY CLIENT_ID VERSION CLEAN EXPIRY WAIT [FILTER]
  VERSION 3 or 5; CLEAN 0 or 1 (clean session / clean start); EXPIRY the MQTT 5 Session Expiry
  Interval (ignored for 3); WAIT seconds to collect messages; FILTER subscribed at QoS 1 if given.
Prints {"session_present": bool, "granted": [...], "messages": [{"topic", "payload", "qos"}]}.
"""

import json
import ssl
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

host, port, cafile, cert, key, client_id = sys.argv[1:7]
version, clean, expiry, wait = int(sys.argv[7]), sys.argv[8] == "1", int(sys.argv[9]), float(sys.argv[10])
topic_filter = sys.argv[11] if len(sys.argv) > 11 else None

result = {"session_present": None, "granted": [], "messages": []}
connected = threading.Event()
subscribed = threading.Event()


def on_connect(client, userdata, flags, reason_code, properties):
    result["session_present"] = bool(flags.session_present)
    result["connack"] = str(reason_code)
    connected.set()


def on_subscribe(client, userdata, mid, reason_codes, properties):
    result["granted"] = [int(getattr(c, "value", c)) for c in reason_codes]
    subscribed.set()


def on_message(client, userdata, message):
    result["messages"].append(
        {"topic": message.topic, "payload": message.payload.decode(), "qos": message.qos}
    )


if version == 5:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
else:
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311,
        clean_session=clean,
    )
client.tls_set(ca_certs=cafile, certfile=cert, keyfile=key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_message = on_message
if version == 5:
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = expiry
    client.connect(host, int(port), keepalive=60, clean_start=clean, properties=props)
else:
    client.connect(host, int(port), keepalive=60)
client.loop_start()
if not connected.wait(20):
    sys.exit("no CONNACK within 20 s")
if topic_filter:
    client.subscribe(topic_filter, qos=1)
    if not subscribed.wait(20):
        sys.exit("no SUBACK within 20 s")
time.sleep(wait)
client.disconnect()
client.loop_stop()
print(json.dumps(result))
