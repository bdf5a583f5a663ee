// The Node.js side of a Lambda runtime process (runtime-process.ts starts it with the Node that
// runs minifront): loads the handler from the task root, then answers one invocation at a time
// over fd 3 (newline-delimited JSON). console output goes over the same channel, tagged as AWS's
// Node runtime tags it ("<time>\t<request id>\t<LEVEL>\t<message>"), so it stays in order with
// the result. Follows the Lambda Developer Guide, "Define Lambda function handler in Node.js"
// (async and callback handlers, CommonJS and ES modules) and "Using the Lambda context object to
// retrieve Node.js function information". Not done: callbackWaitsForEmptyEventLoop (the callback's
// answer is sent at once), streaming responses, the Runtime API.
import net from "node:net";
import readline from "node:readline";
import path from "node:path";
import fs from "node:fs";
import util from "node:util";
import { pathToFileURL } from "node:url";

const [taskRoot, handlerSpec] = process.argv.slice(2);
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const send = (msg) => channel.write(JSON.stringify(msg) + "\n");
let currentId;

for (const [name, level] of [["log", "INFO"], ["info", "INFO"], ["warn", "WARN"], ["error", "ERROR"], ["debug", "DEBUG"], ["trace", "TRACE"]]) {
  console[name] = (...args) => send({ type: "log", line: `${new Date().toISOString()}\t${currentId ?? "undefined"}\t${level}\t${util.format(...args)}` });
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

let handler;
async function loadHandler() {
  if (handler) return handler;
  const dot = handlerSpec.lastIndexOf(".");
  const modulePath = dot > 0 ? handlerSpec.slice(0, dot) : handlerSpec;
  const fnName = dot > 0 ? handlerSpec.slice(dot + 1) : "handler";
  const base = path.resolve(taskRoot, modulePath);
  const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) throw new RuntimeError("Runtime.ImportModuleError", `Error: Cannot find module '${path.basename(modulePath)}'`);
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[fnName] ?? mod.default?.[fnName];
  if (typeof fn !== "function") throw new RuntimeError("Runtime.HandlerNotFound", `${path.basename(modulePath)}.${fnName} is undefined or not exported`);
  handler = fn;
  return fn;
}

/** Async handlers answer with their promise; callback handlers through `callback` (or context.succeed/fail/done). */
function run(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err);
      else resolve(result);
    };
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err ?? new Error("handled"));
    context.done = callback;
    try {
      const out = fn(event, context, callback);
      if (out && typeof out.then === "function") out.then((v) => callback(null, v), (e) => callback(e ?? new Error("rejected")));
      else if (fn.length < 3) callback(null, out);
    } catch (err) {
      callback(err);
    }
  });
}

/** Lambda's Node error payload: errorType, errorMessage and the stack as `trace`. */
function errorPayload(err) {
  if (err instanceof Error) return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? "").split("\n") };
  return { errorType: typeof err, errorMessage: typeof err === "string" ? err : util.inspect(err) };
}

async function invoke(msg) {
  currentId = msg.context.awsRequestId;
  const { deadlineMs, ...fields } = msg.context;
  const context = { ...fields, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()) };
  try {
    const fn = await loadHandler();
    const result = await run(fn, msg.event, context);
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (err) {
      throw new RuntimeError("Runtime.MarshalError", `Unable to stringify response body: ${err.message}`);
    }
    send({ type: "result", id: msg.id, ok: true, payload });
  } catch (err) {
    const payload = errorPayload(err);
    console.error(`Invoke Error \t${JSON.stringify(payload)}`);
    send({ type: "result", id: msg.id, ok: false, payload: JSON.stringify(payload) });
  }
}

// One invocation at a time: the parent sends the next only after this one's result.
readline.createInterface({ input: channel }).on("line", (line) => {
  const msg = JSON.parse(line);
  if (msg.type === "invoke") void invoke(msg);
});
// The parent closing the channel (minifront stopped, or the process retired) ends the process.
channel.on("end", () => process.exit(0));
channel.on("error", () => process.exit(0));
