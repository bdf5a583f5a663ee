// nginx with proxy_cache in front of the benchmark's origin: the configuration people use as a
// stand-in for CloudFront today (Debian package nginx-light). `worker_processes` as asked, and
// otherwise nginx's defaults: no worker_cpu_affinity, no `reuseport` (its workers share one
// listening socket), as minifront's node:cluster workers share one.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./children.ts";

export interface NginxOptions {
  /** A directory of its own under a world-readable parent: nginx's workers run unprivileged when the master is root. */
  readonly prefix: string;
  readonly originPort: number;
  /** `sendfile on` is what Debian's stock nginx.conf sets; nginx's built-in default is off. */
  readonly sendfile: "on" | "off";
  readonly workers: number;
  /** The CPUs nginx may run on, as taskset takes them. */
  readonly cpus: string;
}

/** Starts nginx and resolves once it accepts connections. */
export async function startNginx(o: NginxOptions): Promise<{ child: ChildProcess; url: string; host: string }> {
  const port = await freePort();
  mkdirSync(join(o.prefix, "cache"), { recursive: true });
  chmodSync(o.prefix, 0o755);
  chmodSync(join(o.prefix, "cache"), 0o777);
  writeFileSync(
    join(o.prefix, "nginx.conf"),
    `worker_processes ${o.workers}; daemon off; pid ${o.prefix}/nginx.pid; error_log ${o.prefix}/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile ${o.sendfile}; tcp_nopush on;
  proxy_cache_path ${o.prefix}/cache levels=1:2 keys_zone=edge:10m max_size=1g inactive=60m use_temp_path=off;
  upstream origin { server 127.0.0.1:${o.originPort}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache edge; proxy_cache_valid 200 1h; add_header X-Cache $upstream_cache_status;
    }
  }
}
`,
  );
  const child = spawn("taskset", ["-c", o.cpus, "nginx", "-c", join(o.prefix, "nginx.conf"), "-p", o.prefix], { stdio: "ignore" });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`nginx exited with ${code}; see ${o.prefix}/error.log`))));
  exited.catch(() => undefined); // once nginx is up, its exit when the benchmark stops it is no error
  await Promise.race([accepting(port), exited]);
  return { child, url: `http://127.0.0.1:${port}`, host: "localhost" };
}

/** Resolves once something accepts connections on the loopback port (retrying every 50 ms, for 10 s at most). */
async function accepting(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      }).once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing accepts connections on port ${port}`);
}
