export interface BotCommand {
  command: string;
  description: string;
}

/** setMyCommands' lists, per scope and language, as Telegram keeps them. */
export class BotCommandStore {
  private lists = new Map<string, BotCommand[]>();

  private key(scope: unknown, languageCode: string | undefined): string {
    return `${JSON.stringify(scope ?? { type: "default" })}|${languageCode ?? ""}`;
  }

  set(scope: unknown, languageCode: string | undefined, commands: BotCommand[]): void {
    this.lists.set(this.key(scope, languageCode), commands);
  }

  get(scope: unknown, languageCode: string | undefined): BotCommand[] {
    return this.lists.get(this.key(scope, languageCode)) ?? [];
  }

  delete(scope: unknown, languageCode: string | undefined): void {
    this.lists.delete(this.key(scope, languageCode));
  }
}
