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
 * - `redis+sentinel://[user:password@]host:port[,host:port…]/<master name>`
 *   (`rediss+sentinel://`): a master and its replicas watched by Redis Sentinel; the hosts are
 *   the sentinels, the password is the master's (ioredis asks the sentinels where it is).
 */
export type RedisAddress =
  | { kind: "server"; url: string }
  | { kind: "cluster"; nodes: RedisNode[]; username?: string; password?: string; tls: boolean }
  | {
      kind: "sentinel";
      sentinels: RedisNode[];
      name: string;
      username?: string;
      password?: string;
      tls: boolean;
    };

const MULTI_HOST_SCHEMES: Record<string, { kind: "cluster" | "sentinel"; tls: boolean }> = {
  "redis+cluster:": { kind: "cluster", tls: false },
  "rediss+cluster:": { kind: "cluster", tls: true },
  "redis+sentinel:": { kind: "sentinel", tls: false },
  "rediss+sentinel:": { kind: "sentinel", tls: true },
};

const EXPECTED_NODES = {
  cluster:
    "expected the cluster's nodes as host:port, comma-separated, like redis+cluster://10.0.0.1:7000,10.0.0.2:7000",
  sentinel:
    "expected the sentinels as host:port, comma-separated, then the master's name, like redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster",
};

/**
 * Reads REDIS_URL. Cluster and sentinel URLs name several hosts, which WHATWG URL parsing
 * refuses, so their authority is split here. Throws an Error whose message never holds the
 * password.
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
  const multiHost = scheme === undefined ? undefined : MULTI_HOST_SCHEMES[scheme];
  if (scheme === undefined || multiHost === undefined) {
    throw new Error(
      "expected a URL starting with redis://, rediss://, redis+cluster://, rediss+cluster://, redis+sentinel:// or rediss+sentinel://",
    );
  }
  const rest = url.slice(scheme.length + 2);
  const at = rest.lastIndexOf("@");
  const credentials = at === -1 ? undefined : rest.slice(0, at);
  const afterCredentials = at === -1 ? rest : rest.slice(at + 1);
  const slash = afterCredentials.indexOf("/");
  const hosts = slash === -1 ? afterCredentials : afterCredentials.slice(0, slash);
  const path = slash === -1 ? "" : afterCredentials.slice(slash + 1).replace(/\/$/, "");
  const nodes = hosts.split(",").map((entry) => {
    const match = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[2]);
    if (!match?.[1] || !(port > 0 && port < 65_536)) throw new Error(EXPECTED_NODES[multiHost.kind]);
    return { host: match[1].replace(/^\[|\]$/g, ""), port };
  });
  const colon = credentials?.indexOf(":") ?? -1;
  const username =
    credentials === undefined
      ? ""
      : decodeURIComponent(colon === -1 ? credentials : credentials.slice(0, colon));
  const password =
    credentials === undefined || colon === -1 ? "" : decodeURIComponent(credentials.slice(colon + 1));
  const auth = { ...(username !== "" && { username }), ...(password !== "" && { password }) };
  if (multiHost.kind === "cluster") return { kind: "cluster", nodes, tls: multiHost.tls, ...auth };
  const name = decodeURIComponent(path);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(EXPECTED_NODES.sentinel);
  return { kind: "sentinel", sentinels: nodes, name, tls: multiHost.tls, ...auth };
}

/** The password in REDIS_URL, if any (to keep it out of logs). */
export function redisPasswordOf(url: string): string | undefined {
  try {
    const address = parseRedisAddress(url);
    if (address.kind !== "server") return address.password;
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
  return /\{([^}]+)\}/.exec(prefix)?.[1];
}
