// One warm runtime process of a function version: the Node that runs minifront for nodejs*
// runtimes, the machine's python3 for python* runtimes (every python3.x runtime runs on that one
// interpreter), each with its bootstrap. One invocation at a time over fd 3 (newline-delimited
// JSON, both ways); the process's own stdout/stderr (output that bypasses the bootstrap) go to
// minifront's log. A timeout or a crash kills the process; the pool (runtime.ts) starts another.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import readline from "node:readline";
import type { Duplex } from "node:stream";
import type { Logger } from "../../log.ts";
import { UnsupportedRuntimeError, type LambdaCode } from "./types.ts";

const NODE_BOOTSTRAP = fileURLToPath(new URL("./bootstrap-node.mjs", import.meta.url));
const PYTHON_BOOTSTRAP = fileURLToPath(new URL("./bootstrap-python.py", import.meta.url));

/** Lambda runtime identifiers minifront runs (Lambda Developer Guide, "Lambda runtimes"). */
export const NODE_RUNTIMES = ["nodejs18.x", "nodejs20.x", "nodejs22.x"];
export const PYTHON_RUNTIMES = ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13"];

export interface InvocationMessage {
  readonly id: string;
  /** The event as JSON text (sent as is). */
  readonly eventJson: string;
  readonly context: Record<string, unknown>;
}

export type ProcessAnswer =
  | { readonly kind: "result"; readonly ok: boolean; readonly payload: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "exit"; readonly code: number | null; readonly signal: string | null };

/** The command that runs a runtime's bootstrap. */
function command(runtime: string, python: string): [string, string] {
  if (NODE_RUNTIMES.includes(runtime)) return [process.execPath, NODE_BOOTSTRAP];
  if (PYTHON_RUNTIMES.includes(runtime)) return [python, PYTHON_BOOTSTRAP];
  throw new UnsupportedRuntimeError(runtime);
}

/** The environment Lambda gives a function (Lambda Developer Guide, "Defined runtime environment variables"), then the function's own. */
function environment(code: LambdaCode, root: string): Record<string, string> {
  const region = /^arn:aws:lambda:([^:]+):/.exec(code.functionArn)?.[1] ?? "us-east-1";
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    LAMBDA_TASK_ROOT: root,
    _HANDLER: code.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${code.runtime}`,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: code.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: code.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(code.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: code.logGroup,
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    ...code.environment,
  };
}

export class RuntimeProcess {
  readonly #child: ChildProcess;
  readonly #channel: Duplex;
  readonly #label: string;
  #pending: { resolve: (a: ProcessAnswer) => void; onLog: (line: string) => void; timer: NodeJS.Timeout } | undefined;
  #dead = false;

  constructor(code: LambdaCode, root: string, python: string, log: Logger) {
    const [cmd, bootstrap] = command(code.runtime, python);
    this.#label = `${code.functionName}:${code.version}`;
    this.#child = spawn(cmd, [bootstrap, root, code.handler], { cwd: root, env: environment(code, root), stdio: ["ignore", "pipe", "pipe", "pipe"] });
    this.#channel = this.#child.stdio[3] as Duplex;
    // Output that bypasses the bootstrap (a native module, a crash's stack) still reaches the log.
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on("line", (line) => log.info(`lambda ${this.#label}: ${line}`));
    }
    readline.createInterface({ input: this.#channel }).on("line", (line) => this.#onMessage(line));
    this.#channel.on("error", () => {});
    this.#child.on("error", (err) => {
      log.warn(`lambda ${this.#label}: cannot start ${cmd}: ${err.message}`);
      this.#finish({ kind: "exit", code: null, signal: null });
    });
    this.#child.on("exit", (code, signal) => this.#finish({ kind: "exit", code, signal }));
    // A warm process must not keep minifront (or a test run) alive on its own.
    this.#child.unref();
    for (const s of [this.#channel, this.#child.stdout, this.#child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Runs one invocation; `onLog` receives the lines the function writes while it runs. */
  invoke(msg: InvocationMessage, timeoutMs: number, onLog: (line: string) => void): Promise<ProcessAnswer> {
    if (this.#dead) return Promise.resolve({ kind: "exit", code: null, signal: null });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#finish({ kind: "timeout" });
        this.kill();
      }, timeoutMs);
      this.#pending = { resolve, onLog, timer };
      this.#channel.write(`{"type":"invoke","id":${JSON.stringify(msg.id)},"context":${JSON.stringify(msg.context)},"event":${msg.eventJson}}\n`);
    });
  }

  kill(): void {
    this.#dead = true;
    this.#channel.destroy();
    this.#child.kill("SIGKILL");
  }

  #onMessage(line: string): void {
    let msg: { type?: string; line?: string; ok?: boolean; payload?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === "log") this.#pending?.onLog(String(msg.line));
    else if (msg.type === "result") this.#finish({ kind: "result", ok: msg.ok === true, payload: String(msg.payload) });
  }

  #finish(answer: ProcessAnswer): void {
    if (answer.kind !== "result") this.#dead = true;
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(answer);
  }
}
