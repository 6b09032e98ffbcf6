import * as z from "zod";
import { apiError, badValue, missingValue } from "./api-errors";
import { contractRefusal } from "./fraud-contract";
import {
  adverseMediaArticles,
  checkDate,
  companyHits,
  DEFAULT_PROBABILITY,
  hitData,
  INVALID_LID_DOCUMENT,
  normaliseName,
  personHits,
  requestUid,
  serviceResult,
  type ServiceGroup,
} from "./fraud-watchlist";
import { jsonReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import type { Verification } from "./state";
import { alpha2, isoDate, parseRequest, scanRefField } from "./validation";

// POST /fraud/check (markid-api.md §10.3 and Mark ID's AML API page).

export const DATA_LENGTH_MESSAGE = "Incorrect request: data length must be 1";

const SERVICES = ["AML", "COMPANY", "LID"] as const;
type Service = (typeof SERVICES)[number];

// Checked in two steps: the envelope first, so a wrong number of entries gets Mark ID's own
// message before any entry is looked at.
const envelope = z.object({
  mode: z.enum(["IDENTIFICATION", "DATA"]),
  services: z.array(z.enum(SERVICES)).min(1),
  data: z.array(z.unknown()),
});

const text = z.string().min(1).optional();
const entry = z.object({
  scanRef: scanRefField.optional(),
  name: text,
  surname: text,
  nameCheck: z.boolean().optional(),
  negativeNews: z.boolean().optional(),
  probability: z.int().min(1).max(100).optional(),
  dateOfBirth: isoDate.optional(),
  nationality: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 3166-1 alpha-3 code (e.g. LTU)")
    .optional(),
  country: alpha2.optional(),
  companyName: text,
  type: text,
  number: text,
});
const fullRequest = envelope.extend({ data: z.array(entry) });

type Entry = z.infer<typeof entry>;

/** What a check looks at, from the request (DATA) or from the verification (IDENTIFICATION). */
interface Subject {
  readonly fullName: string;
  readonly companyName: string | undefined;
  readonly documentNumber: string | undefined;
  readonly documentType: string | undefined;
  readonly country: string | undefined;
}

/** Which contract flag each service needs (see fraud-contract.ts). */
const CONTRACT_GROUP = { AML: "aml", COMPANY: "aml", LID: "fraud" } as const;

const DATA_MODE_FIELD: Readonly<Record<Service, keyof Entry>> = {
  AML: "name",
  COMPANY: "companyName",
  LID: "country",
};

function fraudCheck(context: RouteContext): Reply {
  const outer = parseRequest(envelope, context.body);
  if (!outer.ok) return outer.reply;
  if (outer.value.data.length !== 1) return apiError("BAD_VALUE", DATA_LENGTH_MESSAGE);
  const parsed = parseRequest(fullRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const { mode, data } = parsed.value;
  const services = [...new Set(parsed.value.services)];
  const request = data[0] as Entry;

  for (const service of services) {
    const refused = contractRefusal(context.core, CONTRACT_GROUP[service]);
    if (refused !== undefined) return refused;
  }

  let subject: Subject;
  if (mode === "IDENTIFICATION") {
    if (request.scanRef === undefined) return missingValue("data.0.scanRef");
    const verification = context.core.state.get(request.scanRef);
    if (verification === undefined) return badValue("data.0.scanRef", "no verification with this scanRef");
    subject = verificationSubject(verification);
  } else {
    const absent = services.find((service) => request[DATA_MODE_FIELD[service]] === undefined);
    if (absent !== undefined) return missingValue(`data.0.${DATA_MODE_FIELD[absent]}`);
    subject = {
      fullName: normaliseName(request.name, request.surname),
      companyName: request.companyName,
      documentNumber: request.number,
      documentType: request.type,
      country: request.country,
    };
  }

  const uid = requestUid();
  const results: Partial<Record<ServiceGroup, Record<string, unknown>[]>> = {};
  const add = (group: ServiceGroup, result: Record<string, unknown>) => {
    (results[group] ??= []).push(result);
  };
  for (const service of services) {
    for (const [group, result] of serviceResults(service, subject, request, uid, context.now))
      add(group, result);
  }
  return jsonReply(200, results);
}

function verificationSubject(verification: Verification): Subject {
  const data = verification.data ?? {};
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return {
    fullName: normaliseName(
      text(data["docFirstName"]) ?? text(verification.token["firstName"]),
      text(data["docLastName"]) ?? text(verification.token["lastName"]),
    ),
    companyName: undefined,
    documentNumber: text(data["docNumber"]),
    documentType: text(data["docType"]),
    country: text(data["docIssuingCountry"]),
  };
}

type GroupResult = readonly [ServiceGroup, Record<string, unknown>];

function serviceResults(
  service: Service,
  subject: Subject,
  request: Entry,
  uid: string,
  now: number,
): GroupResult[] {
  switch (service) {
    case "AML":
      return amlResults(subject, request, uid, now);
    case "COMPANY":
      return companyResults(subject, request, uid, now);
    case "LID":
      return [["LID", lidResult(subject, uid, now)]];
  }
}

function amlResults(subject: Subject, request: Entry, uid: string, now: number): GroupResult[] {
  const results: GroupResult[] = [];
  if (subject.fullName === "") {
    // IDENTIFICATION of a verification whose document was never read: nothing to screen.
    const noData = {
      group: "AML",
      uid,
      data: [],
      suspected: false,
      errorMessage: "No data to check.",
    } as const;
    return [["AML", serviceResult({ ...noData, serviceName: "PilotApiAmlV2NameCheck" })]];
  }
  if (request.nameCheck ?? true) {
    const hits = personHits(subject.fullName, request.probability ?? DEFAULT_PROBABILITY);
    const data = hits.map((hit) => hitData(hit, now));
    const outcome = {
      serviceName: "PilotApiAmlV2NameCheck",
      group: "AML",
      uid,
      data,
      suspected: hits.length > 0,
    } as const;
    results.push(["AML", serviceResult(outcome)]);
  }
  if (request.negativeNews ?? false) results.push(["AML", negativeNewsResult(subject.fullName, uid, now)]);
  return results;
}

function negativeNewsResult(subject: string, uid: string, now: number): Record<string, unknown> {
  const articles = adverseMediaArticles(subject, now);
  return serviceResult({
    serviceName: "PilotApiAmlV2NegativeNews",
    group: "AML",
    uid,
    data: articles,
    suspected: articles.length > 0,
  });
}

/** Shaped like Mark ID's COMPANY example: a risk report with the hits on sanctions lists. */
function companyResults(subject: Subject, request: Entry, uid: string, now: number): GroupResult[] {
  const name = subject.companyName ?? "";
  const hits = companyHits(name);
  const country = subject.country ?? null;
  const report = {
    result: {
      Name: name,
      Residence: country,
      CompanyHasHits: String(hits.length > 0),
      ScoreAml: hits.length > 0 ? "2" : "1",
      RiskAml: hits.length > 0 ? "M" : "L",
      RiskElements:
        hits.length > 0
          ? [
              {
                RiskName: "CompanyHasHits",
                Explanation: "The company's name is similar to names on sanctions' lists.",
              },
            ]
          : [],
      HitsOnLists: hits.map((hit) => ({
        Name: hit.name,
        Reason: hit.reason,
        HitType: hit.suspicion === "SANCTION" ? "Sanction" : hit.suspicion,
        ListNumber: hit.listNumber,
        ListName: hit.listName,
        Score: String(hit.score),
        IsPerson: "false",
        IsActive: String(hit.isActive),
      })),
      CompaniesFound: [],
    },
    companyName: name,
    country,
  };
  const results: GroupResult[] = [
    [
      "COMPANY",
      serviceResult({
        serviceName: "CompanyCheck",
        group: "COMPANY",
        uid,
        data: [report],
        suspected: hits.length > 0,
      }),
    ],
  ];
  // As in Mark ID's example, adverse media on a company comes back under AML.
  if (request.negativeNews ?? false) results.push(["AML", negativeNewsResult(normaliseName(name), uid, now)]);
  return results;
}

/** The lost and invalid documents register is Lithuanian: any other country has no service. */
function lidResult(subject: Subject, uid: string, now: number): Record<string, unknown> {
  const base = { serviceName: "IrdInvalidPapers", group: "LID", uid } as const;
  if (subject.country?.toUpperCase() !== "LT") {
    return serviceResult({ ...base, data: [], suspected: false, serviceFound: false });
  }
  const invalid = subject.documentNumber === INVALID_LID_DOCUMENT;
  const data = invalid
    ? [
        {
          documentNumber: subject.documentNumber,
          documentType: subject.documentType ?? null,
          valid: false,
          expiryDate: "2018-03-21",
          checkDate: checkDate(now),
        },
      ]
    : [];
  return serviceResult({ ...base, data, suspected: invalid });
}

export const fraudCheckRoutes: RouteTable = {
  "/fraud/check": { method: "POST", auth: true, handle: fraudCheck },
};
