// A tiny levelled logger to stderr; the CLI picks the level, the library defaults to warn.

/** Where the emulator's log lines go. */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `text`: `[minifront] level: message`; `json`: one object per line (`--log-format`). */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function createLogger(level: LogLevel, write?: (line: string) => void, format: LogFormat = "text"): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const out: (line: string, lvl: LogLevel) => void = write ?? writeStderr;
  const at = (lvl: LogLevel) => (msg: string) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    if (format === "text") return out(`[minifront] ${lvl}: ${msg}`, lvl);
    // A message that is a JSON object already (the request log's records) keeps its fields.
    const head = `{"time":"${new Date().toISOString()}","level":"${lvl}"`;
    out(msg.startsWith("{") && msg.endsWith("}") ? `${head}${msg.length > 2 ? "," : ""}${msg.slice(1)}` : `${head},"msg":${JSON.stringify(msg)}}`, lvl);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * stderr, with `debug` and `info` lines in batches: at `info` the request log writes a line per
 * edge request, and a write call per line (or per event-loop turn, which under load holds about
 * one request) cost a 1 KiB cache hit ~15% more server CPU (/proc utime+stime per hit, wrk -c32).
 * Those lines are joined for up to BATCH_MS (or 64 KiB) and written in one call; a `warn` or
 * `error` line is written at once, after what is pending (order kept); whatever is pending is
 * written when the process exits.
 */
function writeStderr(line: string, lvl: LogLevel): void {
  if (lvl !== "info" && lvl !== "debug") return void process.stderr.write(flushPending() + line + "\n");
  if (pending === "") {
    setTimeout(flushStderr, BATCH_MS).unref();
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", flushStderr);
    }
  }
  pending += line + "\n";
  if (pending.length > 65536) flushStderr();
}
const BATCH_MS = 25;
let pending = "";
let exitHooked = false;

function flushPending(): string {
  const out = pending;
  pending = "";
  return out;
}

function flushStderr(): void {
  const out = flushPending();
  if (out !== "") process.stderr.write(out);
}
