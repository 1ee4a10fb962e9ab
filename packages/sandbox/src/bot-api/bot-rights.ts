import type { AdminRights, WorldChat } from "../world/types.ts";
import type { World } from "../world/world.ts";

/** The bot's own admin rights in a chat: all of them as owner, none as a plain member. */
export function botRightsIn(world: World, chat: WorldChat): AdminRights | "owner" | undefined {
  const role = world.memberRole(chat.id, world.bot.id);
  if (role?.status === "owner") return "owner";
  return role?.status === "admin" ? role.rights : undefined;
}

export function botHas(world: World, chat: WorldChat, right: keyof AdminRights): boolean {
  const rights = botRightsIn(world, chat);
  // TDLib: can_restrict_members is "always true for channels" for their admins.
  if (right === "banUsers" && chat.type === "channel" && rights !== undefined) return true;
  return rights === "owner" || rights?.[right] === true;
}
