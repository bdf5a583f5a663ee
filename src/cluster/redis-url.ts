/** A Redis URL as logs and the start-up banner show it: without its password. */
export function displayRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
