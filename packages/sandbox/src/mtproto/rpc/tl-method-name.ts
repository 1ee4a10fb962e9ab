/**
 * gramjs names request classes "phone.CreateGroupCall"; the TL schema (and the fault rules)
 * say "phone.createGroupCall".
 */
export function tlMethodName(className: string): string {
  const dot = className.lastIndexOf(".");
  const namespace = dot < 0 ? "" : className.slice(0, dot + 1);
  const name = className.slice(dot + 1);
  return namespace + name.charAt(0).toLowerCase() + name.slice(1);
}
