"""A factory-fresh device on-boarded by claim with the AWS IoT Device SDK v2 for Python (its
iotidentity client), as the SDK's fleet provisioning sample does: connect with the claim
certificate, subscribe to every answer, CreateCertificateFromCsr with a key made here,
RegisterThing with the serial number, then reconnect with the new certificate as the thing and
publish one reading at QoS 1. Then, still as the claim: the same token a second time, a serial
number the hook refuses, an allowed serial number with a certificate whose common name is
another device's, with EXPIRED_WAIT set a token used that many seconds after it was issued,
and a publish on a telemetry topic (the broker must disconnect the claim). Prints what each
step got as one JSON document.

Usage: identity_device.py HOST PORT CAFILE CLAIM_CERT CLAIM_KEY TEMPLATE SERIAL REFUSED_SERIAL
       OTHER_ALLOWED_SERIAL OUT_DIR
"""

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

from awscrt import mqtt
from awsiot import iotidentity, mqtt_connection_builder

(host, port, cafile, claim_cert, claim_key, template, serial, refused, other_serial,
 out_dir) = sys.argv[1:11]
TIMEOUT = 20
Q = mqtt.QoS.AT_LEAST_ONCE
out = {}


def connect(cert, key, client_id, on_interrupted=None):
    connection = mqtt_connection_builder.mtls_from_path(
        endpoint=host,
        port=int(port),
        cert_filepath=cert,
        pri_key_filepath=key,
        ca_filepath=cafile,
        client_id=client_id,
        clean_session=True,
        keep_alive_secs=30,
        on_connection_interrupted=on_interrupted,
    )
    connection.connect().result(TIMEOUT)
    return connection


claim = connect(claim_cert, claim_key, f"claim-{serial}")
identity = iotidentity.IotIdentityClient(claim)
answer = {"future": None}


def resolve(value):
    future = answer["future"]
    if future is not None and not future.done():
        future.set_result(value)


def rejected(error):
    resolve({"rejected": error.error_code, "status": error.status_code,
             "message": error.error_message})


def ask(publish):
    answer["future"] = Future()
    publish().result(TIMEOUT)
    return answer["future"].result(TIMEOUT)


for sub in (
    identity.subscribe_to_create_certificate_from_csr_accepted(
        iotidentity.CreateCertificateFromCsrSubscriptionRequest(), Q,
        lambda r: resolve({"certificateId": r.certificate_id, "certificatePem": r.certificate_pem,
                           "token": r.certificate_ownership_token})),
    identity.subscribe_to_create_certificate_from_csr_rejected(
        iotidentity.CreateCertificateFromCsrSubscriptionRequest(), Q, rejected),
    identity.subscribe_to_register_thing_accepted(
        iotidentity.RegisterThingSubscriptionRequest(template_name=template), Q,
        lambda r: resolve({"thingName": r.thing_name,
                           "deviceConfiguration": r.device_configuration})),
    identity.subscribe_to_register_thing_rejected(
        iotidentity.RegisterThingSubscriptionRequest(template_name=template), Q, rejected),
):
    sub[0].result(TIMEOUT)

# A key of the device's own, made here (openssl), and a CSR for it.
key_path = os.path.join(out_dir, "device.key")
subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                key_path], check=True)
csr = subprocess.run(["openssl", "req", "-new", "-key", key_path, "-subj", f"/CN={serial}"],
                     check=True, capture_output=True, text=True).stdout

created = ask(lambda: identity.publish_create_certificate_from_csr(
    iotidentity.CreateCertificateFromCsrRequest(certificate_signing_request=csr), Q))
out["created"] = {k: v for k, v in created.items() if k != "certificatePem"}
registered = ask(lambda: identity.publish_register_thing(
    iotidentity.RegisterThingRequest(template_name=template,
                                     certificate_ownership_token=created["token"],
                                     parameters={"SerialNumber": serial}), Q))
out["registered"] = registered
out["token_again"] = ask(lambda: identity.publish_register_thing(
    iotidentity.RegisterThingRequest(template_name=template,
                                     certificate_ownership_token=created["token"],
                                     parameters={"SerialNumber": serial}), Q))
other = ask(lambda: identity.publish_create_certificate_from_csr(
    iotidentity.CreateCertificateFromCsrRequest(certificate_signing_request=csr), Q))
out["refused_serial"] = ask(lambda: identity.publish_register_thing(
    iotidentity.RegisterThingRequest(template_name=template,
                                     certificate_ownership_token=other["token"],
                                     parameters={"SerialNumber": refused}), Q))

third = ask(lambda: identity.publish_create_certificate_from_csr(
    iotidentity.CreateCertificateFromCsrRequest(certificate_signing_request=csr), Q))
out["other_common_name"] = ask(lambda: identity.publish_register_thing(
    iotidentity.RegisterThingRequest(template_name=template,
                                     certificate_ownership_token=third["token"],
                                     parameters={"SerialNumber": other_serial}), Q))

# A token used after it expired (EXPIRED_WAIT seconds later, past the backend's token
# lifetime) is refused.
wait = float(os.environ.get("EXPIRED_WAIT", "0"))
if wait:
    late = ask(lambda: identity.publish_create_certificate_from_csr(
        iotidentity.CreateCertificateFromCsrRequest(certificate_signing_request=csr), Q))
    time.sleep(wait)
    out["expired_token"] = ask(lambda: identity.publish_register_thing(
        iotidentity.RegisterThingRequest(template_name=template,
                                         certificate_ownership_token=late["token"],
                                         parameters={"SerialNumber": serial}), Q))

# The claim may do nothing else: a telemetry publish ends its connection.
lost = threading.Event()
claim2 = connect(claim_cert, claim_key, f"claim-{serial}-2",
                 on_interrupted=lambda *a, **k: lost.set())
claim.disconnect().result(TIMEOUT)
claim2.publish(f"device/{serial}/devicePayload", json.dumps({"name": serial}), Q)
out["claim_publish_disconnected"] = lost.wait(10)
try:
    claim2.disconnect().result(5)
except Exception:
    pass

# The device as itself, with its new certificate.
cert_path = os.path.join(out_dir, "device.crt")
with open(cert_path, "w") as f:
    f.write(created["certificatePem"])
device = connect(cert_path, key_path, registered["thingName"])
reading = {"name": serial, "humidity": 21, "timeStampEpoch": int(time.time() * 1000)}
topic = registered["deviceConfiguration"]["telemetryTopic"]
device.publish(topic, json.dumps(reading), Q)[0].result(TIMEOUT)
out["published"] = topic
device.disconnect().result(TIMEOUT)
print(json.dumps(out))
