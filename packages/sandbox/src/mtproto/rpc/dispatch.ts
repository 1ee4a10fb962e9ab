import { setTimeout as sleep } from "node:timers/promises";
import { Api } from "telegram";
import type { RequestCounters } from "../../counters/request-counters.ts";
import type { FaultInjector, MtprotoFaultAction } from "../../faults/fault-injector.ts";
import { TelegramRpcError } from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import type { ClientConnection } from "../connection.ts";
import type { DataCentre } from "../data-centres.ts";
import type { LoginDesk } from "../login/login-desk.ts";
import { FastLongReader } from "../tl/fast-long-reader.ts";
import type { WorldEventTap } from "../updates/world-event-tap.ts";
import { accountlessMethodTable, methodTable } from "./method-table.ts";
import type { AccountlessContext, RequestContext, TlAnswer } from "./request-context.ts";
import { tlMethodName } from "./tl-method-name.ts";
import { rpcError, rpcResult, serializeAnswer } from "./wire-replies.ts";

/** The layer of telegram@2.26.22's Api classes, the only layer the sandbox can serialise. */
export const SERVED_LAYER = 198;

const INVOKE_WITH_LAYER = Api.InvokeWithLayer.CONSTRUCTOR_ID >>> 0;

export interface DispatchDeps {
  world: World;
  faults: FaultInjector;
  counters: RequestCounters;
  tap: WorldEventTap;
  apiId: number;
  dc: DataCentre;
  dataCentres: readonly DataCentre[];
  logins: LoginDesk;
  /** Told about exceptions in the sandbox's own method code (the client gets 500). */
  onInternalError?: (method: string, error: unknown) => void;
}

/**
 * One API request, start to answer: unwrap invokeWithLayer / initConnection /
 * invokeWithoutUpdates, count it, apply an armed fault, run the method and send exactly one
 * rpc_result (or, for hang and drop faults, deliberately none).
 */
