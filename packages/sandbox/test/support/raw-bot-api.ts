/** A Bot API call without grammY, for answers grammY would hide (status codes, conflicts). */
export async function callBotApi(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<{
  status: number;
  body: {
    ok: boolean;
    result?: unknown;
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  };
}> {
  const response = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
    ...(signal && { signal }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
