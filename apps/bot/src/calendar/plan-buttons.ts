/** What a planned call's /calls button asks for: cancel it, or (asking for the new title or time) rename or move it. */
export type PlanPress = "cancel" | "rename" | "move";

const TO_WIRE: Record<PlanPress, string> = { cancel: "x", rename: "r", move: "m" };
const FROM_WIRE = new Map(Object.entries(TO_WIRE).map(([press, wire]) => [wire, press as PlanPress]));
const DATA = /^pl:([xrm]):(p[0-9a-z]{1,10})$/;

/** callback_data "pl:<letter>:<plan id>", at most 16 bytes. */
export function encodePlanPress(press: PlanPress, planId: string): string {
  return `pl:${TO_WIRE[press]}:${planId}`;
}

export function decodePlanPress(data: string): { press: PlanPress; planId: string } | undefined {
  const match = DATA.exec(data);
  const press = match ? FROM_WIRE.get(match[1]!) : undefined;
  return match && press ? { press, planId: match[2]! } : undefined;
}
