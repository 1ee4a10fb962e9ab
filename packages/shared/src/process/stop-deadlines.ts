/**
 * After SIGTERM, the worker process exits within this long whatever hangs: 10 s for in-flight
 * jobs to finish (startCallWorker's shutdownGraceMs), then handing the rest back and closing.
 * The bot's is SHUTDOWN_DEADLINE_MS (on-shutdown-signal.ts). Supervisors must wait longer than
 * these before killing: deploy/systemd's TimeoutStopSec and compose's stop_grace_period are
 * checked against them (tests/deploy).
 */
export const WORKER_EXIT_DEADLINE_MS = 20_000;
