import { authMethods } from "./methods/auth.ts";
import { channelsMethods } from "./methods/channels.ts";
import { contactsMethods } from "./methods/contacts.ts";
import { helpMethods } from "./methods/help.ts";
import { messagesMethods } from "./methods/messages.ts";
import { phoneMethods } from "./methods/phone.ts";
import { updatesMethods } from "./methods/updates.ts";
import { usersMethods } from "./methods/users.ts";
import type { AccountlessHandler, MethodHandler } from "./request-context.ts";

/** The methods a client may call before it is logged in (Telegram answers others 401 AUTH_KEY_UNREGISTERED). */
export const accountlessMethodTable: ReadonlyMap<string, AccountlessHandler> = new Map(
  Object.entries({ ...helpMethods, ...authMethods }),
);

/** Every other API method the sandbox answers, by TL name ("phone.createGroupCall"). */
export const methodTable: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({
    ...usersMethods,
    ...updatesMethods,
    ...contactsMethods,
    ...messagesMethods,
    ...channelsMethods,
    ...phoneMethods,
  }),
);
