import { readFileSync } from "node:fs";

/** A systemd unit file as sections of key → values (a key may repeat, as systemd allows). */
export type UnitFile = Map<string, Map<string, string[]>>;

/**
 * The small INI reading systemd does (systemd.syntax(7)): [Section] lines, Key=Value lines,
 * '#' and ';' comments, blank lines. Anything else throws with its line number, so a malformed
 * unit fails the test even where systemd-analyze is missing. Continuation lines are not used
 * in our units and are refused.
 */
export function parseUnitFile(text: string, name: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const where = `${name}:${index + 1}`;
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    if (line.endsWith("\\")) throw new Error(`${where}: continuation lines are not supported here`);
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header?.[1]) {
      if (unit.has(header[1])) throw new Error(`${where}: section [${header[1]}] appears twice`);
      section = new Map();
      unit.set(header[1], section);
      return;
    }
    const entry = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$/.exec(line);
    if (!entry?.[1] || entry[2] === undefined) throw new Error(`${where}: not a Key=Value line: ${line}`);
    if (!section) throw new Error(`${where}: ${entry[1]} is outside any [Section]`);
    section.set(entry[1], [...(section.get(entry[1]) ?? []), entry[2]]);
  });
  return unit;
}

export function readUnitFile(path: string): UnitFile {
  return parseUnitFile(readFileSync(path, "utf8"), path);
}

/** The last value of a key (systemd's rule for single-valued settings), or undefined. */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** A systemd time span in seconds: "20", "20s", "1min 30s", "500ms". */
export function timeSpanSeconds(value: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, sec: 1, min: 60, m: 60, h: 3600 };
  let total = 0;
  for (const part of value.trim().split(/\s+/)) {
    const match = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    const factor = units[match?.[2] || "s"];
    if (!match?.[1] || factor === undefined) throw new Error(`not a time span: ${value}`);
    total += Number(match[1]) * factor;
  }
  return total;
}
