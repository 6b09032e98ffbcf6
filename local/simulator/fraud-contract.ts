import { apiError } from "./api-errors";
import type { SimulatorCore } from "./core";
import type { Reply } from "./reply";

/**
 * Which contract flag covers a service, the same split the token endpoint applies to
 * `fraudServices`: `aml` for AML screening (names, adverse media, companies) and AML monitoring,
 * `fraud` for everything else under /fraud (probability, proxy, LID, phone, SMS) and the global
 * data sources check.
 */
export type ContractedGroup = "fraud" | "aml";

const REFUSALS: Readonly<Record<ContractedGroup, string>> = {
  fraud: "Fraud prevention services are not allowed by the partner contract.",
  aml: "AML services are not allowed by the partner contract.",
};

/** PARTNER_CONTRACT_ERROR when the group is not in the contract, else undefined. */
export function contractRefusal(core: SimulatorCore, group: ContractedGroup): Reply | undefined {
  return core.state.contract[group] ? undefined : apiError("PARTNER_CONTRACT_ERROR", REFUSALS[group]);
}
