/**
 * Fields of a results message that carry what only its recipient may see: RTMP stream keys
 * (`rtmpCredentials`), call invite links, whose hash lets anyone join (`inviteLink`), and speaker
 * links, whose holder may speak (`speakerLink`).
 */
const DELIVERED_SECRET_FIELDS = new Set(["rtmpCredentials", "inviteLink", "speakerLink"]);

/**
 * A copy of a results message (or of any job data: it need not fit the contract) without the
 * fields that carry delivered secrets, at any depth. The bot stores this in place of a result
 * once it is delivered, or once delivering it failed for good, so that Redis (and its backups)
 * never keep a stream key or an invite hash past its delivery.
 */
export function withoutDeliveredSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDeliveredSecrets);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!DELIVERED_SECRET_FIELDS.has(key)) copy[key] = withoutDeliveredSecrets(item);
  }
  return copy;
}

/** True when `value` holds any field withoutDeliveredSecrets would remove. */
export function hasDeliveredSecrets(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDeliveredSecrets);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(
    ([key, item]) => DELIVERED_SECRET_FIELDS.has(key) || hasDeliveredSecrets(item),
  );
}
