import { type Api, type TelegramClient, utils } from "telegram";

/**
 * Tells gramjs who the account is, as its own getMe would. Before it hands a pushed update to an
 * event handler, gramjs asks Telegram (users.getUsers) whenever it does not know yet, and every
 * update that arrives while the first answer is pending asks again (client/updates.js,
 * _dispatchUpdate). The worker learns its own user at start-up anyway (publishUserbotIdentity).
 */
export function rememberSelf(client: TelegramClient, me: Api.User): void {
  const internals = client as unknown as { _selfInputPeer?: Api.TypeInputPeer };
  internals._selfInputPeer ??= utils.getInputPeer(me, false) as Api.TypeInputPeer;
}
