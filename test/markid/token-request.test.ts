import { describe, expect, it, vi } from "vitest";
import { tokenEndpoint } from "../../lib/markid/endpoints";
import { TOKEN_FIELD_GROUPS, TOKEN_GROUP_SHAPES } from "../../lib/markid/schemas/token-request-fields";
import { LOCALES, TOKEN_DOCUMENT_TYPES } from "../../lib/markid/schemas/token-vocabulary";

/** Field paths the token endpoint's encoder refuses for a request, or [] when it accepts it. */
const refused = (fields: Record<string, unknown>): string[] =>
  tokenEndpoint.encodeRequest({ clientId: "cust-1", ...fields }).match(
    () => [],
    (issues) => issues.map((issue) => issue.path).sort(),
  );

describe("token request: what the vendor documents is accepted (design.md §4.3)", () => {
  it("takes null for every field the vendor documents as nullable", () => {
    const nullable = [
      "firstName",
      "lastName",
      "locale",
      "country",
      "documents",
      "successUrl",
      "errorUrl",
      "unverifiedUrl",
      "callbackUrl",
      "utilityBill",
      "externalRef",
      "dateOfBirth",
      "nationality",
      "questionnaire",
      "theme",
      "registryCentersCountries",
    ];
    for (const field of nullable) expect(refused({ [field]: null }), field).toEqual([]);
  });

  it("takes iDenfy's settings with their documented types", () => {
    expect(
      refused({
        checkAml: true,
        checkLid: false,
        checkCriminal: true,
        ageLimit: 18,
        ageMax: 65,
        questionnaire: "onboarding-v2",
        questionnaireRequired: false,
        riskAssessmentProfile: "6f1c2a9e-0d3b-4c7a-9b1e-2f4d5a6b7c8d",
        verifyEmail: true,
        verifyPhone: true,
        nfcOptional: true,
        allowBsnMasking: false,
        registryCentersCountries: ["LT", "lv"],
      }),
    ).toEqual([]);
  });

  it("takes every documented document type, and a new one of the same shape", () => {
    expect(refused({ documents: [...TOKEN_DOCUMENT_TYPES, "MOBILE_DRIVER_LICENSE"] })).toEqual([]);
  });

  it("takes locales beyond Mark ID's sixteen, in the shape iDenfy allows", () => {
    expect(refused({ locale: "pt" })).toEqual([]);
    expect(refused({ locale: "pt-BR" })).toEqual([]);
    for (const locale of LOCALES) expect(refused({ locale })).toEqual([]);
  });

  it("takes a country in either case or as a list, and expiryTime 0", () => {
    expect(refused({ country: "lt", nationality: "lt" })).toEqual([]);
    expect(refused({ country: ["US", "gb", "DE"] })).toEqual([]);
    expect(refused({ nationality: "ALL" })).toEqual([]);
    expect(refused({ expiryTime: 0 })).toEqual([]);
  });

  it("takes plain-http redirects to loopback only", () => {
    for (const url of ["http://localhost:3000/ok", "http://127.0.0.1/ok", "http://[::1]:8080/ok"]) {
      expect(refused({ successUrl: url }), url).toEqual([]);
    }
    expect(refused({ errorUrl: "http://localhost.example.com/x" })).toEqual(["errorUrl"]);
  });

  it("still refuses a field outside the documented set by name, with the other problems", () => {
    expect(refused({ checkAMl: true, expiryTime: -5, personScanref: "x" })).toEqual([
      "checkAMl",
      "expiryTime",
      "personScanref",
    ]);
  });

  it("refuses an input that is not an object, without throwing", () => {
    for (const input of [null, [], "clientId", 7]) {
      const issues = tokenEndpoint.encodeRequest(input as never)._unsafeUnwrapErr();
      expect(issues.map((issue) => issue.path)).toEqual(["(root)"]);
    }
  });
});

describe("token request field groups", () => {
  it("list exactly the fields of their shapes, each in one group", () => {
    const listed = Object.values(TOKEN_FIELD_GROUPS).flat();
    expect(new Set(listed).size).toBe(listed.length);
    for (const [group, names] of Object.entries(TOKEN_FIELD_GROUPS)) {
      const shape = TOKEN_GROUP_SHAPES[group as keyof typeof TOKEN_FIELD_GROUPS]();
      expect(Object.keys(shape).sort(), group).toEqual([...names].sort());
    }
  });

  it("are built when a request first uses them, not at load", async () => {
    vi.resetModules();
    const { builtTokenFieldGroups, checkTokenRequest } =
      await import("../../lib/markid/schemas/token-request");
    expect(builtTokenFieldGroups()).toEqual([]);
    expect(checkTokenRequest({ clientId: "c" }).isOk()).toBe(true);
    expect(builtTokenFieldGroups()).toEqual(["session"]);
    expect(checkTokenRequest({ clientId: "c", checkAml: true, dateOfBirth: "1990-01-01" }).isOk()).toBe(true);
    expect(builtTokenFieldGroups()).toEqual(["session", "personal", "idenfySettings"]);
  });
});
