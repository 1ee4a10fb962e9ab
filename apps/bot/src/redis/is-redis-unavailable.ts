/**
 * Whether an error means "Redis cannot be reached right now" (as opposed to a bug). The bot's
 * command connection has no offline queue, so these arrive at once when Redis is down, which is
 * what lets the user hear "could not queue" within about a second rather than never.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "MaxRetriesPerRequestError") return true;
  return /enableOfflineQueue|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|LOADING|READONLY/i.test(
    error.message,
  );
}
