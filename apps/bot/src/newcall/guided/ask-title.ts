import type { TargetChat } from "@callbot/shared";
import { cleanTitle } from "../clean-title.ts";
import type { GuidedFlow } from "./guided-flow.ts";

/** Step 2: a typed title (cleaned like /newcall's), or the chat's name (undefined). */
export async function askForTitle(flow: GuidedFlow, chat: TargetChat): Promise<string | undefined> {
  let title: string | undefined;
  let question = `Title of the call in «${chat.title}»? Send it (up to 64 characters), or keep the chat's name.`;
  for (;;) {
    const answer = await flow.ask(question, [[{ text: "Use the chat's name", data: "guided:title:chat" }]]);
    if (answer.kind === "button") break;
    const cleaned = cleanTitle(answer.text);
    if (cleaned.ok) {
      title = cleaned.title;
      break;
    }
    question = `That title is ${cleaned.error.length} characters long; Telegram allows at most ${cleaned.error.max}. Send a shorter one, or keep the chat's name.`;
  }

  return title;
}
