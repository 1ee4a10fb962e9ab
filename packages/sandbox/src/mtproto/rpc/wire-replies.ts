import { Api } from "telegram";
import type { TlAnswer } from "./request-context.ts";

const RPC_RESULT = 0xf35c6d01;
const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

/** `rpc_result#f35c6d01 req_msg_id:long result:Object`. */
export function rpcResult(reqMsgId: bigint, result: Buffer): Buffer {
  const header = Buffer.allocUnsafe(12);
  header.writeUInt32LE(RPC_RESULT, 0);
  header.writeBigInt64LE(reqMsgId, 4);
  return Buffer.concat([header, result]);
}

export function rpcError(reqMsgId: bigint, code: number, message: string): Buffer {
  return rpcResult(reqMsgId, new Api.RpcError({ errorCode: code, errorMessage: message }).getBytes());
}

export function serializeAnswer(answer: TlAnswer): Buffer {
  if (typeof answer === "boolean") {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32LE(answer ? BOOL_TRUE : BOOL_FALSE, 0);
    return out;
  }
  if (Array.isArray(answer)) {
    const header = Buffer.allocUnsafe(8);
    header.writeUInt32LE(VECTOR, 0);
    header.writeInt32LE(answer.length, 4);
    return Buffer.concat([header, ...answer.map(serializeAnswer)]);
  }
  return answer.getBytes();
}
