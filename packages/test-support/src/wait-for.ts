/**
 * Polls `check` until it returns something other than `undefined` or `false`, and returns that.
 * For state that has no event to listen to (Redis keys, job states, counters, a child's output);
 * never a fixed sleep. A check that throws is tried again: only when time is up does the error
 * say what was awaited and the last error the check threw, which is usually the real cause.
 *
 * @example
 * const job = await waitFor(async () => (await queue.getJobs()).find(isMine), "my job on the queue");
 * await waitFor(() => redis.status === "ready", "Redis to reconnect", 10_000);
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  /** @defaultValue 15000 */
  timeoutMs = 15_000,
  /** Pause between checks; longer when each check is itself an action (a user retrying). @defaultValue 25 */
  intervalMs = 25,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? "" : ` (last error: ${describe(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
