import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";

/** The body of a webhook request was larger than allowed; the request is answered 413. */
export class WebhookBodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the webhook request body is larger than ${maxBytes} bytes`);
    this.name = "WebhookBodyTooLargeError";
  }
}

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * grammY's "http" adapter with a cap on the body. grammY checks the secret header before it
 * asks for the update, so a request without the secret is still refused (401) before a byte of
 * its body is read; one with the secret is read only up to `maxBytes`, and a larger one (by its
 * Content-Length, or once the bytes received pass the cap) is rejected with
 * WebhookBodyTooLargeError instead of being buffered whole.
 */
export function boundedHttpAdapter(maxBytes: number) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const secret = request.headers[SECRET_HEADER];
    return {
      get update(): Promise<Update> {
        return readJsonBody(request, maxBytes) as Promise<Update>;
      },
      header: Array.isArray(secret) ? secret[0] : secret,
      end: () => response.end(),
      respond: (json: string) => response.writeHead(200, { "Content-Type": "application/json" }).end(json),
      unauthorized: () => response.writeHead(401).end('"secret token is wrong"'),
      /** Nothing to hand back: the response is written to `response` (typed so webhookCallback returns Promise<void>). */
      handlerReturn: undefined,
    };
  };
}

function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? Number.NaN);
    if (declared > maxBytes) {
      reject(new WebhookBodyTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        request.off("data", onData);
        reject(new WebhookBodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    request
      .on("data", onData)
      .once("end", () => {
        if (received > maxBytes) return;
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf-8")));
        } catch (error) {
          reject(error);
        }
      })
      .once("error", reject);
  });
}
