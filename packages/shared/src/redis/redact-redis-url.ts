/**
 * A Redis URL safe to print: the password (and nothing else) replaced by "***".
 * "redis://:hunter2@host:6379" -> "redis://:***@host:6379"; the same for a cluster URL
 * ("redis+cluster://:***@h1:7000,h2:7000") and a sentinel URL.
 */
export function redactRedisUrl(url: string): string {
  if (/^rediss?\+(cluster|sentinel):\/\//i.test(url)) return redactMultiHostUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Unparseable: cut out anything that looks like credentials rather than print it.
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString().replace(/\/$/, "");
}

/** A cluster or sentinel URL names several hosts, which URL cannot parse: the credentials end at the last "@". */
function redactMultiHostUrl(url: string): string {
  const start = url.indexOf("//") + 2;
  const at = url.lastIndexOf("@");
  if (at < start) return url;
  const colon = url.indexOf(":", start);
  if (colon === -1 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}
