// CPU time of a server and everything it forked (nginx's master and workers, minifront's primary
// and its node:cluster workers), read from Linux's /proc: each thread's on-CPU time in
// nanoseconds (the first field of /proc/<pid>/task/<tid>/schedstat), summed. Threads and processes
// that ended between two readings drop out of the sum, so read it around a stretch in which the
// server neither starts nor stops any. Linux only.
import { readdirSync, readFileSync } from "node:fs";

/** The on-CPU nanoseconds so far of each process in the tree rooted at `root`, by pid. */
export function treeCpuNs(root: number): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out = new Map<number, number>();
  const visit = (pid: number) => {
    out.set(pid, processCpuNs(pid));
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

/** The sum of a tree reading. */
export const totalNs = (reading: Map<number, number>): number => [...reading.values()].reduce((a, b) => a + b, 0);

/** Per process, the CPU time between two readings of the same tree (processes in both). */
export function deltaNs(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [pid, ns] of after) if (before.has(pid)) out.set(pid, ns - (before.get(pid) as number));
  return out;
}

function processCpuNs(pid: number): number {
  let sum = 0;
  for (const tid of readdirOrEmpty(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended while we read
    }
  }
  return sum;
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (2nd field) is in parentheses and may hold spaces: the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined; // the process ended while we read
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
