/** One host:port of a Redis deployment. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis runs, read from REDIS_URL:
 * - `redis://[user:password@]host:port[/db]` (`rediss://` for TLS): one server;
 * - `redis+cluster://[user:password@]host:port[,host:port…]` (`rediss+cluster://`): a Redis
 *   Cluster, given by any of its nodes (ioredis's Cluster client finds the rest);
 */
export type RedisAddress =
  | { kind: "server"; url: string }
  | { kind: "cluster"; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

const CLUSTER_SCHEMES: Record<string, boolean> = { "redis+cluster:": false, "rediss+cluster:": true };

/**
 * Reads REDIS_URL. A cluster URL names several nodes, which WHATWG URL parsing refuses, so the
 * authority is split here. Throws an Error whose message never holds the password.
 */
export function parseRedisAddress(url: string): RedisAddress {
  const scheme = /^([a-z+]+:)\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "redis:" || scheme === "rediss:") {
    try {
      new URL(url);
    } catch {
      throw new Error("expected a URL like redis://host:6379");
    }
    return { kind: "server", url };
  }
  if (scheme === undefined || !(scheme in CLUSTER_SCHEMES)) {
    throw new Error(
      "expected a URL starting with redis://, rediss://, redis+cluster:// or rediss+cluster://",
    );
  }
  const rest = url.slice(scheme.length + 2);
  const at = rest.lastIndexOf("@");
  const credentials = at === -1 ? undefined : rest.slice(0, at);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).replace(/\/$/, "");
  const nodes = hosts.split(",").map((entry) => {
    const match = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[2]);
    if (!match?.[1] || !(port > 0 && port < 65_536)) {
      throw new Error(
        "expected the cluster's nodes as host:port, comma-separated, like redis+cluster://10.0.0.1:7000,10.0.0.2:7000",
      );
    }
    return { host: match[1].replace(/^\[|\]$/g, ""), port };
  });
  const colon = credentials?.indexOf(":") ?? -1;
  const username =
    credentials === undefined
      ? ""
      : decodeURIComponent(colon === -1 ? credentials : credentials.slice(0, colon));
  const password =
    credentials === undefined || colon === -1 ? "" : decodeURIComponent(credentials.slice(colon + 1));
  return {
    kind: "cluster",
    nodes,
    tls: CLUSTER_SCHEMES[scheme] === true,
    ...(username !== "" && { username }),
    ...(password !== "" && { password }),
  };
}

/** The password in REDIS_URL, if any (to keep it out of logs). */
export function redisPasswordOf(url: string): string | undefined {
  try {
    const address = parseRedisAddress(url);
    if (address.kind === "cluster") return address.password;
    const password = decodeURIComponent(new URL(address.url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}

/**
 * A BullMQ prefix in a hash tag, like `{callbot}`: every key of every queue and every callbot
 * key then hashes to one cluster slot, as BullMQ's scripts and callbot's own multi-key scripts
 * need. Undefined when the prefix has none.
 */
export function hashTagOf(prefix: string): string | undefined {
  const tag = /\{([^}]+)\}/.exec(prefix)?.[1];
  return tag;
}
