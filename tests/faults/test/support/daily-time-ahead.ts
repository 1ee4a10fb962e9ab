/**
 * A daily time about 3 hours ahead ("HH:MM", read in UTC; 2-3 hours ahead in the demo users' zone),
 * so that only today's occurrence is due when the rule is made. A fixed "18:00" made these tests
 * depend on the hour they ran: within the hour before it, tomorrow's occurrence is due too (the
 * lead's hour of slack), which tests/e2e's recurring-pipeline covers on its own.
 */
export function dailyTimeAhead(): string {
  const at = new Date(Date.now() + 3 * 3_600_000);
  return `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
}
