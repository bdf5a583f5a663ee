// Custom policies of signed URLs and cookies (docs/signed-urls.md §4): the JSON statement CloudFront
// accepts (one statement, Resource, DateLessThan, DateGreaterThan, IpAddress), parsed strictly;
// anything else is a MalformedPolicy with a reason.
import { BlockList, isIPv4 } from "node:net";
import { compileResource } from "./signed-resource.ts";

export interface PolicyStatement {
  readonly resource: string | undefined;
  /** Epoch seconds. */
  readonly dateLessThan: number;
  readonly dateGreaterThan: number | undefined;
  readonly sourceIp: { readonly cidr: string; matches(ip: string): boolean } | undefined;
}

/** docs/signed-urls.md §4 custom policy: one statement (an array of one, or a bare object); a string says what is wrong. */
export function parseCustomPolicy(bytes: Buffer): PolicyStatement | string {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    return "the Policy is not JSON";
  }
  if (!isObject(doc)) return "the Policy is not a JSON object";
  const statements = Array.isArray(doc["Statement"]) ? doc["Statement"] : [doc["Statement"]];
  if (statements.length !== 1 || !isObject(statements[0])) return "the Policy must have exactly one Statement";
  const s = statements[0];
  const resource = s["Resource"];
  if (resource !== undefined && typeof resource !== "string") return "Resource must be a string";
  if (typeof resource === "string" && compileResource(resource) === undefined) return `Resource ${resource} does not start with http://, https:// or *`;
  const condition = s["Condition"];
  if (!isObject(condition)) return "the Statement has no Condition";
  for (const name of Object.keys(condition)) {
    if (name !== "DateLessThan" && name !== "DateGreaterThan" && name !== "IpAddress") return `unknown condition ${name}`;
  }
  const dateLessThan = epochSeconds(condition["DateLessThan"]);
  if (dateLessThan === undefined) return "DateLessThan needs an AWS:EpochTime number";
  let dateGreaterThan: number | undefined;
  if (condition["DateGreaterThan"] !== undefined) {
    dateGreaterThan = epochSeconds(condition["DateGreaterThan"]);
    if (dateGreaterThan === undefined) return "DateGreaterThan needs an AWS:EpochTime number";
  }
  let sourceIp: PolicyStatement["sourceIp"];
  if (condition["IpAddress"] !== undefined) {
    const cidr = isObject(condition["IpAddress"]) ? condition["IpAddress"]["AWS:SourceIp"] : undefined;
    sourceIp = typeof cidr === "string" ? ipv4Range(cidr) : undefined;
    if (sourceIp === undefined) return "IpAddress needs one AWS:SourceIp IPv4 address or CIDR range";
  }
  return { resource, dateLessThan, dateGreaterThan, sourceIp };
}

/** `{"AWS:EpochTime": <integer>}` → the integer (docs/signed-urls.md §4: unquoted whole numbers). */
function epochSeconds(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  const t = value["AWS:EpochTime"];
  return typeof t === "number" && Number.isInteger(t) && t >= 0 ? t : undefined;
}

/** One IPv4 address or CIDR range (docs/signed-urls.md §4 "only one range"); a bare address means /32. */
function ipv4Range(cidr: string): PolicyStatement["sourceIp"] {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!m || !isIPv4(m[1] as string)) return undefined;
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  if (prefix > 32) return undefined;
  const list = new BlockList();
  list.addSubnet(m[1] as string, prefix, "ipv4");
  return {
    cidr,
    matches(ip: string) {
      const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
      return isIPv4(v4) && list.check(v4, "ipv4");
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
