import type { IncomingMessage } from "node:http";
import { badRequest } from "./bot-api-error.ts";

/** A JSON or form-encoded body as a plain object (the query string is merged in by the caller). */
export async function readRequestBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw.trim() === "") return {};
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(raw));
  if (type === "multipart/form-data") throw badRequest("multipart uploads are not supported by the sandbox");
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to Telegram's answer for an unreadable body
  }
  throw badRequest("can't parse request JSON object");
}
