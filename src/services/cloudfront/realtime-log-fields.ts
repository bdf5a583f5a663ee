// The fields a real-time log record can carry, in the one order CloudFront writes them whatever order
// the configuration lists them in (CloudFront Developer Guide, "Real-time logs", "Real-time log
// configuration fields", and "Creating a Kinesis Data Streams consumer": "the fields in every
// real-time log record are always delivered in the same order"). The guide's list grew over time
// (CMCD fields, primary-distribution-*, then s-ip, r-host, sr-reason, x-edge-mqcs,
// distribution-tenant-id, connection-id); the places of the newest ones follow the current list as
// reproduced by tools that parse these records, and the two CloudFront Functions log-data fields
// come last (their place is unverified). Used by the API (which names it accepts, the order
// RealtimeLogConfig.Fields is answered in) and by the edge (the order a record is written in).

export const REALTIME_LOG_FIELDS = [
  "timestamp", "c-ip", "s-ip", "time-to-first-byte", "sc-status", "sc-bytes", "cs-method", "cs-protocol", "cs-host", "cs-uri-stem",
  "cs-bytes", "x-edge-location", "x-edge-request-id", "x-host-header", "time-taken", "cs-protocol-version", "c-ip-version", "cs-user-agent", "cs-referer", "cs-cookie",
  "cs-uri-query", "x-edge-response-result-type", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-result-type", "fle-encrypted-fields", "fle-status", "sc-content-type", "sc-content-len",
  "sc-range-start", "sc-range-end", "c-port", "x-edge-detailed-result-type", "c-country", "cs-accept-encoding", "cs-accept", "cache-behavior-path-pattern", "cs-headers", "cs-header-names",
  "cs-headers-count", "primary-distribution-id", "primary-distribution-dns-name", "origin-fbl", "origin-lbl", "asn",
  "cmcd-encoded-bitrate", "cmcd-buffer-length", "cmcd-buffer-starvation", "cmcd-content-id", "cmcd-object-duration", "cmcd-deadline", "cmcd-measured-throughput", "cmcd-next-object-request", "cmcd-next-range-request", "cmcd-object-type",
  "cmcd-playback-rate", "cmcd-requested-maximum-throughput", "cmcd-streaming-format", "cmcd-session-id", "cmcd-stream-type", "cmcd-startup", "cmcd-top-bitrate", "cmcd-version",
  "r-host", "sr-reason", "x-edge-mqcs", "distribution-tenant-id", "connection-id", "viewer-request-log-data", "viewer-response-log-data",
] as const;

export type RealtimeLogField = (typeof REALTIME_LOG_FIELDS)[number];

const POSITION: ReadonlyMap<string, number> = new Map(REALTIME_LOG_FIELDS.map((f, i) => [f, i]));

export function isRealtimeLogField(name: string): name is RealtimeLogField {
  return POSITION.has(name);
}

/** Known field names in CloudFront's record order, each once (what a config keeps and answers with). */
export function inRecordOrder(fields: readonly string[]): RealtimeLogField[] {
  const unique = [...new Set(fields)].filter(isRealtimeLogField);
  return unique.sort((a, b) => (POSITION.get(a) as number) - (POSITION.get(b) as number));
}
