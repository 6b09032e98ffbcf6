import { announceNodeVersion } from "../../local/node-version-notice";

/**
 * Vitest global setup: on Node 20 the SDK's Node notice once for the whole run instead of once per
 * test file; the switch it sets reaches every worker, which starts after this, through the environment.
 */
export default function setup(): void {
  announceNodeVersion();
}
