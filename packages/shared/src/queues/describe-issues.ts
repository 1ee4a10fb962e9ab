import type { z } from "zod";

/** A zod error in one line ("requester.userId: Too small; title: ..."), for a log or an error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`).join("; ");
}
