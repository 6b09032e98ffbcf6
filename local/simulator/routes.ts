import { deleteRoutes } from "./delete";
import { dummyStatusRoutes } from "./dummy-status";
import { fraudRoutes } from "./fraud-routes";
import { hostedPageRoutes } from "./hosted-pages";
import { processRoutes } from "./process";
import type { RouteTable } from "./route";
import { tokenRoutes } from "./token";
import { verificationDataRoutes } from "./verification-data";

/**
 * Every path the simulator serves (exact match). Endpoint groups live in their own files; a new
 * group (fraud, AML monitoring) exports its RouteTable and is spread in here.
 */
export const routes: RouteTable = {
  ...tokenRoutes,
  ...dummyStatusRoutes,
  ...processRoutes,
  ...verificationDataRoutes,
  ...deleteRoutes,
  ...fraudRoutes,
  ...hostedPageRoutes,
};
