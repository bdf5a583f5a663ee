// minifront dashboard: vanilla JavaScript, no build step, nothing loaded from elsewhere.
// Reads the JSON API under /_minifront/ui/api/ and the live request stream /_minifront/ui/events.
// Every value from a request is put in the page as text (textContent), never as HTML.
"use strict";

const BASE = "/_minifront/ui";
const MAX_ROWS = 500;

/** Builds an element: el("td", { className: "path" }, "text", child...). */
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(path, body) {
  const res = await fetch(BASE + "/api/" + path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(`${data.error}: ${data.message}`);
  return data;
}

const time = (ms) => new Date(ms).toISOString().slice(11, 23);
const xCacheClass = (x) => (/Hit/.test(x) ? "x-hit" : /Miss/.test(x) ? "x-miss" : x ? "x-error" : "");
const json = (v) => el("pre", {}, JSON.stringify(v, null, 2));

// ---- tabs -----------------------------------------------------------------------------------
const loaders = {};
for (const b of document.querySelectorAll("#tabs button")) {
  b.addEventListener("click", () => {
    for (const o of document.querySelectorAll("#tabs button")) o.classList.toggle("active", o === b);
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.id === "tab-" + b.dataset.tab);
    loaders[b.dataset.tab]?.();
  });
}
const visible = (name) => document.getElementById("tab-" + name).classList.contains("active");

// ---- live requests --------------------------------------------------------------------------
const requestRows = document.querySelector("#requests tbody");

function addRequest(r) {
  const row = el(
    "tr",
    { className: "req" },
    el("td", {}, time(r.time)),
    el("td", {}, r.distributionId),
    el("td", {}, r.pop),
    el("td", {}, r.method),
    el("td", { className: "path" }, r.path + (r.query ? "?" + r.query : "")),
    el("td", {}, r.status || "000"),
    el("td", { className: "x-cache " + xCacheClass(r.xCache) }, r.xCache || "-"),
    el("td", {}, r.layer || ""),
    el("td", {}, r.totalMs.toFixed(1)),
  );
  row.dataset.seq = r.seq;
  if (r.warnings > 0) row.classList.add("warning");
  row.addEventListener("click", () => openRequest(r.seq, row));
  requestRows.prepend(row);
  while (requestRows.children.length > MAX_ROWS) requestRows.lastElementChild.remove();
}

