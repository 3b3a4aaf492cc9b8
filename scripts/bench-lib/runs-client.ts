import http from "node:http";
import type { RunDetail, RunSummary } from "@/lib/engine/runs/schema";
import { TERMINAL_RUN_STATES } from "@/lib/engine/runs/schema";

/**
 * A machine client of one workspace, talking to Sluice's public REST API only: its tokens from
 * `POST /api/v1/oauth/token`, runs started with `POST …/workflows/{name}/runs` and followed with
 * `GET …/runs/{id}` (what `npm run bench:engine` measures).
 */
type Credentials = { clientId: string; clientSecret: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export class RunsClient {
  private token = "";
  private tokenExpiresAt = 0;

  constructor(
    readonly url: string,
    readonly workspaceId: string,
    private readonly credentials: Credentials,
  ) {}

  /** A client-credentials token, renewed a minute before it expires (a long benchmark outlives one). */
  private async bearer(): Promise<string> {
    if (Date.now() < this.tokenExpiresAt - 60_000) return this.token;
    const response = await fetch(`${this.url}/api/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token || !body.expires_in) throw new Error(`the token endpoint answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    this.token = body.access_token;
    this.tokenExpiresAt = Date.now() + body.expires_in * 1000;
    return this.token;
  }

  /**
   * node:http over kept-alive connections rather than fetch: the client shares the machine with the
   * server it measures, and fetch cost it about 1.5 ms of CPU per call (in a real deployment the
   * callers are elsewhere).
   */
  private async request<T>(method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${await this.bearer()}`, accept: "application/json" };
    if (payload !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${this.url}/api/v1/workspaces/${this.workspaceId}${route}`, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
    if (status < 200 || status >= 300) throw new Error(`${method} ${route} answered ${status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  startRun(workflow: string): Promise<RunDetail> {
    return this.request("POST", `/workflows/${workflow}/runs`, { inputs: {} });
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.request("GET", `/runs/${runId}`);
  }

  /** Polls the run every `intervalMs` until it ends, whatever its end. */
  async waitForEnd(runId: string, intervalMs: number, timeoutMs = 600_000): Promise<RunDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.getRun(runId);
      if (isEnded(run)) return run;
      if (Date.now() > deadline) throw new Error(`run ${runId} of ${run.workflow.name} is still ${run.state} after ${timeoutMs / 1000} s`);
      await sleep(intervalMs);
    }
  }

  /** Polls the run every `intervalMs` until it ends; throws unless it succeeded. */
  async waitForRun(runId: string, intervalMs: number, timeoutMs = 600_000): Promise<RunDetail> {
    const run = await this.waitForEnd(runId, intervalMs, timeoutMs);
    if (run.state !== "succeeded") throw new Error(`run ${runId} of ${run.workflow.name} ended ${run.state}: ${run.error}`);
    return run;
  }

  /** Whether any run of the workflow is still queued or running (two one-item list pages). */
  async anyUnfinished(workflow: string): Promise<boolean> {
    for (const state of ["queued", "running"]) {
      const page = await this.request<{ items: RunSummary[] }>("GET", `/runs?workflow=${workflow}&state=${state}&limit=1`);
      if (page.items.length > 0) return true;
    }
    return false;
  }
}

export const isEnded = (run: Pick<RunSummary, "state">) => TERMINAL_RUN_STATES.includes(run.state);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
