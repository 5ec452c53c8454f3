"""A device that runs one job with the AWS IoT Device SDK v2 for Python (its iotjobs client),
as the SDK's own jobs sample does: subscribe to notify-next and to every answer, get the pending
executions, start the next one, update it to IN_PROGRESS, try a stale expectedVersion, update it
to SUCCEEDED, then try once more after SUCCEEDED. Prints what each step got as one JSON document.

Usage: jobs_device.py HOST PORT CAFILE CERT KEY THING
"""

import json
import sys
import threading
from concurrent.futures import Future

from awscrt import mqtt
from awsiot import iotjobs, mqtt_connection_builder

host, port, cafile, cert, key, thing = sys.argv[1:7]
TIMEOUT = 20
out = {"notify_next": []}

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
jobs = iotjobs.IotJobsClient(connection)
Q = mqtt.QoS.AT_LEAST_ONCE

next_seen = threading.Event()


def on_next(event):
    execution = event.execution
    out["notify_next"].append(execution.job_id if execution else None)
    next_seen.set()


sub, _ = jobs.subscribe_to_next_job_execution_changed_events(
    iotjobs.NextJobExecutionChangedSubscriptionRequest(thing_name=thing), Q, on_next
)
sub.result(TIMEOUT)

# Each request gets its answer (accepted or rejected) through a future.
answer = {"future": None}


def resolve(value):
    future = answer["future"]
    if future is not None and not future.done():
        future.set_result(value)


def rejected(error):
    resolve({"rejected": error.code, "message": error.message,
             "executionState": (error.execution_state.status if error.execution_state else None)})


for subscribe, request in [
    (jobs.subscribe_to_get_pending_job_executions_accepted,
     iotjobs.GetPendingJobExecutionsSubscriptionRequest(thing_name=thing)),
    (jobs.subscribe_to_get_pending_job_executions_rejected,
     iotjobs.GetPendingJobExecutionsSubscriptionRequest(thing_name=thing)),
    (jobs.subscribe_to_start_next_pending_job_execution_accepted,
     iotjobs.StartNextPendingJobExecutionSubscriptionRequest(thing_name=thing)),
    (jobs.subscribe_to_start_next_pending_job_execution_rejected,
     iotjobs.StartNextPendingJobExecutionSubscriptionRequest(thing_name=thing)),
]:
    callback = rejected if subscribe.__name__.endswith("rejected") else resolve
    subscribed, _ = subscribe(request, Q, callback)
    subscribed.result(TIMEOUT)


def ask(publish):
    answer["future"] = Future()
    publish().result(TIMEOUT)
    return answer["future"].result(TIMEOUT)


pending = ask(lambda: jobs.publish_get_pending_job_executions(
    iotjobs.GetPendingJobExecutionsRequest(thing_name=thing, client_token="pending-1"), Q))
out["queued"] = [j.job_id for j in (pending.queued_jobs or [])]
out["in_progress"] = [j.job_id for j in (pending.in_progress_jobs or [])]
out["pending_token"] = pending.client_token

started = ask(lambda: jobs.publish_start_next_pending_job_execution(
    iotjobs.StartNextPendingJobExecutionRequest(thing_name=thing, client_token="start-1"), Q))
execution = started.execution
job_id = execution.job_id
out["started"] = {"jobId": job_id, "status": execution.status,
                  "versionNumber": execution.version_number,
                  "document": execution.job_document}

for subscribe, callback in [
    (jobs.subscribe_to_update_job_execution_accepted, resolve),
    (jobs.subscribe_to_update_job_execution_rejected, rejected),
]:
    subscribed, _ = subscribe(
        iotjobs.UpdateJobExecutionSubscriptionRequest(thing_name=thing, job_id=job_id), Q, callback)
    subscribed.result(TIMEOUT)


def update(status, expected, details):
    result = ask(lambda: jobs.publish_update_job_execution(
        iotjobs.UpdateJobExecutionRequest(
            thing_name=thing, job_id=job_id, status=status, expected_version=expected,
            status_details=details, include_job_execution_state=True,
            client_token="update-" + status), Q))
    if isinstance(result, dict):
        return result
    state = result.execution_state
    return {"accepted": state.status if state else None,
            "versionNumber": state.version_number if state else None}


version = execution.version_number
out["in_progress_update"] = update("IN_PROGRESS", version, {"step": "downloading"})
out["stale_update"] = update("IN_PROGRESS", version, {"step": "again"})
out["succeeded_update"] = update("SUCCEEDED", version + 1, {"firmwareVersion": "9.9.9"})
out["after_succeeded"] = update("IN_PROGRESS", None, {"step": "too late"})

next_seen.wait(TIMEOUT)
connection.disconnect().result(TIMEOUT)
print(json.dumps(out))
