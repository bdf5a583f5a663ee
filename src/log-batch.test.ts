// The stderr logger's batch of info lines, in a child process (its stderr is what is checked): the
// request log's lines come out byte for byte as requestLine renders them (UTF-8 path included), in
// order with other info lines and before a later warn line, and what is pending at exit is written.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const script = `
import { createLogger } from "./src/log.ts";
import { requestLog, requestLine } from "./src/observe/request-log.ts";
const log = createLogger("info");
const sink = requestLog(log, "text", () => true);
const base = { time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), distributionId: "E1", distributionDomain: "d1.cloudfront.net", host: "d1.cloudfront.net", pop: "LOC50-C1", method: "GET", path: "/caf\\u00e9", query: "", status: 200, xCache: "Hit", completed: true, bytesSent: 1234, totalMs: 0.25, originMs: undefined };
const records = [base, { ...base, time: base.time + 994, host: "www.example.com", query: "x=1", originMs: 12.34, xCache: "Miss" }, { ...base, status: 0, xCache: "", completed: false, totalMs: 1234.56 }];
sink(records[0]);
log.info("between");
sink(records[1]);
log.warn("a warning");
sink(records[2]);
process.stdout.write(JSON.stringify(records.map(requestLine)));
`;

describe("stderr log batch", () => {
  it("writes request lines as requestLine does, in order with other lines, and what is pending at exit", () => {
    const root = new URL("..", import.meta.url).pathname;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    const lines = JSON.parse(child.stdout) as string[];
    assert.ok(lines[0]!.includes("/caf\u00e9 "), lines[0]);
    const info = (l: string) => `[minifront] info: ${l}\n`;
    assert.equal(child.stderr, `${info(lines[0]!)}${info("between")}${info(lines[1]!)}[minifront] warn: a warning\n${info(lines[2]!)}`);
  });
});
