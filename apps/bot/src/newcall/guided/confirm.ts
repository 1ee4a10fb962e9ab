import type { TargetChat } from "@callbot/shared";
import { describeCall } from "../../messages/describe-call.ts";
import { formatScheduleTime } from "../../messages/format-time.ts";
import { confirmGuidedCall } from "../guided-actions.ts";
import { type GuidedFlow, withBot } from "./guided-flow.ts";

/** Step 5: the summary with its zone; nothing is queued before Create, whose press queues it. */
export async function confirmAndQueue(
  flow: GuidedFlow,
  choices: { chat: TargetChat; title: string | undefined; scheduleDate: number | undefined; rtmp: boolean },
): Promise<void> {
  const { chat, title, scheduleDate, rtmp } = choices;
  const autostart =
    scheduleDate !== undefined &&
    (await flow.conversation.external(() => flow.deps.autostartDefaults.get(chat.chatId)));
  const whenText =
    scheduleDate === undefined
      ? "now"
      : `${formatScheduleTime(scheduleDate, flow.timeZone)}${autostart ? ", starts automatically (the chat's default)" : ""}`;
  const summary = [
    "Please check:",
    `Chat: «${chat.title}»`,
    `Call: ${describeCall({ title, rtmp })}${title === undefined ? " (titled with the chat's name)" : ""}`,
    `When: ${whenText}`,
    "Nothing is created until you press Create.",
  ].join("\n");
  let summaryText = summary;
  for (;;) {
    const answer = await flow.ask(summaryText, [[{ text: "✅ Create", data: "guided:confirm" }]], {
      echo: false,
    });
    if (answer.kind === "button") {
      const summaryMessageId = answer.promptMessageId;
      await flow.conversation.external(async (outer) =>
        confirmGuidedCall(
          outer.api,
          {
            userId: flow.userId,
            chatId: flow.chatId,
            commandMessageId: flow.commandMessageId,
            summaryMessageId,
            target: chat,
            title,
            scheduleDate,
            rtmp,
            autostart,
            timeZone: flow.timeZone,
          },
          flow.deps.clock.now(),
          withBot(flow.deps, outer),
        ),
      );
      return;
    }
    summaryText = `${summary}\n\nPlease press Create, or Cancel.`;
  }
}
