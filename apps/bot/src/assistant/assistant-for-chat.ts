import {
  type AssistantEntry,
  type AssistantRegistryView,
  type AssistantRights,
  onlineAssistants,
  readAssistantRights,
  recordAssistantRights,
  rememberAssistantRegistry,
  routeToAssistant,
} from "@callbot/shared";
import type { Api } from "grammy";
import type { ChatMember } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { isUserNotFound } from "../telegram/bot-api-errors.ts";
import { assistantEntryName } from "./known-assistants.ts";

export interface AssistantForChatDeps {
  api: Pick<Api, "getChatMember">;
  redis: Redis;
  prefix: string;
  now: () => number;
  logger: Logger;
}

/** The chat a request names, and whether it is a livestream (only the chat's owner may start one). */
export interface AssistantRequest {
  chatId: number;
  chatTitle: string;
  chatUsername?: string | undefined;
  rtmp: boolean;
}

/** Whether some assistant account may make the call, and if not, what the requester reads. */
export type AssistantCheck = { ok: true } | { ok: false; text: string };

/** Reads a getChatMember answer about an assistant as routing needs it. */
export function rightsOfMember(member: ChatMember): AssistantRights {
  if (member.status === "creator") return "owner";
  if (member.status === "administrator" && member.can_manage_video_chats) return "admin";
  return "none";
}

/**
 * Learns, with getChatMember, what each online assistant may do in the chat, for those whose
 * rights are not known from the last few minutes (ASSISTANT_RIGHTS_TTL_MS), and records it for
 * routing (the workers read it). A failed look-up leaves that account unknown.
 */
export async function learnAssistantRights(
  deps: AssistantForChatDeps,
  chatId: number,
  accounts: readonly AssistantEntry[],
): Promise<void> {
  const known = await readAssistantRights(deps.redis, deps.prefix, chatId, deps.now());
  const facts = await Promise.all(
    accounts
      .filter((account) => !known.has(account.accountId))
      .map(async (account) => {
        try {
          return {
            accountId: account.accountId,
            rights: rightsOfMember(await deps.api.getChatMember(chatId, account.accountId)),
          };
        } catch (error) {
          if (isUserNotFound(error)) return { accountId: account.accountId, rights: "none" as const };
          deps.logger.warn(
            { err: error, chatId, accountId: account.accountId },
            "could not learn an assistant's rights",
          );
          return undefined;
        }
      }),
  );
  await recordAssistantRights(
    deps.redis,
    deps.prefix,
    chatId,
    facts.filter((fact) => fact !== undefined),
    deps.now(),
  );
}

/**
 * Before a request is queued, with several assistant accounts online: is one of them allowed to
 * make this call in the chat? If none is, nothing is queued and the requester is told which
 * accounts to make an admin there, and /setup to check it. With one account (or none online),
 * the answer is always yes: the worker's own checks report as they always did. `registry` is the
 * read routing uses too, so the check costs no second read of it.
 */
export async function checkAssistantForChat(
  deps: AssistantForChatDeps,
  request: AssistantRequest,
  registry: AssistantRegistryView,
): Promise<AssistantCheck> {
  const online = onlineAssistants(registry);
  if (online.length < 2) return { ok: true };
  await learnAssistantRights(deps, request.chatId, online);
  const route = await routeToAssistant(
    {
      redis: deps.redis,
      prefix: deps.prefix,
      now: deps.now(),
      loadOf: async () => 0,
      registry: async () => registry,
    },
    { chatId: request.chatId, rtmp: request.rtmp },
  );
  if (route.kind !== "none-eligible") return { ok: true };
  return { ok: false, text: noEligibleAssistantText(request, online) };
}

/**
 * checkAssistantForChat with the registry read at most every REGISTRY_MEMORY_MS while it shows
 * one account online: such a deployment pays nothing per request in the steady state (the
 * round-trip budget of a /newcall); with several, each check reads it as routing always did.
 */
export function createAssistantChecker(
  deps: AssistantForChatDeps,
): (request: AssistantRequest) => Promise<AssistantCheck> {
  const registry = rememberAssistantRegistry(deps);
  return async (request) => checkAssistantForChat(deps, request, await registry.readForChoice());
}

/** The refusal: which accounts could be made an admin, and how to check with /setup. */
export function noEligibleAssistantText(
  request: AssistantRequest,
  online: readonly AssistantEntry[],
): string {
  const names = online.map(assistantEntryName).join(", ");
  const setup = `send /setup in the chat (or /setup ${request.chatUsername ? `@${request.chatUsername}` : request.chatId} to me)`;
  if (request.rtmp) {
    return `None of my assistant accounts owns «${request.chatTitle}», and Telegram lets only a chat's owner start a livestream. Leave out "rtmp" to create a video chat (${setup} to see which account may), or make the chat's owner one of the assistant accounts (${names}). Nothing was queued.`;
  }
  return `None of my assistant accounts may create video chats in «${request.chatTitle}». Make one of them an admin there with the "Manage video chats" right: ${names}. Then ${setup} to check. Nothing was queued.`;
}
