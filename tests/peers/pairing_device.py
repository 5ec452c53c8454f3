"""A sensor being paired with its owner, with the AWS IoT Device SDK v2 for Python: connected as
its thing, subscribed to its pairing code topic, to its shadow's delta (iotshadow client) and
to its next job (iotjobs client). Driven by lines on standard input, it prints one JSON line
on standard output for each:

    ask        publish a pairing request; print {"answer": <what the code topic got>}
    owner      wait for a shadow delta naming the owner; print {"owner": <value>}
    job        wait for a next job; print {"job": <job id>}
    quit       disconnect and exit

Usage: pairing_device.py HOST PORT CAFILE CERT KEY THING
"""

import json
import queue
import sys

from awscrt import mqtt
from awsiot import iotjobs, iotshadow, mqtt_connection_builder

host, port, cafile, cert, key, thing = sys.argv[1:7]
TIMEOUT = 20
Q = mqtt.QoS.AT_LEAST_ONCE

connection = mqtt_connection_builder.mtls_from_path(
    endpoint=host,
    port=int(port),
    cert_filepath=cert,
    pri_key_filepath=key,
    ca_filepath=cafile,
    client_id=thing,
    clean_session=True,
    keep_alive_secs=30,
)
connection.connect().result(TIMEOUT)

answers, owners, jobs_seen = queue.Queue(), queue.Queue(), queue.Queue()

sub, _ = connection.subscribe(
    f"device/{thing}/pairing/code", Q, lambda topic, payload, **kw: answers.put(json.loads(payload))
)
sub.result(TIMEOUT)

shadow = iotshadow.IotShadowClient(connection)
sub, _ = shadow.subscribe_to_shadow_delta_updated_events(
    iotshadow.ShadowDeltaUpdatedSubscriptionRequest(thing_name=thing),
    Q,
    lambda delta: owners.put((delta.state or {}).get("owner", "<absent>")),
)
sub.result(TIMEOUT)

jobs = iotjobs.IotJobsClient(connection)
sub, _ = jobs.subscribe_to_next_job_execution_changed_events(
    iotjobs.NextJobExecutionChangedSubscriptionRequest(thing_name=thing),
    Q,
    lambda event: event.execution and jobs_seen.put(event.execution.job_id),
)
sub.result(TIMEOUT)


def say(value):
    print(json.dumps(value), flush=True)


for line in sys.stdin:
    command = line.strip()
    try:
        if command == "ask":
            publish, _ = connection.publish(f"device/{thing}/pairing/request", "{}", Q)
            publish.result(TIMEOUT)
            say({"answer": answers.get(timeout=TIMEOUT)})
        elif command == "owner":
            say({"owner": owners.get(timeout=TIMEOUT)})
        elif command == "job":
            say({"job": jobs_seen.get(timeout=TIMEOUT)})
        elif command == "quit":
            break
        else:
            say({"error": f"unknown command {command!r}"})
    except queue.Empty:
        say({"timeout": command})

connection.disconnect().result(TIMEOUT)
