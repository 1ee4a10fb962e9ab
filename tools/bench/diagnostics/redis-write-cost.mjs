// What one write to Redis costs the process that makes it, against ten commands sharing a write.
// Run beside a Redis on 127.0.0.1:6379: `node tools/bench/diagnostics/redis-write-cost.mjs`.
// (tools/bench/results/redis-writes/README.md explains why it matters.)
import net from "node:net";

const COMMANDS = 5_000;
const PING = "*1\r\n$4\r\nPING\r\n";
const socket = net.connect(6379, "127.0.0.1", async () => {
  socket.setNoDelay(true);
  let inWrite = 0n;
  const started = process.hrtime.bigint();
  for (let i = 0; i < COMMANDS; i++) {
    await new Promise((resolve) => {
      socket.once("data", resolve);
      const before = process.hrtime.bigint();
      socket.write(PING);
      inWrite += process.hrtime.bigint() - before;
    });
  }
  const oneByOne = process.hrtime.bigint() - started;
  const batchedStart = process.hrtime.bigint();
  for (let i = 0; i < COMMANDS / 10; i++) {
    await new Promise((resolve) => {
      let answers = 0;
      const onData = (data) => {
        answers += data.toString().split("PONG").length - 1;
        if (answers >= 10) {
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
      socket.write(PING.repeat(10));
    });
  }
  const batched = process.hrtime.bigint() - batchedStart;
  const us = (ns) => (Number(ns) / COMMANDS / 1000).toFixed(1);
  console.log(`one command per write: ${us(inWrite)} us inside write(), ${us(oneByOne)} us per round trip`);
  console.log(`ten commands per write: ${us(batched)} us per command, round trip included`);
  socket.end();
});
