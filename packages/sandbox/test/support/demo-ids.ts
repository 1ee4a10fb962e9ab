/** Ids from the demo world (src/worlds/demo.json), named for readable tests. */
export const DEMO = {
  olga: 1001,
  adam: 1002,
  nina: 1003,
  max: 1004,
  sam: 1005,
  userbot: 2001,
  community: { native: 1500000001, botApi: -1001500000001 },
  channel: { native: 1500000002, botApi: -1001500000002 },
  privateTeam: { native: 1500000003, botApi: -1001500000003 },
  oldGroup: { native: 400000001, botApi: -400000001 },
} as const;
