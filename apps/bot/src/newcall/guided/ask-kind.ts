import type { TargetChat } from "@callbot/shared";
import { mayLivestream } from "../guided-actions.ts";
import { type GuidedFlow, withBot } from "./guided-flow.ts";

/** Step 4: a video chat or a livestream, only offered to whoever may create a livestream there. */
export async function askForKind(flow: GuidedFlow, chat: TargetChat): Promise<boolean> {
  let rtmp = false;
  if (
    await flow.conversation.external((outer) =>
      mayLivestream(chat.chatId, flow.userId, withBot(flow.deps, outer)),
    )
  ) {
    let question = "A video chat, or a livestream fed from OBS or similar (RTMP)?";
    for (;;) {
      const answer = await flow.ask(question, [
        [
          { text: "Video chat", data: "guided:kind:video" },
          { text: "Livestream (RTMP)", data: "guided:kind:rtmp" },
        ],
      ]);
      if (answer.kind === "button") {
        rtmp = answer.data === "guided:kind:rtmp";
        break;
      }
      question = "Please press Video chat or Livestream (RTMP), or /cancel.";
    }
  }

  return rtmp;
}
