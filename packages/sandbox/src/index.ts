// The sandbox: a local Telegram (Bot API over HTTP, MTProto over TCP) around one simulated World.

export type { CallbackAnswer } from "./bot-api/callback-queries.ts";
export { type BotApiRateLimits, DEFAULT_RATE_LIMITS } from "./bot-api/send-rate-limiter.ts";
// Control (in-process; the same operations are served over HTTP at info.control).
export {
  type CallParticipantsChange,
  ControlError,
  type PressButtonParams,
  type PressedButton,
  SandboxControl,
  type SendTextParams,
  type ShareChatParams,
  type WaitOptions,
} from "./control/sandbox-control.ts";
export * from "./counters/request-counters.ts";
// Faults, counters and Bot API limits.
export * from "./faults/fault-injector.ts";
export type { DataCentre } from "./mtproto/data-centres.ts";
export { normalisePhone, type SentLoginCode } from "./mtproto/login/login-desk.ts";
export {
  SANDBOX_API_HASH,
  SANDBOX_API_ID,
  type Sandbox,
  type SandboxInfo,
  type SandboxOptions,
  startSandbox,
} from "./sandbox.ts";
export { botApiChatId, nativeChatRef } from "./world/bot-api-ids.ts";
export { type FixtureLogin, type WorldFixture, worldFixtureSchema } from "./world/fixture-schema.ts";
export * from "./world/types.ts";
// The world.
export {
  type CreateGroupCallParams,
  type PostMessageParams,
  readWorldFixture,
  World,
  type WorldBot,
} from "./world/world.ts";
export {
  CALL_ACCESS_HASHES_VALUES,
  CALL_INVITE_OF_NON_MEMBER_VALUES,
  CALL_ON_GROUP_UPGRADE_VALUES,
  DEFAULT_WORLD_SETTINGS,
  ENDED_CALL_LOOKUP_VALUES,
  PARTICIPANT_COUNT_UPDATES_VALUES,
  RANDOM_ID_RETRY_VALUES,
  RECORDING_SAVED_TO_VALUES,
  SCHEDULED_CALL_EXPIRY_VALUES,
  START_OF_LIVE_CALL_VALUES,
  type WorldSettings,
  type WorldSettingsPatch,
  worldSettingsSchema,
} from "./world/world-settings.ts";
export { demoWorldPath } from "./worlds/demo-world.ts";
export { EXTRA_ASSISTANTS, multiAssistantWorld, SOLO_ROOM } from "./worlds/multi-assistant-world.ts";
