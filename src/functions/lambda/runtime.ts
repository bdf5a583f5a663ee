// Runs Lambda functions for Invoke and Lambda@Edge (issue 14: user code in child processes, isolated
// from minifront's heap and killable): warm processes per function version, reused while the code
// is the same.
// Concurrency: each process runs one invocation at a time, as a Lambda execution environment does;
// a version gets up to `maxProcessesPerVersion` processes (started on demand), then invocations
// wait in a FIFO queue of at most `maxQueuedPerVersion`; past that they are throttled
// (LambdaThrottledError). A timeout or crash kills the process and its slot starts a new one on
// the next invocation. The answer and log lines follow Lambda's Invoke (Lambda API Reference,
// "Invoke"; Lambda Developer Guide, "Lambda function timeout" and "Runtime errors").
// Not done: memory limits (MemorySize is reported, not enforced), /tmp isolation, the Runtime API,
// init duration in REPORT, provisioned or reserved concurrency.
import { randomUUID } from "node:crypto";
import type { Logger } from "../../log.ts";
import { directoryFingerprint, taskRoot } from "./code-dir.ts";
import { RuntimeProcess, type ProcessAnswer } from "./runtime-process.ts";
import { LambdaThrottledError, type InvokeOptions, type InvokeOutcome, type LambdaCode } from "./types.ts";

export interface LambdaRuntimeOptions {
  readonly dataDir: string;
  readonly log: Logger;
  /** The Python interpreter for python* runtimes. Default `python3`. */
  readonly python?: string;
  /** Default 4: warm processes per version (the machines this runs on have few cores). */
  readonly maxProcessesPerVersion?: number;
  /** Default 100: invocations waiting for a process before the next is throttled. */
  readonly maxQueuedPerVersion?: number;
}

interface VersionPool {
  readonly key: string;
  readonly code: LambdaCode;
  readonly idle: RuntimeProcess[];
  busy: number;
  readonly waiting: Array<(p: RuntimeProcess) => void>;
}

export class LambdaRuntime {
  readonly #opts: Required<LambdaRuntimeOptions>;
  readonly #pools = new Map<string, VersionPool>();
  readonly #all = new Set<RuntimeProcess>();
  #disposed = false;

  constructor(options: LambdaRuntimeOptions) {
    this.#opts = { python: "python3", maxProcessesPerVersion: 4, maxQueuedPerVersion: 100, ...options };
  }

  /** Invokes a function version with an event given as JSON text. */
  async invoke(code: LambdaCode, eventJson: string, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const requestId = options.requestId ?? randomUUID();
    const timeoutMs = options.timeoutMs ?? code.timeout * 1000;
    const logs: string[] = [`START RequestId: ${requestId} Version: ${code.version}`];
    const label = `${code.functionName}:${code.version}`;
    const onLog = (line: string) => {
      logs.push(line);
      this.#opts.log.info(`lambda ${label} ${requestId}: ${line}`);
    };
    const pool = this.#pool(code);
    const proc = await this.#acquire(pool, code);
    const started = performance.now();
    const context = {
      functionName: code.functionName,
      functionVersion: code.version,
      invokedFunctionArn: code.functionArn,
      memoryLimitInMB: String(code.memorySize),
      awsRequestId: requestId,
      logGroupName: code.logGroup,
      logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[${code.version}]minifront`,
      // Wall-clock time, not the emulator's clock: the child compares it with its own Date.now().
      deadlineMs: Date.now() + timeoutMs,
    };
    let answer: ProcessAnswer;
    try {
      answer = await proc.invoke({ id: requestId, eventJson, context }, timeoutMs, onLog);
    } finally {
      this.#release(pool, proc);
    }
    const ms = performance.now() - started;
    const outcome = toOutcome(answer, requestId, timeoutMs);
    if (answer.kind !== "result") onLog(`${new Date().toISOString()} ${requestId} ${describe(answer, timeoutMs)}`);
    logs.push(`END RequestId: ${requestId}`);
    logs.push(`REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: ${code.memorySize} MB\tMax Memory Used: 0 MB`);
    return { ...outcome, requestId, logs };
  }

  /** Stops every process (minifront stopping). */
  dispose(): void {
    this.#disposed = true;
    for (const p of this.#all) p.kill();
    this.#all.clear();
    this.#pools.clear();
  }

  /** The pool of this code: a new one (and the old one's idle processes retired) when the code changed. */
  #pool(code: LambdaCode): VersionPool {
    const identity = "dir" in code.source ? `dir:${directoryFingerprint(code.source.dir)}` : code.codeSha256;
    const key = `${code.functionArn}\n${identity}\n${code.handler}\n${code.runtime}\n${JSON.stringify(code.environment)}`;
    const current = this.#pools.get(code.functionArn);
    if (current?.key === key) return current;
    if (current) for (const p of current.idle.splice(0)) this.#retire(p);
    const pool: VersionPool = { key, code, idle: [], busy: 0, waiting: [] };
    this.#pools.set(code.functionArn, pool);
    return pool;
  }

  async #acquire(pool: VersionPool, code: LambdaCode): Promise<RuntimeProcess> {
    if (this.#disposed) throw new Error("the Lambda runtime is stopped");
    for (let p = pool.idle.pop(); p; p = pool.idle.pop()) {
      if (!p.dead) {
        pool.busy++;
        return p;
      }
      this.#all.delete(p);
    }
    if (pool.busy < this.#opts.maxProcessesPerVersion) {
      const p = this.#spawn(code);
      pool.busy++;
      return p;
    }
    if (pool.waiting.length >= this.#opts.maxQueuedPerVersion) throw new LambdaThrottledError(code.functionArn);
    return new Promise((resolve) => pool.waiting.push(resolve));
  }

  #release(pool: VersionPool, proc: RuntimeProcess): void {
    const next = pool.waiting.shift();
    if (proc.dead || this.#pools.get(pool.code.functionArn) !== pool) {
      this.#retire(proc);
      // A waiting invocation gets a fresh process in the freed slot.
      if (next) next(this.#spawn(pool.code));
      else pool.busy--;
      return;
    }
    if (next) next(proc);
    else {
      pool.busy--;
      pool.idle.push(proc);
    }
  }

  #spawn(code: LambdaCode): RuntimeProcess {
    const p = new RuntimeProcess(code, taskRoot(this.#opts.dataDir, code), this.#opts.python, this.#opts.log);
    this.#all.add(p);
    return p;
  }

  #retire(p: RuntimeProcess): void {
    this.#all.delete(p);
    p.kill();
  }
}

function toOutcome(answer: ProcessAnswer, requestId: string, timeoutMs: number): Omit<InvokeOutcome, "requestId" | "logs"> {
  if (answer.kind === "result") return answer.ok ? { payload: answer.payload } : { payload: answer.payload, functionError: "Unhandled" };
  if (answer.kind === "timeout") return { payload: JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: ${describe(answer, timeoutMs)}` }), functionError: "Unhandled" };
  return { payload: JSON.stringify({ errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: ${describe(answer, timeoutMs)}` }), functionError: "Unhandled" };
}

/** Lambda's wording for a timeout ("Task timed out after 3.00 seconds") and a crash ("Runtime exited with error: exit status 1"). */
function describe(answer: ProcessAnswer, timeoutMs: number): string {
  if (answer.kind === "timeout") return `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
  if (answer.kind === "exit") return answer.signal ? `Runtime exited with error: signal: ${answer.signal.toLowerCase().replace(/^sig/, "")}` : `Runtime exited with error: exit status ${answer.code ?? "unknown"}`;
  return "Unhandled";
}
