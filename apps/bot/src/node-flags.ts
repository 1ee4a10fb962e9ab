/**
 * Node flags the bot's process is started with, wherever it runs as deployed: `pnpm start:bot`
 * (apps/bot/package.json), deploy/systemd/callbot-bot.service, deploy/docker/compose.yaml and the
 * image's default command, and `pnpm bench`, which runs the bundle as deployed. tests/deploy
 * checks that each of them has them.
 *
 * Why: the bot's live heap is about 25 MB, but a busy bot allocates tens of MB a second (grammY's
 * per-update middleware chain, ioredis commands, promises), and Node 20's defaults let V8 keep far
 * more than that resident (tools/bench/results/bot-memory/README.md has the figures):
 * - `--max-semi-space-size=4` (MB): the young generation is two semi-spaces, which Node 20 lets
 *   grow to 16 MB each; a busy bot fills them and they stay resident (32 MB). 2 x 4 MB is enough:
 *   what survives a scavenge goes to the old generation sooner, which the next flag keeps small.
 *   Not 2: at the maximum rate a 2 MB nursery is scavenged every few requests while ~200 are in
 *   flight, and the bot was 1.2x dearer per /newcall than with 4 (three interleaved runs each,
 *   tools/bench/results/redis-writes/README.md), for ~3 MB less RSS after the soak.
 * - `--heap-growing-percent=50`: after a full collection V8 lets the old generation grow to as much as
 *   4x the live heap before the next one, and a bot whose requests wait seconds on Telegram and
 *   Redis promotes much garbage into it; 1.5x keeps it near the live heap, without a hard cap
 *   (unlike --max-old-space-size, which would crash a bot whose live heap outgrew it).
 */
export const BOT_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--heap-growing-percent=50"];
