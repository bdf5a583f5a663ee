// The Redis side of `--cluster` (issue 18): the authoritative control-plane state and the ordered
// log of changes every node follows.
//
//   <prefix>docs     hash  "<kind>\n<id>" → "<seq> <json>"   every document; seq keeps list order
//   <prefix>seq      counter for seq (a document keeps its seq when updated, as SQLite's row does)
//   <prefix>version  the number of the last committed change
//   <prefix>changes  stream, entry id "<version>-0": ops (JSON), purge (JSON), clear ("1"/"0")
//
// A commit is one Lua script: it checks that the caller still holds the write lock and that no
// change was committed since the caller caught up, then writes the documents, the version and the
// stream entry together, so Redis holds all of a change or none of it. The stream is trimmed to
// about STREAM_LENGTH entries; a node further behind than that reloads everything (`snapshot`).
import type { Redis } from "ioredis";

/** One write of a change: put (kind, id, JSON body), delete (kind, id), or clear everything. */
export type Op = readonly ["p", string, string, string] | readonly ["d", string, string] | readonly ["c"];

/** A committed change as the nodes apply it. */
export interface Change {
  readonly version: number;
  readonly ops: readonly Op[];
  /** Invalidations to purge at every node: [distribution or tenant id, paths]. */
  readonly purge: readonly (readonly [string, readonly string[]])[];
  /** POST /_minifront/reset: every node drops its caches and the rest of its local state too. */
  readonly clear: boolean;
}

/** One document as kept in Redis, with its place in list order. */
export interface DocumentRow {
  readonly seq: number;
  readonly kind: string;
  readonly id: string;
  readonly body: string;
}

/** Entries kept in the stream: enough for a node that was away for a while to catch up by replay. */
export const STREAM_LENGTH = 10_000;

const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LOCKLOST the cluster write lock expired before the commit') end
local v = tonumber(redis.call('GET', KEYS[4]) or '0')
if v ~= tonumber(ARGV[2]) then return redis.error_reply('STALE the cluster moved on to version ' .. v) end
for _, op in ipairs(cjson.decode(ARGV[3])) do
  if op[1] == 'c' then
    redis.call('DEL', KEYS[2])
  else
    local field = op[2] .. '\\n' .. op[3]
    if op[1] == 'd' then
      redis.call('HDEL', KEYS[2], field)
    else
      local old = redis.call('HGET', KEYS[2], field)
      local seq = old and string.match(old, '^(%d+) ') or redis.call('INCR', KEYS[3])
      redis.call('HSET', KEYS[2], field, seq .. ' ' .. op[4])
    end
  end
end
v = v + 1
redis.call('SET', KEYS[4], v)
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], v .. '-0', 'ops', ARGV[3], 'purge', ARGV[4], 'clear', ARGV[5])
return v
`;

export class ChangeLog {
  private readonly redis: Redis;
  readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Commits a change made on top of `baseVersion` while holding the lock `lockToken`; resolves with
   * its version. Rejects (and nothing is written) if the lock was lost or the cluster moved on.
   */
  async commit(lockToken: string, baseVersion: number, change: Omit<Change, "version">): Promise<number> {
    const p = this.prefix;
    const keys = [`${p}lock`, `${p}docs`, `${p}seq`, `${p}version`, `${p}changes`];
    const args = [lockToken, String(baseVersion), JSON.stringify(change.ops), JSON.stringify(change.purge), change.clear ? "1" : "0", String(STREAM_LENGTH)];
    return Number(await this.redis.eval(COMMIT, keys.length, ...keys, ...args));
  }

  /**
   * The changes after `version`, oldest first, at most `count`, and the newest version, read
   * together. `gap` is true when they cannot bring a node from `version` to the newest: the stream
   * was trimmed past it, or Redis lost changes the node had (it restarted without its data).
   */
  async after(version: number, count = 500): Promise<{ changes: Change[]; newest: number; gap: boolean }> {
    const p = this.prefix;
    const results = await this.redis.multi().xrange(`${p}changes`, `(${version}-0`, "+", "COUNT", count).get(`${p}version`).exec();
    const [entries, newest] = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [[string, string[]][], string | null];
    const changes = entries.map(parseEntry);
    const latest = Number(newest ?? 0);
    const gap = changes.length === 0 ? latest !== version : (changes[0] as Change).version !== version + 1;
    return { changes, newest: latest, gap };
  }

  /** Every document and the version they are at, read together. */
  async snapshot(): Promise<{ version: number; rows: DocumentRow[] }> {
    const p = this.prefix;
    const results = await this.redis.multi().get(`${p}version`).hgetall(`${p}docs`).exec();
    const [version, docs] = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [string | null, Record<string, string>];
    const rows: DocumentRow[] = [];
    for (const [field, value] of Object.entries(docs)) {
      const nl = field.indexOf("\n");
      const space = value.indexOf(" ");
      rows.push({ kind: field.slice(0, nl), id: field.slice(nl + 1), seq: Number(value.slice(0, space)), body: value.slice(space + 1) });
    }
    rows.sort((a, b) => a.seq - b.seq);
    return { version: Number(version ?? 0), rows };
  }
}

function parseEntry([id, fields]: [string, string[]]): Change {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  return {
    version: Number(id.slice(0, id.indexOf("-"))),
    ops: JSON.parse(f["ops"] ?? "[]") as Op[],
    purge: JSON.parse(f["purge"] ?? "[]") as Change["purge"],
    clear: f["clear"] === "1",
  };
}
