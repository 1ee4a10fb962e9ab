/** One line of the doctor's report: what was checked, how it went and, when not ok, what to do. */
export interface CheckResult {
  /** ok: fine; warn: works but deserves attention (does not fail the run); fail: fix before going live. */
  status: "ok" | "warn" | "fail";
  name: string;
  detail: string;
}

const MARK: Record<CheckResult["status"], string> = { ok: "✅", warn: "⚠️ ", fail: "❌" };

export function formatCheck(result: CheckResult): string {
  return `${MARK[result.status]} ${result.name}: ${result.detail}`;
}

/** 0 only when nothing failed: warnings are allowed. */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}
