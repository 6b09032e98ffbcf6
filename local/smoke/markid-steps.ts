import { okAsync } from "neverthrow";
import { createMarkIdClient, describeMarkIdError } from "../../lib/markid/index";
import { short, type SmokeStep } from "./runner";

export interface MarkIdTarget {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

/**
 * Mark ID itself, with the user's key pair: a token for a dummy session (dummy statuses exist in
 * development environments only, so no person is involved), then its status. A token spends one
 * verification credit of the account.
 */
export function markIdSteps(target: MarkIdTarget, clientId: string): SmokeStep[] {
  const client = createMarkIdClient({
    baseUrl: target.baseUrl,
    credentials: () => okAsync({ apiKey: target.apiKey, apiSecret: target.apiSecret }),
  });
  let scanRef = "";
  return [
    {
      name: "Mark ID token",
      run: async () => {
        scanRef = await client.createToken({ clientId, dummyStatus: "APPROVED" }).match(
          (token) => token.scanRef,
          (error) => {
            throw new Error(`POST /api/v2/token: ${describeMarkIdError(error)}`);
          },
        );
        return `POST /api/v2/token → scanRef ${short(scanRef)} (clientId ${clientId}, dummy status APPROVED)`;
      },
    },
    {
      name: "Mark ID status",
      needs: ["Mark ID token"],
      run: async () => {
        const status = await client.getStatus(scanRef).match(
          (reply) => reply.status,
          (error) => {
            throw new Error(`POST /api/v2/status: ${describeMarkIdError(error)}`);
          },
        );
        return `POST /api/v2/status → ${status} for scanRef ${short(scanRef)}`;
      },
    },
  ];
}