async function openRequest(seq, row) {
  for (const r of requestRows.querySelectorAll(".selected")) r.classList.remove("selected");
  row.classList.add("selected");
  const pane = document.getElementById("detail");
  let d;
  try {
    d = await api("requests/" + seq);
  } catch (err) {
    pane.replaceChildren(el("p", { className: "error" }, err.message));
    return;
  }
  const parts = [el("h2", {}, `${d.method} ${d.host}${d.path}${d.query ? "?" + d.query : ""}`)];
  parts.push(
    el(
      "dl",
      {},
      el("dt", {}, "status"), el("dd", {}, d.statusLine || "(no response sent)"),
      el("dt", {}, "X-Cache"), el("dd", { className: "x-cache " + xCacheClass(d.xCache) }, d.xCache || "-"),
      el("dt", {}, "tier"), el("dd", { className: "tier" }, !d.layer ? "(cache not consulted)" : d.origin ? `${d.layer} (asked the origin)` : d.layer),
      el("dt", {}, "behavior"), el("dd", { className: "behavior" }, d.behavior ?? "-"),
      el("dt", {}, "distribution"), el("dd", {}, d.distributionId),
      el("dt", {}, "POP"), el("dd", {}, d.pop),
      el("dt", {}, "request id"), el("dd", {}, d.requestId),
      el("dt", {}, "total"), el("dd", {}, d.totalMs + " ms"),
      el("dt", {}, "bytes sent"), el("dd", {}, d.bytesSent),
    ),
  );
  parts.push(el("h3", {}, "Cache key"), d.cacheKey ? el("pre", { className: "cache-key" }, d.cacheKey.join("\n")) : el("p", { className: "hint cache-key" }, "not computed (answered before the cache)"));
  if (d.accessWarnings.length) {
    parts.push(el("h3", {}, "Access warnings"));
    for (const w of d.accessWarnings) parts.push(el("p", { className: "warning" }, w));
  }
  for (const f of d.functions) {
    parts.push(el("h3", {}, `${f.kind} · ${f.event}`), el("p", { className: "hint" }, f.name), el("div", {}, "input"), json(f.input), el("div", {}, "output"), json(f.output));
  }
  parts.push(el("h3", {}, "Origin request"));
  if (d.origin) {
    parts.push(
      el("dl", {}, el("dt", {}, "origin"), el("dd", {}, d.origin.originId), el("dt", {}, "request"), el("dd", {}, `${d.origin.method} ${d.origin.path}${d.origin.query ? "?" + d.origin.query : ""}`), el("dt", {}, "status"), el("dd", {}, d.origin.status ?? "-"), el("dt", {}, "latency"), el("dd", {}, d.origin.latencyMs + " ms")),
      json(d.origin.headers),
    );
  } else parts.push(el("p", { className: "hint" }, "none (served by the edge)"));
  parts.push(el("h3", {}, "Response headers"), el("pre", { className: "response-headers" }, d.responseHeaders.map(([n, v]) => `${n}: ${v}`).join("\n")));
  parts.push(el("h3", {}, "Request headers"), el("pre", {}, Object.entries(d.requestHeaders).map(([n, v]) => `${n}: ${v}`).join("\n")));
  pane.replaceChildren(...parts);
}

document.getElementById("clear-requests").addEventListener("click", () => requestRows.replaceChildren());

async function startFeed() {
  const status = document.getElementById("feed-status");
  const known = new Set();
  const add = (r) => {
    if (known.has(r.seq)) return;
    known.add(r.seq);
    addRequest(r);
  };
  const source = new EventSource(BASE + "/events");
  source.addEventListener("open", async () => {
    status.textContent = "live";
    status.classList.add("live");
    // What happened while the page was away (the stream only carries what comes next).
    for (const r of (await api("requests")).requests) add(r);
  });
  source.addEventListener("error", () => {
    status.textContent = "reconnecting";
    status.classList.remove("live");
  });
  source.addEventListener("request", (e) => add(JSON.parse(e.data)));
  source.addEventListener("warning", () => loadWarningsSoon());
  source.addEventListener("realtime", (e) => addRealtime(JSON.parse(e.data)));
  for (const r of (await api("realtime")).records) addRealtime(r);
}

// ---- real-time log records ------------------------------------------------------------------
function addRealtime(r) {
  const values = r.line.replace(/\n$/, "").split("\t");
  const record = r.fields.map((f, i) => `${f}=${values[i] ?? ""}`).join("\n");
  const tbody = document.querySelector("#realtime tbody");
  tbody.prepend(el("tr", {}, el("td", {}, time(r.time)), el("td", {}, r.configName), el("td", {}, r.distributionId), el("td", {}, el("pre", {}, record))));
  while (tbody.children.length > MAX_ROWS) tbody.lastElementChild.remove();
}

// ---- distributions --------------------------------------------------------------------------
let lastCounts = new Map();
async function loadDistributions() {
  const { now, distributions } = await api("distributions");
  const tbody = document.querySelector("#distributions tbody");
  const counts = new Map();
  tbody.replaceChildren(
    ...distributions.map((d) => {
      const prev = lastCounts.get(d.id);
      counts.set(d.id, { at: now, requests: d.requests });
      const rate = prev && now > prev.at ? ((d.requests - prev.requests) * 1000) / (now - prev.at) : null;
      return el(
        "tr",
        {},
        el("td", {}, d.id),
        el("td", {}, d.domainName),
        el("td", {}, d.aliases.join(", ")),
        el("td", {}, d.enabled ? d.status : "Disabled"),
        el("td", {}, d.requests),
        el("td", { className: "hit-ratio" }, d.hitRatio === null ? "-" : (d.hitRatio * 100).toFixed(1) + " %"),
        el("td", {}, rate === null ? "-" : rate.toFixed(2)),
        el("td", {}, d.originMsAverage === null ? "-" : d.originMsAverage.toFixed(1)),
      );
    }),
  );
  lastCounts = counts;
}
loaders.distributions = loadDistributions;
setInterval(() => visible("distributions") && loadDistributions().catch(() => {}), 2000);

