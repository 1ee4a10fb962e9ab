/**
 * Runs `attempt` until it succeeds, once every `everyMs`, for at most `withinMs`; resolves true
 * on success, false when the time is up. For a write the bot owes Redis while Redis is away: a
 * command on a connection without an offline queue fails at once, so waiting means trying again.
 * Only Redis is asked: this never loops on Telegram.
 */
export async function retryUntilRedisAnswers(
  attempt: () => Promise<unknown>,
  timing: { everyMs: number; withinMs: number },
): Promise<boolean> {
  const giveUpAt = Date.now() + timing.withinMs;
  for (;;) {
    try {
      await attempt();
      return true;
    } catch {
      if (Date.now() + timing.everyMs > giveUpAt) return false;
      await new Promise((resolve) => setTimeout(resolve, timing.everyMs));
    }
  }
}
