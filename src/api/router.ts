// Maps an HTTP request (method, path, query) to an operation of a service model, from the URI
// templates in the model. Labels are percent-decoded; `{Label+}` is greedy. When two templates
// match (`POST /distribution` and `POST /distribution?WithTags`), the one with more literal path
// segments, then more literal query members, wins. The routes a path of n segments could match
// are listed once per method and n, in that order, so a request tries a handful of templates, not
// every one of its method.
import type { OperationModel, ServiceModel } from "./model.ts";

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  readonly op: OperationModel;
  readonly segments: readonly Segment[];
  readonly specificity: number;
  /** op.literalQuery's entries. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Whether the last segment is a greedy label (`{Key+}`), which takes one or more segments. */
  readonly greedy: boolean;
}

export interface RouteMatch {
  readonly op: OperationModel;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Router {
  match(method: string, path: string, query: URLSearchParams): RouteMatch | undefined;
}

export function createRouter(model: ServiceModel): Router {
  const byMethod = new Map<string, Route[]>();
  for (const op of model.operations.values()) {
    const segments = parsePathTemplate(op.pathTemplate);
    const literalSegments = segments.filter((s) => "literal" in s).length;
    const last = segments[segments.length - 1];
    const route: Route = {
      op,
      segments,
      specificity: literalSegments * 100 + Object.keys(op.literalQuery).length,
      query: Object.entries(op.literalQuery),
      greedy: last !== undefined && "greedy" in last && last.greedy,
    };
    const list = byMethod.get(op.method) ?? [];
    list.push(route);
    byMethod.set(op.method, list);
  }
  for (const list of byMethod.values()) list.sort((a, b) => b.specificity - a.specificity);
  // Method → segment count → the routes that can match that many segments, in specificity order.
  const byLength = new Map<string, Map<number, readonly Route[]>>();
  const candidates = (method: string, routes: readonly Route[], length: number): readonly Route[] => {
    let lengths = byLength.get(method);
    if (!lengths) byLength.set(method, (lengths = new Map()));
    let list = lengths.get(length);
    if (!list) {
      list = routes.filter((r) => (r.greedy ? length >= r.segments.length : length === r.segments.length));
      lengths.set(length, list);
    }
    return list;
  };

  return {
    match(method, path, query) {
      const routes = byMethod.get(method);
      if (!routes) return undefined;
      const parts = splitPath(path);
      if (!parts) return undefined;
      for (const route of candidates(method, routes, Math.min(parts.length, MAX_INDEXED_LENGTH))) {
        if (!queryMatches(route.query, query)) continue;
        const labels = matchSegments(route.segments, parts);
        if (labels) return { op: route.op, labels };
      }
      return undefined;
    },
  };
}

/**
 * Segment counts are indexed up to this (no template has more segments); a longer path (an S3 key
 * with many slashes) uses this count's list, which holds every greedy route, and matchSegments
 * refuses the fixed-length ones.
 */
const MAX_INDEXED_LENGTH = 32;

function parsePathTemplate(template: string): Segment[] {
  return template
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
      return m ? { label: m[1] as string, greedy: m[2] === "+" } : { literal: s };
    });
}

/** Raw path → decoded segments; undefined when the percent-encoding is malformed. */
function splitPath(path: string): string[] | undefined {
  try {
    return path
      .split("/")
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function queryMatches(literal: ReadonlyArray<readonly [string, string]>, query: URLSearchParams): boolean {
  for (const [k, v] of literal) {
    if (!query.has(k)) return false;
    if (v !== "" && query.get(k) !== v) return false;
  }
  return true;
}

function matchSegments(segments: readonly Segment[], parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    if ("literal" in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0) return undefined;
      labels[seg.label] = rest.join("/");
      return labels;
    }
    const part = parts[i];
    if (part === undefined || part === "") return undefined;
    labels[seg.label] = part;
  }
  return parts.length === segments.length ? labels : undefined;
}
