import { inspect } from "node:util";

/** What a secret shows as in a described config. */
export const REDACTED = "[redacted]";

/**
 * Makes JSON.stringify(config), a pino log of it and console.log(config) show `describe(config)`
 * (a redacted description), so that printing the config by mistake does not leak a secret. The
 * methods are not enumerable: spreading or comparing the config is unaffected. The describer is
 * passed in so that this file knows no config type (each config module brings its own).
 */
export function attachSafeSerialisation<T extends object>(
  config: T,
  describe: (config: T) => Record<string, unknown>,
): T {
  Object.defineProperty(config, "toJSON", { value: () => describe(config), enumerable: false });
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => inspect(describe(config), options),
    enumerable: false,
  });
  return config;
}
