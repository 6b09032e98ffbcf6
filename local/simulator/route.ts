import type { SimulatorCore } from "./core";
import type { Reply } from "./reply";

/** What a route handler gets: the parsed JSON object body (empty for GET) and the simulator. */
export interface RouteContext {
  readonly core: SimulatorCore;
  readonly body: Readonly<Record<string, unknown>>;
  readonly query: URLSearchParams;
  readonly now: number;
}

export interface Route {
  /** The one method the endpoint accepts; any other gets METHOD_NOT_ALLOWED. */
  readonly method: "GET" | "POST";
  /** Basic auth required (every API endpoint except the browser redirect). */
  readonly auth: boolean;
  readonly handle: (context: RouteContext) => Reply | Promise<Reply>;
}

/** Endpoint groups export one of these; routes.ts merges them into the server's table. */
export type RouteTable = Readonly<Record<string, Route>>;
