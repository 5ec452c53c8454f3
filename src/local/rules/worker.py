"""The local backend's Lambda worker: runs one function's inline Python code with Lambda's
handler contract, one invocation at a time, for as long as the backend keeps it.

It speaks one JSON document a line. Standard input brings, first,
    {"init": {"code": ..., "handler": "index.handler", "functionName": ..., "functionArn": ...,
              "memoryMb": 128, "logGroup": ..., "logStream": ...}}
answered with {"ready": true, "logs": ...} or {"errorType": ..., "errorMessage": ...,
"stackTrace": [...], "logs": ...} (the init failed: the worker then exits); then, for each
invocation,
    {"invoke": {"event": ..., "requestId": ..., "deadlineMs": <epoch ms>}}
answered with {"result": <what the handler returned>, "logs": ...} or the error fields. What
the code prints (standard output and error, the logging module) is captured per invocation as
"logs"; only the answers go to the real standard output.
"""

import io
import json
import logging
import os
import sys
import time
import traceback
import types

PROTOCOL = sys.stdout
CAPTURE = io.StringIO()


class Context:
    """The context object Lambda passes the handler."""

    def __init__(self, init, request_id, deadline_ms):
        self.function_name = init["functionName"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = init["functionArn"]
        self.memory_limit_in_mb = str(init["memoryMb"])
        self.aws_request_id = request_id
        self.log_group_name = init["logGroup"]
        self.log_stream_name = init["logStream"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


class CapturedHandler(logging.Handler):
    """The runtime's log handler: `[LEVEL] time request-id message` into the capture."""

    request_id = ""

    def emit(self, record):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        millis = int(record.msecs)
        line = f"[{record.levelname}]\t{stamp}.{millis:03d}Z\t{self.request_id}\t{self.format(record)}"
        CAPTURE.write(line + "\n")


def answer(document):
    document["logs"] = CAPTURE.getvalue()
    CAPTURE.seek(0)
    CAPTURE.truncate()
    PROTOCOL.write(json.dumps(document, default=str) + "\n")
    PROTOCOL.flush()


def failure(error):
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_tb(error.__traceback__),
    }


def load(init):
    module_name, _, function_name = init["handler"].rpartition(".")
    module = types.ModuleType(module_name)
    module.__file__ = os.path.join(os.environ.get("LAMBDA_TASK_ROOT", "."), module_name + ".py")
    sys.modules[module_name] = module
    exec(compile(init["code"], module.__file__, "exec"), module.__dict__)
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise AttributeError(f"module '{module_name}' has no attribute '{function_name}'")
    return handler


def main():
    sys.stdout = sys.stderr = CAPTURE
    handler_of_logs = CapturedHandler()
    root = logging.getLogger()
    root.handlers = [handler_of_logs]
    root.setLevel(logging.WARNING)
    first = sys.stdin.readline()
    if not first:
        return 0
    init = json.loads(first)["init"]
    try:
        handler = load(init)
    except Exception as error:
        answer(failure(error))
        return 1
    answer({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        invoke = json.loads(line)["invoke"]
        handler_of_logs.request_id = invoke["requestId"]
        context = Context(init, invoke["requestId"], invoke["deadlineMs"])
        try:
            result = handler(invoke["event"], context)
            try:
                json.dumps(result)
            except (TypeError, ValueError) as error:
                raise TypeError(f"Unable to marshal response: {error}") from None
            answer({"result": result})
        except Exception as error:
            answer(failure(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
