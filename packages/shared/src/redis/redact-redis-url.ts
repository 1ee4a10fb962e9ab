/**
 * A Redis URL safe to print: the password (and nothing else) replaced by "***".
 * "redis://:hunter2@host:6379" -> "redis://:***@host:6379".
 */
export function redactRedisUrl(url: string): string {
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
