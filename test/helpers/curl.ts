// curl for the end-to-end suites: whether it is installed, so its tests skip cleanly where not.
import { execFileSync } from "node:child_process";

export function hasCurl(): boolean {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
