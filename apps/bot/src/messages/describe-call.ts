/** What a call is called in messages: "video chat “Weekly sync”" or "livestream". */
export function describeCall(facts: { title: string | undefined; rtmp: boolean }): string {
  const kind = facts.rtmp ? "livestream" : "video chat";
  return facts.title === undefined ? kind : `${kind} “${facts.title}”`;
}
