import type { CallsViewDeps } from "../calls/calls-view.ts";
import type { UserTimeZones } from "../timezone/user-time-zones.ts";

/** What the results consumer needs to keep the calls registry and /calls messages up to date. */
export interface CallsResultsDeps extends Omit<CallsViewDeps, "api"> {
  timeZones: UserTimeZones;
}
