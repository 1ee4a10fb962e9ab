/** One data centre of the sandbox: its id and where it listens. */
export interface DataCentre {
  id: number;
  host: string;
  port: number;
}

/** The data centre that issues the sandbox's sessions and where logins start (Telegram's DC 2 in Europe). */
export const HOME_DC_ID = 2;
/**
 * A second data centre on its own port, so that accounts living elsewhere get PHONE_MIGRATE_4
 * and the client moves, as with Telegram (core.telegram.org/api/datacenter).
 */
export const SECOND_DC_ID = 4;
