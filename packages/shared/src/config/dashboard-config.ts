import type { HostAndPort } from "./env-schemas.ts";
import { invalidProblem, missingProblem } from "./parse-env-variables.ts";

/** DASHBOARD_LISTEN and its credentials: where the bot serves the queue dashboard, and who may see it. */
export interface DashboardConfig {
  listen: HostAndPort;
  /** Basic auth; undefined only when `listen` is a loopback address. */
  credentials: { user: string; password: string } | undefined;
}

/** Shorter passwords fall to a guessing script in hours over HTTP basic auth. */
export const DASHBOARD_PASSWORD_MIN_LENGTH = 12;

/** 127.0.0.0/8, ::1 and localhost: reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The dashboard's settings, or the problems with them. The rules: the user and the password go
 * together; a dashboard reachable from other hosts (not bound to loopback) must have them, since
 * it shows every request's chat, title and failure; credentials without DASHBOARD_LISTEN are a
 * mistake worth saying.
 */
export function parseDashboardConfig(values: {
  listen: HostAndPort | undefined;
  user: string | undefined;
  password: string | undefined;
}): { dashboard: DashboardConfig | undefined; problems: string[] } {
  const { listen, user, password } = values;
  const problems: string[] = [];
  if (listen === undefined) {
    if (user !== undefined || password !== undefined) problems.push(missingProblem("DASHBOARD_LISTEN"));
    return { dashboard: undefined, problems };
  }
  if (user !== undefined && password === undefined) problems.push(missingProblem("DASHBOARD_PASSWORD"));
  if (password !== undefined && user === undefined) problems.push(missingProblem("DASHBOARD_USER"));
  if (password !== undefined && password.length < DASHBOARD_PASSWORD_MIN_LENGTH)
    problems.push(
      invalidProblem("DASHBOARD_PASSWORD", `shorter than ${DASHBOARD_PASSWORD_MIN_LENGTH} characters`),
    );
  if (user === undefined && password === undefined && !isLoopbackHost(listen.host))
    problems.push(
      `DASHBOARD_LISTEN=${listen.host}:${listen.port} is reachable from other hosts, so the dashboard needs ` +
        "DASHBOARD_USER and DASHBOARD_PASSWORD (basic auth); or bind it to 127.0.0.1 and reach it through an SSH tunnel",
    );
  if (problems.length > 0) return { dashboard: undefined, problems };
  const credentials = user !== undefined && password !== undefined ? { user, password } : undefined;
  return { dashboard: { listen, credentials }, problems };
}
