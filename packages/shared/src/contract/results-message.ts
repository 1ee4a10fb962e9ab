import { z } from "zod";
import { AutoEndNoticeSchema } from "./auto-end-notice.ts";
import { CallActionResultSchema } from "./call-action.ts";
import { CreateCallResultSchema } from "./call-result.ts";
import { EmptyWatchStoppedSchema } from "./empty-watch.ts";
import { JobRefusedSchema } from "./job-versions.ts";
import { JoinChatResultSchema } from "./join-chat.ts";
import { WorkerAlertSchema } from "./worker-alert.ts";

/** Everything that travels worker -> bot on the results queue (and the bot's own delayed notices). */
export const ResultsMessageSchema = z.discriminatedUnion("kind", [
  CreateCallResultSchema,
  CallActionResultSchema,
  JoinChatResultSchema,
  WorkerAlertSchema,
  JobRefusedSchema,
  AutoEndNoticeSchema,
  EmptyWatchStoppedSchema,
]);
export type ResultsMessage = z.infer<typeof ResultsMessageSchema>;
