/**
 * Everything the product printed or put in Redis during a test file: every output line of the
 * bot and worker processes, every log line of in-process bots and workers, and every job
 * payload the tests read back. Checklist line 21 scans it for secrets.
 */
export class OutputCapture {
  private readonly entries: Array<{ source: string; text: string }> = [];

  add(source: string, text: string): void {
    this.entries.push({ source, text });
  }

  /** Lines from one source (e.g. "worker"), for tests that look for a log message. */
  linesOf(source: string): string[] {
    return this.entries.filter((e) => e.source === source).map((e) => e.text);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The entries that contain any of `secrets`, with the secret's label (never the secret itself).
   * `except` names sources where these secrets belong (a stream key in its owner's chat).
   */
  leaks(
    secrets: Secrets,
    options: { except?: readonly string[] } = {},
  ): Array<{ source: string; label: string; excerpt: string }> {
    const found: Array<{ source: string; label: string; excerpt: string }> = [];
    for (const { source, text } of this.entries) {
      if (options.except?.includes(source)) continue;
      for (const [label, value] of Object.entries(secrets)) {
        if (value.length < 8 || !text.includes(value)) continue;
        found.push({ source, label, excerpt: text.replaceAll(value, `<${label}>`).slice(0, 300) });
      }
    }
    return found;
  }
}

export type Secrets = Record<string, string>;

/**
 * The secrets of a sandbox deployment in every form they could leak in: the bot token whole and
 * its secret half, the session string, and the auth key inside it (base64 and hex), since a
 * logger that "helpfully" decodes a session would print the key rather than the string.
 */
export function secretsOf(info: { botToken: string; sessions: Record<string, string> }): Secrets {
  const secrets: Secrets = {
    botToken: info.botToken,
    botTokenSecretPart: info.botToken.split(":")[1] ?? info.botToken,
  };
  for (const [name, session] of Object.entries(info.sessions)) {
    secrets[`session:${name}`] = session;
    const authKey = Buffer.from(session.slice(1), "base64").subarray(-256);
    secrets[`authKeyBase64:${name}`] = authKey.toString("base64").slice(0, 40);
    secrets[`authKeyHex:${name}`] = authKey.toString("hex").slice(0, 40);
  }
  return secrets;
}

/**
 * What the sandbox handed out for delivery to one person or one chat: the secret part of every
 * RTMP stream key and call invite link (checklist 32). They may appear in the chat they were sent
 * to, and nowhere else: no log line, no error, no Redis value once delivered.
 */
export function deliveredSecretsOf(world: { secretsHandedOut(): string[] }): Secrets {
  const secrets: Secrets = {};
  for (const [n, secret] of world.secretsHandedOut().entries())
    secrets[`streamKeyOrInviteHash#${n + 1}`] = secret;
  return secrets;
}