// ---- cache ----------------------------------------------------------------------------------
const tierSelect = document.getElementById("cache-tier");
async function loadCache() {
  const tier = tierSelect.value;
  const data = await api("cache" + (tier ? "?tier=" + encodeURIComponent(tier) : ""));
  if (tierSelect.options.length === 1) for (const t of data.tiers) tierSelect.append(el("option", { value: t }, t));
  document.getElementById("cache-total").textContent = `${data.total} entries`;
  document.querySelector("#cache-table tbody").replaceChildren(
    ...data.entries.map((e) => {
      const purge = el("button", { className: "purge", title: "Remove this object from every tier (or from the selected one)" }, "Purge");
      purge.addEventListener("click", async () => {
        purge.disabled = true;
        await api("cache/purge", { distributionId: e.distributionId, key: e.key, tier: tierSelect.value });
        await loadCache();
      });
      const row = el(
        "tr",
        { className: "cache-entry" },
        el("td", {}, e.tier),
        el("td", {}, e.distributionId),
        el("td", { className: "path" }, e.path),
        el("td", { className: "key" }, e.keyParts.join(" · ")),
        el("td", {}, e.status),
        el("td", {}, e.bytes + (e.onDisk ? " (disk)" : "")),
        el("td", {}, e.fresh ? time(e.expiresAt) : "expired"),
        el("td", {}, purge),
      );
      row.dataset.path = e.path;
      return row;
    }),
  );
}
loaders.cache = loadCache;
tierSelect.addEventListener("change", loadCache);
document.getElementById("cache-refresh").addEventListener("click", loadCache);

// ---- invalidations --------------------------------------------------------------------------
loaders.invalidations = async () => {
  const { invalidations } = await api("invalidations");
  document.querySelector("#invalidations tbody").replaceChildren(
    ...invalidations.map((i) => el("tr", {}, el("td", {}, i.id), el("td", {}, i.distributionId), el("td", {}, i.status), el("td", {}, new Date(i.createdAt).toISOString()), el("td", { className: "path" }, i.paths.join(" ")))),
  );
};

// ---- KeyValueStores -------------------------------------------------------------------------
const storeSelect = document.getElementById("kvs-store");
let kvsEtag = "";
async function loadStores() {
  const { stores } = await api("kvs");
  const chosen = storeSelect.value;
  storeSelect.replaceChildren(...stores.map((s) => el("option", { value: s.arn }, s.name)));
  if (chosen) storeSelect.value = chosen;
  await loadKeys();
}
async function loadKeys() {
  const arn = storeSelect.value;
  const tbody = document.querySelector("#kvs-keys tbody");
  if (!arn) {
    document.getElementById("kvs-info").textContent = "No KeyValueStore yet.";
    return tbody.replaceChildren();
  }
  const data = await api("kvs/keys?arn=" + encodeURIComponent(arn));
  kvsEtag = data.etag;
  document.getElementById("kvs-info").textContent = `${data.ItemCount} keys, ${data.TotalSizeInBytes} bytes, ETag ${data.etag}`;
  tbody.replaceChildren(
    ...data.items.map((item) => {
      const del = el("button", { className: "kvs-delete" }, "Delete");
      del.addEventListener("click", () => changeKey("kvs/delete", { key: item.Key }));
      return el("tr", {}, el("td", { className: "key" }, item.Key), el("td", { className: "key" }, item.Value), el("td", {}, del));
    }),
  );
}
async function changeKey(path, body) {
  const error = document.getElementById("kvs-error");
  error.textContent = "";
  try {
    await api(path, { arn: storeSelect.value, etag: kvsEtag, ...body });
  } catch (err) {
    error.textContent = err.message;
  }
  await loadKeys();
}
loaders.kvs = loadStores;
storeSelect.addEventListener("change", loadKeys);
document.getElementById("kvs-put").addEventListener("submit", (e) => {
  e.preventDefault();
  changeKey("kvs/put", { key: document.getElementById("kvs-key").value, value: document.getElementById("kvs-value").value });
});

