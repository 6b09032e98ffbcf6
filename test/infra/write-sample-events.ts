// Rewrites events/*.json from test/infra/sample-events.ts: `npx tsx test/infra/write-sample-events.ts`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSampleEvents, renderSampleEvent } from "./sample-events";

const eventsDir = fileURLToPath(new URL("../../events/", import.meta.url));

for (const [file, event] of Object.entries(buildSampleEvents())) {
  writeFileSync(`${eventsDir}${file}`, renderSampleEvent(event));
  console.log(`events/${file}`);
}
