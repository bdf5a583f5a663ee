// Host header helpers shared by dispatch and the S3 router.

/** The host name of a Host header, lower-cased, without its port (IPv6 literals keep brackets). */
export function hostWithoutPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1).toLowerCase();
  // Without brackets a host has at most one colon, before the port (indexOf is cheaper than lastIndexOf).
  const colon = host.indexOf(":");
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}
