import type { ServerResponse } from "node:http";
import type { AwsError } from "./aws-errors";

/*
 * The AWS query protocol as SNS speaks it: a form-encoded POST (`Action=Publish&Version=...`)
 * answered by XML. The SDK's parser takes the root element's `<Action>Result` child for the
 * output and `<Error><Code>` for errors; the namespace and `ResponseMetadata` are what real SNS
 * sends. Hand-written rather than through an XML library: the replies are a handful of flat
 * elements and the only subtlety is escaping.
 */

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#xD;",
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

/** `<name>escaped text</name>` */
export function xmlText(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>`, the children already being XML. */
function xmlElement(name: string, ...children: readonly string[]): string {
  return `<${name}>${children.join("")}</${name}>`;
}

/** A query-protocol list: `<name><member>..</member>...</name>`. */
export function xmlMembers(name: string, members: readonly string[]): string {
  return xmlElement(name, ...members.map((m) => xmlElement("member", m)));
}

/** A query-protocol map: `<name><entry><key>k</key><value>v</value></entry>...</name>`. */
export function xmlEntries(name: string, entries: Readonly<Record<string, string>>): string {
  return xmlElement(
    name,
    ...Object.entries(entries).map(([key, value]) =>
      xmlElement("entry", xmlText("key", key), xmlText("value", value)),
    ),
  );
}

/**
 * Indexed parameters under a prefix, in index order: for `MessageAttributes.entry`,
 * `MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String` gives
 * `[{ Name: "a", "Value.DataType": "String" }]`.
 */
export function indexedParams(params: URLSearchParams, prefix: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const head = `${prefix}.`;
  for (const [key, value] of params) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf(".");
    if (dot <= 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index)) continue;
    const entry = byIndex.get(index) ?? {};
    entry[rest.slice(dot + 1)] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

/** A query-protocol map parameter (`Attributes.entry.N.key` / `.value`) as a record. */
export function mapParam(params: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of indexedParams(params, `${prefix}.entry`)) {
    if (entry.key !== undefined) out[entry.key] = entry.value ?? "";
  }
  return out;
}

export function writeQueryReply(
  res: ServerResponse,
  xmlns: string,
  action: string,
  requestId: string,
  result: string | undefined,
): void {
  const payload =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${xmlns}">` +
    (result === undefined ? "" : xmlElement(`${action}Result`, result)) +
    xmlElement("ResponseMetadata", xmlText("RequestId", requestId)) +
    `</${action}Response>`;
  writeXml(res, 200, requestId, payload);
}

export function writeQueryError(
  res: ServerResponse,
  xmlns: string,
  requestId: string,
  error: AwsError,
): void {
  const payload =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${xmlns}">` +
    xmlElement(
      "Error",
      xmlText("Type", error.side),
      xmlText("Code", error.code),
      xmlText("Message", error.message),
    ) +
    xmlText("RequestId", requestId) +
    `</ErrorResponse>`;
  writeXml(res, error.status, requestId, payload);
}

function writeXml(res: ServerResponse, status: number, requestId: string, payload: string): void {
  res.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": requestId,
  });
  res.end(payload);
}
