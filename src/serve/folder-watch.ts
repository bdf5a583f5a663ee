// Watches a folder and its subfolders (node:fs watch, recursive) and calls back once a burst of
// changes has settled: an editor's save or a bundler's rebuild touches many files within
// milliseconds, and one sync for all of them is what the user wants. A folder that never settles
// (a log file written to all the time) is still synced, at most MAX_WAIT_MS after its first
// change. Calls never overlap: changes during a callback make one more call after it.
// node's recursive watch on Linux sets its watches up asynchronously, walking the tree, and like
// every file watcher can miss events (network and container file systems): a rescan every
// RESCAN_MS (stat calls; files are hashed again only when size or mtime changed) catches those.
import { watch, type FSWatcher } from "node:fs";
import { isIgnored } from "./folder-sync.ts";

const MAX_WAIT_MS = 1000;
const RESCAN_MS = 2000;

export interface FolderWatch {
  /** Stops watching and waits for a callback in progress. */
  close(): Promise<void>;
}

/** Watches `dir`; `onSettled` runs `debounceMs` after the last change of a burst. */
export function watchFolder(dir: string, onSettled: () => Promise<void>, onError: (err: Error) => void, excluded: (key: string) => boolean, debounceMs = 150): FolderWatch {
  let timer: NodeJS.Timeout | undefined;
  /** When the first change not yet synced came (0: none pending). */
  let firstChange = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = () => {
    timer = undefined;
    firstChange = 0;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await onSettled().catch(onError);
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    if (closed) return;
    const key = typeof name === "string" ? name.split(/[\\/]/) : [];
    if (key.some(isIgnored) || excluded(key.join("/"))) return;
    const now = Date.now();
    firstChange ||= now;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(debounceMs, firstChange + MAX_WAIT_MS - now)));
  });
  watcher.on("error", onError);
  const rescan = setInterval(() => timer === undefined && run(), RESCAN_MS);
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(rescan);
      watcher.close();
      await running;
    },
  };
}
