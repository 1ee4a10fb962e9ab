import type { Redis } from "ioredis";
import { type AssistantRegistryView, onlineAssistants, readAssistantRegistry } from "./assistant-registry.ts";

/**
 * How long a process trusts its last read of the account registry when it shows nothing to
 * choose from. Every /newcall (the bot's check) and every job (the worker's intake router) would
 * otherwise read it (SMEMBERS + MGET, two round trips) to learn, almost always, that one account
 * is online; a second account coming online is seen within this time.
 */
export const REGISTRY_MEMORY_MS = 5_000;

/** The account registry as one process remembers it (rememberAssistantRegistry). */
export interface RegistryMemory {
  /** The registry as read at most `memoryMs` ago; read now when older or forgotten. */
  read(): Promise<AssistantRegistryView>;
  /** Reads now and remembers it: for a caller that must see the present (a sweep for dead accounts). */
  readNow(): Promise<AssistantRegistryView>;
  /**
   * For routing: the remembered read while it shows fewer than `choiceFrom` accounts online
   * (nothing to choose: a one-account deployment, the common case, pays no read), otherwise a
   * read now, since a choice among accounts must never pick one that stopped or died meanwhile
   * (its queue would keep the job). @defaultValue choiceFrom 2
   */
  readForChoice(choiceFrom?: number): Promise<AssistantRegistryView>;
  /** Drops the remembered read: the next read() asks Redis (an account this process saw die or flood). */
  forget(): void;
}

/**
 * readAssistantRegistry remembered for `memoryMs`. Concurrent reads while none is remembered
 * share one Redis read; a failed read is not remembered (its error goes to every caller waiting
 * on it).
 */
export function rememberAssistantRegistry(deps: {
  redis: Pick<Redis, "smembers" | "mget">;
  prefix: string;
  now: () => number;
  memoryMs?: number;
}): RegistryMemory {
  const memoryMs = deps.memoryMs ?? REGISTRY_MEMORY_MS;
  let remembered: { at: number; view: Promise<AssistantRegistryView> } | undefined;
  const readNow = () => {
    const entry = { at: deps.now(), view: readAssistantRegistry(deps.redis, deps.prefix) };
    remembered = entry;
    entry.view.catch(() => {
      if (remembered === entry) remembered = undefined;
    });
    return entry.view;
  };
  const read = () => (remembered && deps.now() - remembered.at < memoryMs ? remembered.view : readNow());
  return {
    read,
    readNow,
    readForChoice: async (choiceFrom = 2) => {
      const view = await read();
      return onlineAssistants(view).length < choiceFrom ? view : readNow();
    },
    forget: () => {
      remembered = undefined;
    },
  };
}
