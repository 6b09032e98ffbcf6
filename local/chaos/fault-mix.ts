import { IDENTIFIER_FAULTS, TRANSPORT_FAULTS, UNKNOWN_IDENTIFIER, type WeightedFault } from "./markid-faults";

/*
 * The chaos run's Mark ID faults: every identifier and every transport class, weighted the way a
 * bad day looks — mostly transient (5xx, 429, INTERNAL_ERROR, resets), some refusals of the
 * caller's data, a trickle of the errors that alert and dead-letter. The token limit and a
 * rejected key pair are not drawn at random: the run causes them for real (balance 0, rotation).
 *
 * Left out: "reset after Mark ID handled it" (its flow path is the plain reset's, and the
 * simulator's log cannot tell which of the two made a token, so tokens per requestId could not be
 * counted exactly; the fault matrix covers it) and the plain 401-404 statuses (the matrix covers
 * them; drawn at random, a lone 402 would raise and resolve the token-limit alert every time).
 */
const WEIGHTS: Readonly<Record<string, number>> = {
  "HTML 502 from a gateway": 8,
  "HTML 503 from a gateway": 3,
  INTERNAL_ERROR: 5,
  "429 without identifier": 5,
  TOO_MANY_REQUESTS: 2,
  "connection reset before a reply": 2,
  "timeout (latency past the call timeout)": 1,
  "truncated JSON reply": 0.3,
  BAD_VALUE: 1,
  MISSING_VALUE: 1,
  VALIDATION_ERROR: 0.5,
  PARTNER_ERROR: 0.5,
  TOKEN_NOT_VALID: 0.5,
  JSON_ERROR: 0.3,
  ENCODING_ERROR: 0.3,
  METHOD_NOT_ALLOWED: 0.3,
  PERMISSIONS_ERROR: 0.3,
  PARTNER_CONTRACT_ERROR: 0.3,
  UNAUTHORIZED: 0.3,
  [`unknown identifier (${UNKNOWN_IDENTIFIER})`]: 0.3,
};

/** Every weighted class, scaled so the shares add up to `total`. */
export function chaosFaultMix(total: number): WeightedFault[] {
  const classes = [...IDENTIFIER_FAULTS, ...TRANSPORT_FAULTS].filter(
    (fault) => WEIGHTS[fault.label] !== undefined,
  );
  const sum = classes.reduce((acc, fault) => acc + (WEIGHTS[fault.label] ?? 0), 0);
  return classes.map((fault) => ({ fault, share: (total * (WEIGHTS[fault.label] ?? 0)) / sum }));
}
