import type { World } from "../../world/world.ts";
import type { DataCentre } from "../data-centres.ts";
import type { LoginDesk } from "../login/login-desk.ts";
import type { RegisteredAuthKey } from "../session/auth-key-registry.ts";
import type { WorldEvent } from "../updates/world-event-tap.ts";

/** What a method callable before login gets: the world, the data centres and the client's auth key. */
export interface AccountlessContext {
  world: World;
  /** Milliseconds since the epoch; the world's rules (schedule bounds, code expiry) use it. */
  now: number;
  /** The data centre this connection reached. */
  dc: DataCentre;
  /** Every data centre of the sandbox (help.getConfig's dc_options). */
  dataCentres: readonly DataCentre[];
  /** The auth key that signed the request; logging in binds it to an account. */
  authKey: RegisteredAuthKey;
  logins: LoginDesk;
}

// biome-ignore lint/suspicious/noExplicitAny: requests come from gramjs's untyped TL reader.
export type AccountlessHandler = (ctx: AccountlessContext, request: any) => TlAnswer;

/** What a method handler gets: the world, who is asking, and where the sandbox listens. */
export interface RequestContext {
  world: World;
  /** The account (user id) whose auth key signed the request. */
  accountId: number;
  /** Milliseconds since the epoch; the world's rules (schedule bounds) use it. */
  now: number;
  /**
   * Runs a world change and returns the events it emitted: they go in this request's Updates
   * rather than being pushed back to the same connection.
   */
  capture<T>(change: () => T): { value: T; events: WorldEvent[] };
}

/** A value a handler may return: any TL object, a Bool, or a Vector of TL objects. */
export type TlAnswer = { getBytes(): Buffer } | boolean | TlAnswer[];

// biome-ignore lint/suspicious/noExplicitAny: requests come from gramjs's untyped TL reader.
export type MethodHandler = (ctx: RequestContext, request: any) => TlAnswer;
