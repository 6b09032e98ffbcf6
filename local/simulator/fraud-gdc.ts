import * as z from "zod";
import { missingValue } from "./api-errors";
import { contractRefusal } from "./fraud-contract";
import { jsonReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { parseRequest } from "./validation";

// POST /api/v2/check-gdc-api (markid-api.md §10.5; reply modelled on Mark ID's example).

const text = z.string().min(1).max(255).optional();
const gdcRequest = z.object({
  name: text,
  surname: text,
  ssnNumber: text,
  // The docs' table says MM/DD/YYYY, their example sends YYYY-MM-DD.
  dateOfBirth: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})$/, "must be a date as YYYY-MM-DD or MM/DD/YYYY")
    .optional(),
});

type GdcRequest = z.infer<typeof gdcRequest>;

/**
 * The reliability code follows from how much was given, so tests choose it: name, surname, ID
 * number and date of birth → 10 (pass); a name with one of the others → 20 (probable); anything
 * less → 30 (doubtful).
 */
function reliability(request: GdcRequest): "10" | "20" | "30" {
  const byName = request.name !== undefined && request.surname !== undefined;
  const extras = [request.ssnNumber, request.dateOfBirth].filter((value) => value !== undefined).length;
  if (byName && extras === 2) return "10";
  if (byName && extras === 1) return "20";
  return "30";
}

function checkGdc(context: RouteContext): Reply {
  const refused = contractRefusal(context.core, "fraud");
  if (refused !== undefined) return refused;
  const parsed = parseRequest(gdcRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;
  if (request.ssnNumber === undefined) {
    if (request.name === undefined) return missingValue("name");
    if (request.surname === undefined) return missingValue("surname");
  }
  const code = reliability(request);
  const matched = (element: string, given: boolean) =>
    given
      ? { code: `1MT--PRP1-${element}`, value: `Full match was made on ${element.toLowerCase()}` }
      : { code: `2AU-000-${element}`, value: `No match was made on ${element.toLowerCase()}` };
  const messages = [
    matched("COMPLETENAME", request.name !== undefined && request.surname !== undefined),
    matched("NATIONALID", request.ssnNumber !== undefined),
    matched("DATEOFBIRTH", request.dateOfBirth !== undefined),
  ];
  return jsonReply(200, {
    completename: [request.name, request.surname].filter(Boolean).join(" "),
    givenfullname: request.name ?? "",
    surname_first: request.surname ?? "",
    nationalid: request.ssnNumber ?? "",
    dob: usDate(request.dateOfBirth),
    countryCode: "US",
    codes: {
      reliability: code,
      adaptation: "0",
      detailCode: `SIM-${context.now}`,
      options: "identityverify;messageverbose",
      messages: [...messages, { code: "Codes", value: messages.map((message) => message.code).join(";") }],
    },
  });
}

/** The reply's `dob` is MM/DD/YYYY whatever the request used. */
function usDate(date: string | undefined): string {
  if (date === undefined) return "";
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return iso === null ? date : `${iso[2]}/${iso[3]}/${iso[1]}`;
}

export const gdcRoutes: RouteTable = {
  "/api/v2/check-gdc-api": { method: "POST", auth: true, handle: checkGdc },
};
