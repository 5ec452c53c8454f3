"""Runs a template's inline Lambda function the way the Python runtime does, for the tests.

    lambda_runner.py handler DIR MODULE.FUNCTION
        Imports MODULE from DIR (where the test wrote the function's inline code as
        MODULE.py, as Lambda does with Code.ZipFile) and calls FUNCTION(event, context) for
        each event, one JSON document a line on standard input. Prints one line for each:
        {"result": <what the function returned>} or, when it raised,
        {"errorType": <exception class>, "errorMessage": <str(exception)>}, the two fields
        the Lambda runtime reports for a failed invocation. Exits 0 when every call
        returned, 1 otherwise.

    lambda_runner.py call SERVICE OPERATION
        One boto3 call, its parameters a JSON object on standard input; prints the response
        as JSON. For the parts of the fixture the tests' own SDK clients do not cover (SQS).

    lambda_runner.py drain-queue QUEUE_URL
        Receives and deletes every message of an SQS queue; prints each body on a line.

Where to send the calls comes from the environment (AWS_ENDPOINT_URL, the region and
static credentials), as the function itself finds its environment variables there.
"""

import importlib
import json
import sys

import boto3


def handler(directory: str, name: str) -> int:
    module_name, _, function_name = name.rpartition(".")
    sys.path.insert(0, directory)
    function = getattr(importlib.import_module(module_name), function_name)
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        event = json.loads(line)
        try:
            outcome = {"result": function(event, None)}
        except Exception as error:  # reported as the runtime reports it
            failed = True
            outcome = {"errorType": type(error).__name__, "errorMessage": str(error)}
        print(json.dumps(outcome), flush=True)
    return 1 if failed else 0


def call(service: str, operation: str) -> int:
    params = json.loads(sys.stdin.read() or "{}")
    response = getattr(boto3.client(service), operation)(**params)
    response.pop("ResponseMetadata", None)
    print(json.dumps(response, default=str))
    return 0


def drain_queue(url: str) -> int:
    sqs = boto3.client("sqs")
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return 0
        for message in messages:
            print(json.dumps(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def main() -> int:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "handler":
        return handler(*args)
    if command == "call":
        return call(*args)
    if command == "drain-queue":
        return drain_queue(*args)
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
