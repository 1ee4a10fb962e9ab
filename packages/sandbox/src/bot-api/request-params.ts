import { badRequest } from "./bot-api-error.ts";

/**
 * A Bot API call's parameters, from a JSON body, a form body or the query string. Form and query
 * values arrive as strings (objects as JSON text), so every reader coerces the way Telegram does.
 */
export class RequestParams {
  constructor(private readonly values: Record<string, unknown>) {}

  static fromSources(query: URLSearchParams, body: Record<string, unknown>): RequestParams {
    const values: Record<string, unknown> = {};
    for (const [key, value] of query) values[key] = value;
    return new RequestParams({ ...values, ...body });
  }

  has(name: string): boolean {
    const value = this.values[name];
    return value !== undefined && value !== null && value !== "";
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  optString(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw badRequest(`${name} must be a string`);
  }

  optInt(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
    if (!Number.isInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
    return number;
  }

  int(name: string, emptyReason = `${name} is empty`): number {
    const value = this.optInt(name);
    if (value === undefined) throw badRequest(emptyReason);
    return value;
  }

  optBool(name: string): boolean | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "1" || value === 1) return true;
    if (value === "false" || value === "0" || value === 0) return false;
    throw badRequest(`field "${name}" must be of type Boolean`);
  }

  /** An object field: JSON bodies carry it as is, form bodies as JSON text. */
  optJson<T = unknown>(name: string): T | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** chat_id: an integer, or "@username" of a public chat. */
  chatId(name = "chat_id"): number | string {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
    if (typeof value === "number") return value;
    if (typeof value === "string") {
      if (/^-?\d+$/.test(value)) return Number(value);
      if (value.startsWith("@")) return value;
    }
    throw badRequest("chat not found");
  }
}
