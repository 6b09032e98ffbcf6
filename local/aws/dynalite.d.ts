// dynalite ships no types; this covers the one factory the local DynamoDB proxy calls.
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** How long tables stay CREATING / DELETING / UPDATING; 0 makes them ACTIVE at once. */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    verbose?: boolean;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
