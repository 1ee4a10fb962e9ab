import { describeParseError } from "../describe-parse-error.ts";
import { looksLikeClock, parseClock, parseWhen } from "../parse-when.ts";
import type { Button } from "./ask-question.ts";
import type { GuidedFlow } from "./guided-flow.ts";

/** Step 3: now (undefined), a button, or a typed time; a bad time is explained and asked again. */
export async function askWhen(flow: GuidedFlow): Promise<number | undefined> {
  let scheduleDate: number | undefined;
  let question = `When? Pick one, or send a time like 18:00, at 6pm, tomorrow 18:30, in 2h, next friday 19:00, on 15 jan 18:00, in 3 weeks or 2026-12-01 18:00 (read in ${flow.timeZone}). Beyond Telegram's 8 days I plan the call and create it in time.`;
  const whenButtons: Button[][] = [
    [
      { text: "Now", data: "guided:when:now" },
      { text: "In 1 hour", data: "guided:when:1h" },
      { text: "Tomorrow 18:00", data: "guided:when:tomorrow" },
    ],
  ];
  for (;;) {
    const answer = await flow.ask(question, whenButtons);
    const now = await flow.conversation.external(() => flow.deps.clock.now());
    if (answer.kind === "button") {
      if (answer.data === "guided:when:1h") scheduleDate = Math.floor(now / 1000) + 3600;
      if (answer.data === "guided:when:tomorrow") {
        const tomorrow = parseWhen(["tomorrow", "18:00"], { now, timeZone: flow.timeZone });
        if (tomorrow.ok) scheduleDate = tomorrow.scheduleDate;
      }
      break;
    }
    const when = parseWhen(typedTimeWords(answer.text), { now, timeZone: flow.timeZone });
    if (when.ok) {
      scheduleDate = when.scheduleDate;
      break;
    }
    question = `${describeParseError(when.error, { timeZone: flow.timeZone })}\nPick one of the buttons, or send another time.`;
  }

  return scheduleDate;
}

/** "18:00" or "6pm" alone means "at 18:00"; everything else goes to the /newcall time parser. */
export function typedTimeWords(text: string): string[] {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const first = words[0]?.toLowerCase();
  const alone = words.length === 1 || (words.length === 2 && /^(am|pm)$/i.test(words[1] ?? ""));
  if (first !== undefined && alone && looksLikeClock(first) && parseClock(words.join("").toLowerCase())) {
    return ["at", ...words];
  }
  return words;
}
