// Host header helpers shared by dispatch and the S3 router.

/** The host name of a Host header, lower-cased, without its port (IPv6 literals keep brackets). */
export function hostWithoutPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1).toLowerCase();
  const colon = host.lastIndexOf(":");
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}
