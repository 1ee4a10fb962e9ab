export { type CallWorker, type StartCallWorkerOptions, startCallWorker } from "./start-worker.ts";
