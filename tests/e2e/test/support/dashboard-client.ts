import { QUEUE_NAMES } from "@callbot/shared";

/** Credentials the dashboard tests configure (DASHBOARD_USER, DASHBOARD_PASSWORD). */
export const DASHBOARD_USER = "ops";
export const DASHBOARD_PASSWORD = "e2e-dashboard-password";

/** The dashboard's settings for a pipeline: loopback, a free port, basic auth. */
export const DASHBOARD_CONFIG = {
  listen: { host: "127.0.0.1", port: 0 },
  credentials: { user: DASHBOARD_USER, password: DASHBOARD_PASSWORD },
};

const AUTH = `Basic ${Buffer.from(`${DASHBOARD_USER}:${DASHBOARD_PASSWORD}`).toString("base64")}`;

/** The job states bull-board lists; "latest" is its own mix of the newest of each. */
const STATUSES = ["latest", "active", "waiting", "delayed", "completed", "failed"] as const;

/**
 * Every JSON answer the dashboard's API gives an operator's browser: each queue in each state,
 * each job listed on its own, the job schedulers (recurring rules) and Redis's stats. What a test
 * scans for secrets.
 */
export async function readDashboardApi(port: number): Promise<{ path: string; body: string }[]> {
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: AUTH } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body}`);
    return { path, body };
  };
  const answers = [await get("/api/job-schedulers"), await get("/api/redis/stats")];
  for (const queue of Object.values(QUEUE_NAMES)) {
    for (const status of STATUSES) {
      const listing = await get(`/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=50`);
      answers.push(listing);
      const parsed = JSON.parse(listing.body) as { queues: { name: string; jobs: { id: string }[] }[] };
      const jobs = parsed.queues.find((listed) => listed.name === queue)?.jobs ?? [];
      for (const job of jobs) answers.push(await get(`/api/queues/${queue}/${encodeURIComponent(job.id)}`));
    }
  }
  return answers;
}
