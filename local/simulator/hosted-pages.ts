import { missingValue, notFound } from "./api-errors";
import { textReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";

// Browser-facing pages: the redirect entry point (§5), a stand-in for the hosted UI and the files
// behind fileUrls. The UI and files live under /__ so nothing a test does leaves loopback.

function redirect(context: RouteContext): Reply {
  const authToken = context.query.get("authToken");
  if (authToken === null || authToken === "") return missingValue("authToken");
  return {
    status: 302,
    headers: { Location: `${context.core.baseUrl}/__ui/?authToken=${encodeURIComponent(authToken)}` },
  };
}

function hostedUi(context: RouteContext): Reply {
  const verification = context.core.state.getByAuthToken(context.query.get("authToken") ?? "");
  const state =
    verification === undefined
      ? "This session does not exist."
      : verification.tokenUsed || verification.expiresAt <= context.now
        ? "This session has expired."
        : "Session ready. Complete it with POST /api/v2/process (direct processing).";
  return textReply(
    200,
    `<!doctype html><html><head><title>Mark ID simulator</title></head><body><h1>Mark ID simulator</h1><p>${state}</p></body></html>`,
    "text/html; charset=utf-8",
  );
}

// The smallest valid PNG (1×1, transparent), so downloads of fileUrls get a real image.
const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

function file(context: RouteContext): Reply {
  const verification = context.core.state.get(context.query.get("scanRef") ?? "");
  const step = context.query.get("step") ?? "";
  const url = verification?.fileUrls?.[step];
  if (url === undefined || url === null) return notFound();
  return { status: 200, headers: { "Content-Type": "image/png" }, body: PIXEL_PNG };
}

export const hostedPageRoutes: RouteTable = {
  "/api/v2/redirect": { method: "GET", auth: false, handle: redirect },
  "/__ui/": { method: "GET", auth: false, handle: hostedUi },
  "/__files": { method: "GET", auth: false, handle: file },
};