export async function dispatchRequest(
  deps: DispatchDeps,
  connection: ClientConnection,
  reqMsgId: bigint,
  body: Buffer,
): Promise<void> {
  const reply = (result: Buffer) => connection.send(rpcResult(reqMsgId, result), "response");
  const replyError = (code: number, message: string) =>
    connection.send(rpcError(reqMsgId, code, message), "response");

  // Read the announced layer before parsing the rest: a client of another layer sends
  // constructors that layer 198's tables may not know (or know with other fields).
  if (body.length >= 8 && body.readUInt32LE(0) === INVOKE_WITH_LAYER) connection.layer = body.readInt32LE(4);
  if (connection.layer !== undefined && connection.layer !== SERVED_LAYER) {
    replyError(400, `LAYER_${connection.layer}_NOT_SUPPORTED_SANDBOX_SERVES_LAYER_${SERVED_LAYER}`);
    return;
  }

  let parsed: TlObject;
  try {
    parsed = new FastLongReader(body).tgReadObject();
  } catch (error) {
    // Name the constructor layer 198 does not know (possibly nested inside the wrappers).
    const unknown = (error as { invalidConstructorId?: number }).invalidConstructorId ?? body.readUInt32LE(0);
    replyError(400, `METHOD_NOT_IMPLEMENTED_0x${(unknown >>> 0).toString(16).padStart(8, "0")}`);
    return;
  }
  const request = unwrapQuery(parsed, connection, deps.apiId);
  if (request instanceof ApiIdMismatch) {
    replyError(400, "API_ID_INVALID");
    return;
  }
  const authKey = connection.account;
  if (!authKey) return; // unreachable: requests are only read after the auth key is known
  const accountId = authKey.userId;

  const method = tlMethodName(request.className);
  deps.counters.increment("mtproto", method);

  const fault = deps.faults.takeMtproto(method, accountId);
  /** A fault that lets the request be carried out, then replaces or loses its answer. */
  let afterExecution:
    | Extract<MtprotoFaultAction, { kind: "executed-then-error" | "executed-then-drop" }>
    | undefined;
  if (fault) {
    switch (fault.kind) {
      case "executed-then-error":
      case "executed-then-drop":
        afterExecution = fault;
        break;
      case "error":
        replyError(fault.code, fault.message);
        return;
      case "flood":
        replyError(420, `FLOOD_WAIT_${fault.seconds}`);
        return;
      case "hang":
        return;
      case "drop":
        connection.close();
        return;
      case "delay":
        await sleep(fault.ms);
        if (connection.closed) return;
        break;
      case "hold":
        await deps.faults.held(fault.gate);
        if (connection.closed) return;
        break;
    }
  }

  const accountless = accountlessMethodTable.get(method);
  // Telegram's own per-method limits (settings.methodFloods), after any fault a test armed.
  const floodWait = accountId === undefined ? undefined : deps.world.floodWaitFor(accountId, method);
  if (floodWait !== undefined) {
    replyError(420, `FLOOD_WAIT_${floodWait}`);
    return;
  }

  const handler = methodTable.get(method);
  if ((!accountless && !handler) || request.classType !== "request") {
    replyError(400, `METHOD_NOT_IMPLEMENTED_${method}`);
    return;
  }
  let run: () => TlAnswer;
  if (accountless) {
    const ctx: AccountlessContext = {
      world: deps.world,
      now: deps.world.now(),
      dc: deps.dc,
      dataCentres: deps.dataCentres,
      authKey,
      logins: deps.logins,
    };
    run = () => accountless(ctx, request);
  } else if (handler && accountId !== undefined) {
    const ctx: RequestContext = {
      world: deps.world,
      accountId,
      now: deps.world.now(),
      capture: (change) => deps.tap.capture(connection, change),
    };
    run = () => handler(ctx, request);
  } else {
    // core.telegram.org/api/errors: 401 AUTH_KEY_UNREGISTERED, "the key is not registered in the system".
    replyError(401, "AUTH_KEY_UNREGISTERED");
    return;
  }
  let answer: Buffer | undefined;
  try {
    answer = serializeAnswer(run());
  } catch (error) {
    if (afterExecution === undefined && error instanceof TelegramRpcError) {
      replyError(error.code, error.errorMessage);
      return;
    }
    // A bug in the sandbox must be visible to the client, never silence.
    if (!(error instanceof TelegramRpcError)) {
      deps.onInternalError?.(method, error);
      replyError(500, "INTERNAL_SANDBOX_ERROR");
      return;
    }
  }
  if (afterExecution?.kind === "executed-then-error") {
    // The change is made; the client hears an error (-503 Timeout, a 500) instead of the answer.
    replyError(afterExecution.code, afterExecution.message);
    return;
  }
  if (afterExecution?.kind === "executed-then-drop") {
    // The change is made; the answer is lost with the connection.
    connection.close();
    return;
  }
  if (answer) reply(answer);
}

interface TlObject {
  className: string;
  classType: string;
}

/** initConnection named another api_id than the sandbox's (Telegram: 400 API_ID_INVALID). */
class ApiIdMismatch {}

/** Peels the wrappers off a query, recording the layer and checking api_id on the way. */
function unwrapQuery(
  object: TlObject,
  connection: ClientConnection,
  apiId?: number,
): TlObject | ApiIdMismatch {
  let current: TlObject = object;
  for (;;) {
    if (current instanceof Api.InvokeWithLayer) {
      connection.layer = current.layer;
    } else if (current instanceof Api.InitConnection) {
      if (apiId !== undefined && current.apiId !== apiId) return new ApiIdMismatch();
    } else if (
      !(
        current instanceof Api.InvokeWithoutUpdates ||
        current instanceof Api.InvokeAfterMsg ||
        current instanceof Api.InvokeAfterMsgs
      )
    ) {
      return current;
    }
    current = (current as unknown as { query: TlObject }).query;
  }
}
