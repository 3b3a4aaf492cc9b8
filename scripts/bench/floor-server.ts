/**
 * The floor for `npm run bench:api`: the least a server can do to answer Sluice's
 * `GET /api/v1/workspaces` (first page), on bare `node:http` — no Next.js, no Sluice code.
 *
 * What each request does, as Sluice's path does it (lib/auth/tokens.ts, lib/workspaces/queries.ts):
 * - reads the bearer token and looks it up in a per-process LRU of verified tokens kept 5 s (capped at
 *   the token's expiry), as `verifyBearer` does; on a miss it verifies the token with jose against
 *   Sluice's published JWKS (same algorithms, issuer, audience, required exp and sub) and loads the
 *   token's client and tenant from the database;
 * - checks the `workspaces:read` scope;
 * - runs the same SQL as Sluice's page of workspaces with the caller's membership (limit + 1 rows,
 *   a named prepared statement on PostgreSQL, unnamed on embedded PGlite, as db/client.ts decides);
 * - answers the first 50 as JSON with the next-page cursor.
 * What it leaves out is what Sluice adds around that work: routing, zod parsing, the access policy
 * (per-workspace access and visibility), the request context and logging, Web Request/Response objects.
 *
 * Runs as many processes as Sluice's server (node:cluster) with the same pool size per process.
 * Configuration comes as JSON in FLOOR_CONFIG; the primary sends "ready" over IPC once all listen.
 */
import cluster from "node:cluster";
import http from "node:http";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { LRUCache } from "lru-cache";
import pg from "pg";

export type FloorConfig = { port: number; workers: number; databaseUrl: string; jwksUrl: string; issuer: string; audience: string; algorithms: string[] };

const PAGE_LIMIT = 50;
const VERIFIED_TTL_MS = 5_000;
const PAGE_SQL = `select w.id, w.tenant_id, w.name, w.description, w.access_rules, w.hidden, w.archived_at, w.version, w.created_at, w.updated_at, m.role
  from workspaces w
  left join workspace_members m on (m.workspace_id = w.id and m.principal_kind = $1 and m.principal_id = $2)
  where (w.tenant_id = $3 and ($4::text = 'include' or (w.archived_at is not null) = ($4::text = 'only'))
    and ($5::text is null or w.name ilike $5::text) and ($6::text is null or w.name > $6::text))
  order by w.name asc limit $7`;
const CLIENT_SQL = `select c.id, c.tenant_id, c.scopes from clients c inner join tenants t on t.id = c.tenant_id where c.id = $1 and c.revoked_at is null`;

type Caller = { id: string; tenantId: string; scopes: string[] };
type WorkspaceRow = {
  id: string;
  name: string;
  description: string;
  access_rules: string[][];
  hidden: boolean;
  archived_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  role: string | null;
};

const config = JSON.parse(process.env.FLOOR_CONFIG ?? "") as FloorConfig;

async function serve() {
  const keys = createLocalJWKSet((await (await fetch(config.jwksUrl)).json()) as JSONWebKeySet);
  const probe = new pg.Client({ connectionString: config.databaseUrl });
  await probe.connect();
  const embedded = (await probe.query<{ version: string }>("select version()")).rows[0].version.includes("PGlite");
  await probe.end();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: embedded ? 8 : Number(process.env.DATABASE_POOL_MAX ?? 10) });
  const pageStatement = embedded ? undefined : "floor_workspaces_page";
  const verified = new LRUCache<string, Caller>({ max: 10_000, ttl: VERIFIED_TTL_MS });

  async function caller(authorization: string | undefined): Promise<Caller | undefined> {
    const [kind, token] = (authorization ?? "").split(" ");
    if (kind?.toLowerCase() !== "bearer" || !token) return undefined;
    const cached = verified.get(token);
    if (cached) return cached;
    const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience, algorithms: config.algorithms, requiredClaims: ["exp", "sub"] });
    const { rows } = await pool.query<{ id: string; tenant_id: string; scopes: string[] }>(CLIENT_SQL, [payload.sub]);
    if (!rows[0]) return undefined;
    const found = { id: rows[0].id, tenantId: rows[0].tenant_id, scopes: String(payload.scope ?? "").split(" ").filter((s) => rows[0].scopes.includes(s)) };
    verified.set(token, found, { ttl: Math.min(payload.exp! * 1000 - Date.now(), VERIFIED_TTL_MS) });
    return found;
  }

  async function page(who: Caller) {
    const values = ["client", who.id, who.tenantId, "exclude", null, null, PAGE_LIMIT + 1];
    const { rows } = await pool.query<WorkspaceRow>({ name: pageStatement, text: PAGE_SQL, values });
    const items = rows.slice(0, PAGE_LIMIT).map((w) => ({
      id: w.id,
      name: w.name,
      description: w.description,
      accessRules: w.access_rules,
      hidden: w.hidden,
      archived: w.archived_at !== null,
      memberRole: w.role,
      version: w.version,
      createdAt: w.created_at.toISOString(),
      updatedAt: w.updated_at.toISOString(),
    }));
    return { items, nextCursor: rows.length > PAGE_LIMIT ? Buffer.from(items[items.length - 1].name).toString("base64url") : null };
  }

  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== "GET" || req.url !== "/api/v1/workspaces") return void res.writeHead(404).end();
      const who = await caller(req.headers.authorization);
      if (!who?.scopes.includes("workspaces:read")) return void res.writeHead(401).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(await page(who)));
    } catch {
      res.writeHead(500).end();
    }
  });
  server.listen(config.port, "127.0.0.1");
}

if (cluster.isPrimary) {
  let listening = 0;
  let alive = config.workers;
  let stopping = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on("listening", () => {
    if (++listening === config.workers) process.send?.("ready");
  });
  cluster.on("exit", (worker, code) => {
    if (!stopping) console.error(`floor worker ${worker.process.pid} exited (${code}) during the run`);
    if (--alive === 0) process.exit(stopping ? 0 : 1);
  });
  // Workers end on the signal itself: a graceful close would message this process after it has gone (EPIPE).
  process.on("SIGTERM", () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  });
} else {
  await serve();
}
