import type { Queue } from "bullmq";

/** Jobs that have not started yet; one that runs already finishes on the old id (see follow-chat-migration.ts). */
const NOT_STARTED = ["waiting", "prioritized", "delayed", "waiting-children"] as const;
/** Read in pages, so a backlog cannot make one migration hold everything in memory. */
const PAGE = 500;

interface ChatBound {
  target?: { chatId?: number };
  requester?: { chatId?: number };
  ack?: { chatId?: number };
}

/**
 * Points every not-yet-started job for `oldChatId` (create-call requests, call actions such as a
 * scheduled call's auto-start, a recurring rule's next occurrence) at the supergroup. A requester
 * who asked in the old group is answered in the new one; an ack there is dropped, because the
 * old group's messages cannot be edited any more and its message ids mean other messages in the
 * supergroup. Returns how many jobs were moved.
 */
export async function moveQueuedJobs(queue: Queue, oldChatId: number, newChatId: number): Promise<number> {
  let moved = 0;
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs([...NOT_STARTED], start, start + PAGE - 1);
    for (const job of jobs) {
      const data = job?.data as ChatBound | undefined;
      if (!job || data?.target?.chatId !== oldChatId) continue;
      await job.updateData(movedToChat(data, oldChatId, newChatId));
      moved += 1;
    }
    if (jobs.length < PAGE) return moved;
  }
}

/** The same job data (or request) with the old chat id replaced by the supergroup's. */
export function movedToChat<T extends ChatBound>(data: T, oldChatId: number, newChatId: number): T {
  const { ack, ...rest } = data;
  const swap = (chatId: number | undefined) => (chatId === oldChatId ? newChatId : chatId);
  return {
    ...rest,
    ...(data.target && { target: { ...data.target, chatId: swap(data.target.chatId) } }),
    ...(data.requester && { requester: { ...data.requester, chatId: swap(data.requester.chatId) } }),
    ...(ack !== undefined && ack.chatId !== oldChatId && { ack }),
  } as T;
}
