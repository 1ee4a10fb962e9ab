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

  /** The entries that contain any of `secrets`, with the secret's label (never the secret itself). */
  leaks(secrets: Secrets): Array<{ source: string; label: string; excerpt: string }> {
    const found: Array<{ source: string; label: string; excerpt: string }> = [];
    for (const { source, text } of this.entries) {
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
