import type { WorldChat } from "../../world/types.ts";
import { TlWriter } from "../tl/tl-writer.ts";
import type { SerializedUpdates } from "../updates/updates-from-events.ts";
import type { RequestContext } from "./request-context.ts";
import { writeUpdates } from "./tl-mappers.ts";

/**
 * An Updates answer that carries only the chat (and the account itself): what a join answers
 * with, so that the client learns the chat's access hash. Telegram adds a service message about
 * the join; the sandbox posts none (a known gap, see the fidelity ledger).
 */
export function updatesWithChat(ctx: RequestContext, chat: WorldChat): SerializedUpdates {
  const self = ctx.world.getUser(ctx.accountId);
  const writer = new TlWriter();
  writeUpdates(writer, ctx.world, [], self ? [self] : [], [chat], ctx.accountId);
  const bytes = writer.finish();
  return { bytes, updateCount: 0, getBytes: () => bytes };
}
