import { amlMonitoringRoutes } from "./aml-monitoring";
import { fraudCheckRoutes } from "./fraud-check";
import { gdcRoutes } from "./fraud-gdc";
import { fraudPhoneRoutes } from "./fraud-phone";
import { fraudSignalRoutes } from "./fraud-signals";
import type { RouteTable } from "./route";

/** Fraud prevention and AML services (markid-api.md §10), one table for routes.ts to spread. */
export const fraudRoutes: RouteTable = {
  ...fraudSignalRoutes,
  ...fraudCheckRoutes,
  ...amlMonitoringRoutes,
  ...gdcRoutes,
  ...fraudPhoneRoutes,
};
