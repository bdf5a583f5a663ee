// The command line: `minifront start [flags]` and `minifront serve [dir] [flags]`. Parses flags,
// calls startEmulator (and for serve, src/serve/), prints the URLs, and stops cleanly on
// SIGINT/SIGTERM. Everything else lives in the library.
import { enableCompileCache } from "node:module";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { OPTION_SPECS, resolveOptions, type EmulatorOptions } from "./config.ts";
import { displayRedisUrl } from "./cluster/redis-url.ts";

// Node's on-disk compile cache roughly halves start-up after the first run (the SDK's schemas are
// the bulk of what is loaded), so the library is imported only after turning it on.
enableCompileCache();
const { isUserError, startEmulator } = await import("./index.ts");

const USAGE = `Usage: minifront start [options]
       minifront serve [dir] [options]

A local AWS CloudFront: the CloudFront API on one port, for the aws CLI, the SDKs and Terraform.
serve: a bucket and a distribution for a folder (index.html for unknown paths), uploaded and
re-synced with an invalidation on every change; --origin http://localhost:5173 puts a dev server
in place of the bucket.

Options:
${OPTION_SPECS.map((s) => `  --${(s.flag + (s.kind === "bool" ? "" : " <value>")).padEnd(24)} ${s.help} (default ${s.default === "" || s.default === null ? "none" : String(s.default)}; env ${s.env})`).join("\n")}
  -v, --version              Print the version
  -h, --help                 Show this help
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      ...Object.fromEntries(OPTION_SPECS.map((s) => [s.flag, { type: s.kind === "bool" ? "boolean" : "string" } as const])),
      // --origin may be given once per origin (or comma-separated).
      origin: { type: "string", multiple: true },
      "vpc-origin": { type: "string", multiple: true },
    },
  });
  const [command = "start", ...rest] = parsed.positionals;
  if (parsed.values.version) {
    // package.json is one level up from both src/cli.ts and the package's dist/cli.js.
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ((command !== "start" && command !== "serve") || rest.length > (command === "serve" ? 1 : 0)) {
    process.stderr.write(`minifront: unknown command "${[command, ...rest].join(" ")}"\n\n${USAGE}`);
    return 2;
  }
  const explicit: Record<string, unknown> = {};
  for (const spec of OPTION_SPECS) {
    const v = (parsed.values as Record<string, string | string[] | boolean | undefined>)[spec.flag];
    if (v !== undefined) explicit[spec.key] = Array.isArray(v) ? v.join(",") : v;
  }
  // serve: `--origin <url>` stands for the folder's own origin (src/serve/serve-folder.ts).
  const serve = command === "serve" ? await import("./serve/serve-folder.ts") : undefined;
  const served = serve?.prepareServe(explicit["origins"] as string | undefined, rest[0]);
  if (served) explicit["origins"] = served.origins;
  const startOptions = { ...(explicit as EmulatorOptions), env: process.env };
  // --workers N: a primary and N edge worker processes (src/workers/), loaded only then.
  const { workers } = resolveOptions(startOptions, process.env);
  const cluster = workers === "1" ? undefined : await import("./workers/start-workers.ts");
  const count = cluster?.workerCount(workers) ?? 1;
  const emu = cluster && count > 1 ? await cluster.startWorkers(startOptions, count) : await startEmulator(startOptions);
  const port = emu.port;
  // The certificate tooling (node-forge) is loaded only when there is a certificate to talk about.
  const { trustCommand, trustHint } = emu.tls?.selfSigned ? await import("./server/tls.ts") : { trustCommand: (_: string): string => "", trustHint: (_: string): string[] => [] };
  process.stdout.write(
    [
      `minifront ${emu.options.ephemeral ? "(ephemeral) " : ""}listening on ${emu.controlUrl}`,
      `  CloudFront API  ${emu.controlUrl}   (aws --endpoint-url ${emu.controlUrl} cloudfront ...)`,
      `  S3              ${emu.s3Url}   (aws --endpoint-url ${emu.s3Url} s3 ...)`,
      `  Edge            http://<id>.${emu.options.domainSuffix}:${port}/`,
      ...(emu.edgePort !== undefined ? [`  Edge only       http://<id>.${emu.options.domainSuffix}:${emu.edgePort}/`] : []),
      ...(emu.httpsPort !== undefined ? [`  HTTPS           https://<id>.${emu.options.domainSuffix}:${emu.httpsPort}/   (API and S3 too)`] : []),
      ...(emu.tls?.selfSigned
        ? [`  Local CA        ${emu.tls.certPath}   (kept across runs; trust it once: ${trustCommand(emu.tls.certPath)})`, ...trustHint(emu.tls.certPath).map((l) => `                    ${l}`)]
        : []),
      ...(emu.options.clusterUrl !== "" ? [`  Cluster         ${displayRedisUrl(emu.options.clusterUrl)}   (the CloudFront state is shared with the other nodes there)`] : []),
      ...(count > 1 ? [`  Workers         ${count} edge worker processes   (${emu.controlUrl}/_minifront/workers)`] : []),
      `  Dashboard       ${emu.controlUrl}/_minifront/ui`,
      `  Health          ${emu.controlUrl}/_minifront/health`,
      `  State           ${emu.dataDir}`,
      "",
    ].join("\n"),
  );
  const serving = serve && served ? await serve.serveFolder(emu, { dir: rest[0], devServer: served.devServer, print: (line) => process.stdout.write(`${line}\n`) }).catch(async (err: unknown) => {
    await emu.dispose();
    throw err;
  }) : undefined;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`minifront: ${signal}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await serving?.close();
  await emu.dispose();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isUserError(err) || (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`minifront: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`minifront: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
