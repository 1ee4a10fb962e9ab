import { channelsMethods } from "./methods/channels.ts";
import { contactsMethods } from "./methods/contacts.ts";
import { helpMethods } from "./methods/help.ts";
import { messagesMethods } from "./methods/messages.ts";
import { phoneMethods } from "./methods/phone.ts";
import { updatesMethods } from "./methods/updates.ts";
import { usersMethods } from "./methods/users.ts";
import type { MethodHandler } from "./request-context.ts";

/** Every API method the sandbox answers, by TL name ("phone.createGroupCall"). */
export const methodTable: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({
    ...helpMethods,
    ...usersMethods,
    ...updatesMethods,
    ...contactsMethods,
    ...messagesMethods,
    ...channelsMethods,
    ...phoneMethods,
  }),
);
