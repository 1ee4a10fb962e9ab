import { Api } from "telegram";

/**
 * The updates an answer carries, whichever of Telegram's containers it came in (updates,
 * updatesCombined, or updateShort for one); none for the containers without any.
 */
export function updatesIn(updates: Api.TypeUpdates): Api.TypeUpdate[] {
  if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) return updates.updates;
  if (updates instanceof Api.UpdateShort) return [updates.update];
  return [];
}
