// `npm test`'s runner: every test file through node --test, in two runners side by side.
// The Terraform suites (test/terraform/) spend minutes in the AWS provider's own deployment
// sleeps and barely use a CPU; run in the same queue they would hold test slots idle while the
// CPU-bound suites wait, so they get a runner of their own and the rest keeps its own slots.
// `--quick` (npm run test:quick, the inner loop) leaves out Terraform, the aws CLI suites and the
// pack-and-install test. Exit status: non-zero when a runner fails. Other arguments go to node --test.
import { spawn } from "node:child_process";
import { globSync } from "node:fs";

const quick = process.argv.includes("--quick");
const extra = process.argv.slice(2).filter((a) => a !== "--quick");
const run = (concurrency: number, files: string[]) =>
  new Promise<number>((resolve) => {
    if (files.length === 0) return resolve(0);
    const child = spawn(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...extra, ...files], { stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

/** The slow suites --quick leaves out: those driving the aws CLI as a whole (the README's blocks too), and the package test. */
const SLOW = /(^|\/)(aws-cli|[\w-]*-cli|package|readme)\.e2e\.test\.ts$/;
const main = ["src/**/*.test.ts", "test/*.test.ts", "test/e2e/**/*.test.ts"].flatMap((g) => globSync(g)).filter((f) => !quick || !SLOW.test(f));
// Main suites: three at a time on two cores, since most e2e time is spent waiting on child
// processes and sockets. Terraform suites: six at a time; they mostly sleep in the provider.
const [a, b] = await Promise.all([run(3, main), run(6, quick ? [] : globSync("test/terraform/*.test.ts"))]);
process.exit(a !== 0 ? a : b);