// ---- function test console ------------------------------------------------------------------
const SAMPLE_REQUEST = { method: "GET", uri: "/index.html", querystring: {}, headers: { host: { value: "example.org" } }, cookies: {} };
function sampleEvent(type) {
  const event = { version: "1.0", context: { eventType: type }, viewer: { ip: "198.51.100.11" }, request: SAMPLE_REQUEST };
  if (type === "viewer-response") event.response = { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {} };
  return JSON.stringify(event, null, 2);
}
const eventBox = document.getElementById("fn-event");
const eventType = document.getElementById("fn-event-type");
eventBox.value = sampleEvent("viewer-request");
eventType.addEventListener("change", () => (eventBox.value = sampleEvent(eventType.value)));
loaders.functions = async () => {
  const { functions } = await api("functions");
  const select = document.getElementById("fn-name");
  const chosen = select.value;
  select.replaceChildren(...functions.map((f) => el("option", { value: f.name }, `${f.name} (${f.status})`)));
  if (chosen) select.value = chosen;
};
document.getElementById("fn-test").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = document.getElementById("fn-result");
  out.textContent = "running…";
  try {
    const r = await api("functions/test", { name: document.getElementById("fn-name").value, stage: document.getElementById("fn-stage").value, event: eventBox.value });
    let output = r.FunctionOutput;
    try {
      output = JSON.stringify(JSON.parse(r.FunctionOutput), null, 2);
    } catch {
      // Shown as it came.
    }
    out.textContent = [r.FunctionErrorMessage ? "Error: " + r.FunctionErrorMessage : "", "Compute utilization: " + r.ComputeUtilization, "Logs:", ...(r.FunctionExecutionLogs || []), "Output:", output].filter(Boolean).join("\n");
  } catch (err) {
    out.textContent = err.message;
  }
});

// ---- log files ------------------------------------------------------------------------------
async function loadLogs() {
  const { files } = await api("logs");
  document.querySelector("#logs tbody").replaceChildren(
    ...files.map((f) =>
      el(
        "tr",
        {},
        el("td", {}, f.distributionId),
        el("td", {}, f.bucket),
        el("td", { className: "path" }, el("a", { href: `${BASE}/api/logs/download?bucket=${encodeURIComponent(f.bucket)}&key=${encodeURIComponent(f.key)}` }, f.key)),
        el("td", {}, f.size),
        el("td", {}, new Date(f.lastModified).toISOString()),
      ),
    ),
  );
}
loaders.logs = loadLogs;
document.getElementById("logs-refresh").addEventListener("click", loadLogs);

// ---- access warnings ------------------------------------------------------------------------
async function loadWarnings() {
  const { warnings } = await api("warnings");
  document.getElementById("warning-count").textContent = warnings.length ? String(warnings.length) : "";
  document.getElementById("warnings").replaceChildren(...warnings.map((w) => el("li", { className: "warning" }, w)));
}
loaders.warnings = loadWarnings;
/** Every denial is an event: the list is fetched at most once a second. */
let warningsTimer;
function loadWarningsSoon() {
  warningsTimer ??= setTimeout(() => {
    warningsTimer = undefined;
    loadWarnings().catch(() => {});
  }, 1000);
}

startFeed();
loadWarnings();
