// `minifront serve [dir]`: one command for the common case. On a running minifront it makes the
// folder's bucket, OAC, distribution (SPA defaults) and bucket policy exist (site-setup.ts),
// uploads the folder (folder-sync.ts), prints the URL, and on every settled change re-syncs and
// creates an invalidation for the changed paths, one printed line per sync. Everything goes
// through the AWS APIs on the emulator's port, as the aws CLI would do it.
// With `--origin <url>` the distribution's S3 origin is that dev server instead (origin-overrides.ts);
// a folder, if given, is still uploaded and watched, so the bucket is ready when the dev server stops.
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { EmulatorError } from "../errors.ts";
import type { Emulator } from "../index.ts";
import { awsClients } from "./aws-clients.ts";
import type { DistributionRef } from "./ensure.ts";
import { FolderSync, invalidationPaths, type SyncResult } from "./folder-sync.ts";
import { watchFolder, type FolderWatch } from "./folder-watch.ts";
import { ensureSite, siteNames } from "./site-setup.ts";

export interface ServeOptions {
  /** The folder to serve; undefined with a dev server only. */
  readonly dir: string | undefined;
  /** The dev server standing in for the bucket (`--origin <url>`), if any. */
  readonly devServer: string | undefined;
  /** Where the lines for the user go. */
  readonly print: (line: string) => void;
  /** Milliseconds a burst of file changes must be quiet before a sync. Default 150. */
  readonly debounceMs?: number;
}

export interface Serving {
  readonly distribution: DistributionRef;
  /** The distribution's URL on the emulator's port. */
  readonly url: string;
  /** Stops watching (after a sync in progress). */
  close(): Promise<void>;
}

/**
 * Checks `serve`'s arguments before minifront starts, and splits its `--origin` value: a bare URL
 * (`http://localhost:5173`) stands for the folder's own origin and becomes `<originId>=<url>`;
 * `[<dist>/]<originId>=<url>` entries pass through.
 */
export function prepareServe(origins: string | undefined, dir: string | undefined): { origins: string | undefined; devServer: string | undefined } {
  let devServer: string | undefined;
  const entries = origins?.split(",").map((entry) => {
    if (!/^https?:\/\//i.test(entry.trim())) return entry;
    devServer = entry.trim();
    return `${siteNames(dir ?? process.cwd()).originId}=${devServer}`;
  });
  if (dir !== undefined && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new EmulatorError("ERR_CONFIG", `serve: ${dir} is not a folder`);
  if (dir === undefined && devServer === undefined) throw new EmulatorError("ERR_CONFIG", "serve needs a folder (minifront serve ./dist) or a dev server (--origin http://localhost:5173)");
  return { origins: entries?.join(","), devServer };
}

/** Sets up and serves the folder on `emu`; resolves once the first upload is done and watching. */
export async function serveFolder(emu: Pick<Emulator, "controlUrl" | "port" | "dataDir">, opts: ServeOptions): Promise<Serving> {
  prepareServe(undefined, opts.dir ?? (opts.devServer === undefined ? undefined : process.cwd()));
  const dir = opts.dir === undefined ? undefined : resolve(opts.dir);
  const shown = dir === undefined ? "" : relative(process.cwd(), dir) || ".";
  const aws = awsClients(emu.controlUrl);
  const site = await ensureSite(aws, siteNames(dir ?? process.cwd()));
  const { Id, DomainName } = site.distribution;
  const url = `http://${DomainName}:${emu.port}/`;
  const address = new URL(emu.controlUrl).host;
  opts.print(
    [
      `minifront serve: distribution ${Id} (${site.created ? "created" : "reused"}), bucket ${site.names.bucket}`,
      `  Site            ${url}`,
      `                  where *.localhost does not resolve: curl -H 'Host: ${DomainName}' http://${address}/`,
      ...(opts.devServer ? [`  Origin          ${opts.devServer} (dev server, in place of the bucket)`] : []),
    ].join("\n"),
  );
  if (dir === undefined) return { distribution: site.distribution, url, close: async () => aws.destroy() };

  // `minifront serve .` keeps its state in ./.minifront: not part of the site.
  const state = relative(dir, emu.dataDir).split(sep).join("/");
  const excluded = state === "" || state.startsWith("..") || isAbsolute(state) ? () => false : (key: string) => key === state || key.startsWith(`${state}/`);
  const folder = new FolderSync(aws, site.names.bucket, dir, excluded);
  // Watching before the first upload: what changes during it is synced right after.
  const watcher: FolderWatch = watchFolder(
    dir,
    async () => {
      const result = await folder.sync();
      if (result.uploaded.length + result.deleted.length === 0) return;
      const paths = invalidationPaths([...result.uploaded, ...result.deleted]);
      const out = await aws.cloudfront.send(
        new CreateInvalidationCommand({ DistributionId: Id, InvalidationBatch: { CallerReference: `minifront-serve-${randomUUID()}`, Paths: { Quantity: paths.length, Items: paths } } }),
      );
      opts.print(`minifront serve: synced ${syncSummary(result)}; invalidation ${out.Invalidation?.Id} for ${shortList(paths, " ")}`);
    },
    (err) => opts.print(`minifront serve: sync failed: ${err.message}`),
    excluded,
    opts.debounceMs,
  );
  // No invalidation after this first sync: the edge's cache starts empty with the process.
  const first = await folder.sync().catch(async (err: unknown) => {
    await watcher.close();
    throw err;
  });
  opts.print(`minifront serve: uploaded ${first.uploaded.length}, deleted ${first.deleted.length}, ${first.unchanged} unchanged; watching ${shown} for changes`);
  return {
    distribution: site.distribution,
    url,
    async close() {
      await watcher.close();
      aws.destroy();
    },
  };
}

/** `2 changed (index.html, app.js), 1 removed (old.js)`. */
export function syncSummary(result: SyncResult): string {
  const parts: string[] = [];
  if (result.uploaded.length > 0) parts.push(`${result.uploaded.length} changed (${shortList(result.uploaded, ", ")})`);
  if (result.deleted.length > 0) parts.push(`${result.deleted.length} removed (${shortList(result.deleted, ", ")})`);
  return parts.join(", ");
}

/** At most ten items, then how many more: one line per sync stays one readable line. */
function shortList(items: readonly string[], separator: string): string {
  return items.length <= 10 ? items.join(separator) : `${items.slice(0, 10).join(separator)}${separator}and ${items.length - 10} more`;
}
