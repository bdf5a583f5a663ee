# The Python side of a Lambda runtime process (runtime-process.ts starts it with the machine's
# python3): imports the handler module from the task root, then answers one invocation at a time
# over fd 3 (newline-delimited JSON). print() and anything written to stdout/stderr go over the
# same channel, so they stay in order with the result. Follows the Lambda Developer Guide,
# "Define Lambda function handler in Python" and "Using the Lambda context object to retrieve
# Python function information". Not done: the logging module's Lambda format, the Runtime API.
import importlib
import io
import json
import os
import socket
import sys
import time
import traceback

task_root, handler_spec = sys.argv[1], sys.argv[2]
sys.path.insert(0, task_root)
channel = socket.socket(fileno=3)
reader = channel.makefile("rb")
writer = channel.makefile("wb")


def send(msg):
    writer.write((json.dumps(msg) + "\n").encode("utf-8"))
    writer.flush()


class ChannelWriter(io.TextIOBase):
    def __init__(self):
        self.pending = ""

    def write(self, text):
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            send({"type": "log", "line": line})
        return len(text)

    def flush(self):
        if self.pending:
            send({"type": "log", "line": self.pending})
            self.pending = ""


sys.stdout = ChannelWriter()
sys.stderr = ChannelWriter()


class LambdaContext:
    def __init__(self, fields):
        self.function_name = fields["functionName"]
        self.function_version = fields["functionVersion"]
        self.invoked_function_arn = fields["invokedFunctionArn"]
        self.memory_limit_in_mb = fields["memoryLimitInMB"]
        self.aws_request_id = fields["awsRequestId"]
        self.log_group_name = fields["logGroupName"]
        self.log_stream_name = fields["logStreamName"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = fields["deadlineMs"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


class RuntimeError_(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


handler = None


def load_handler():
    global handler
    if handler is not None:
        return handler
    module_name, _, fn_name = handler_spec.rpartition(".")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ModuleNotFoundError as err:
        raise RuntimeError_("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, err))
    except SyntaxError as err:
        raise RuntimeError_("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, err))
    fn = getattr(module, fn_name, None)
    if not callable(fn):
        raise RuntimeError_("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fn_name, module_name))
    handler = fn
    return fn


def error_payload(err, request_id):
    """Lambda's Python error payload: errorMessage, errorType, requestId, stackTrace."""
    error_type = getattr(err, "error_type", type(err).__name__)
    stack = traceback.format_list(traceback.extract_tb(err.__traceback__)) if not hasattr(err, "error_type") else []
    return {"errorMessage": str(err), "errorType": error_type, "requestId": request_id, "stackTrace": stack}


def invoke(msg):
    fields = msg["context"]
    request_id = fields["awsRequestId"]
    try:
        fn = load_handler()
        result = fn(msg["event"], LambdaContext(fields))
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as err:
            raise RuntimeError_("Runtime.MarshalError", "Unable to marshal response: %s" % err)
        sys.stdout.flush()
        send({"type": "result", "id": msg["id"], "ok": True, "payload": payload})
    except Exception as err:  # the handler's failure is the invocation's answer
        payload = error_payload(err, request_id)
        print("[ERROR] %s: %s" % (payload["errorType"], payload["errorMessage"]))
        sys.stdout.flush()
        send({"type": "result", "id": msg["id"], "ok": False, "payload": json.dumps(payload)})


for raw in reader:
    message = json.loads(raw)
    if message.get("type") == "invoke":
        invoke(message)
# The parent closed the channel: minifront stopped or retired this process.
sys.exit(0)
