import { Composer, type Context } from "grammy";
import {
  handleInCallCommand,
  type InCallCommand,
  type InCallCommandDeps,
} from "../calls/in-call-commands.ts";
import { handleRecordingsCommand } from "../recordings/recordings-command.ts";

const COMMANDS: readonly InCallCommand[] = [
  "record",
  "stoprecord",
  "mutenew",
  "speakerlink",
  "resetlinks",
  "invite",
];

/**
 * The in-call controls as commands (/record, /stoprecord, /mutenew, /speakerlink, /resetlinks,
 * /invite; the same as the buttons of a live call in /calls), and /recordings, where a chat's
 * recordings are forwarded.
 */
export function createInCallControlsFeature(deps: InCallCommandDeps): Composer<Context> {
  const feature = new Composer<Context>();
  for (const command of COMMANDS) feature.command(command, (ctx) => handleInCallCommand(ctx, command, deps));
  feature.command("recordings", (ctx) => handleRecordingsCommand(ctx, deps));
  return feature;
}
