// `npm test`'s runner: every test file through node --test, in two runners side by side.
// The Terraform suites (test/terraform/) spend minutes in the AWS provider's own deployment
// sleeps and barely use a CPU; run in the same queue they would hold test slots idle while the
// CPU-bound suites wait, so they get a runner of their own and the rest keeps its two slots.
// Exit status: non-zero when either runner fails. Extra arguments go to both runners.
import { spawn } from "node:child_process";

const extra = process.argv.slice(2);
const run = (concurrency: number, globs: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...extra, ...globs], { stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const [main, terraform] = await Promise.all([run(2, ["src/**/*.test.ts", "test/*.test.ts", "test/e2e/**/*.test.ts"]), run(4, ["test/terraform/*.test.ts"])]);
process.exit(main !== 0 ? main : terraform);
