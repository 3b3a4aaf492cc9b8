import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_LIMIT_PER_ADDRESS } from "@/lib/auth/token-schema";
import { rawRequest, startApiServer } from "@/lib/testing/api-server";
import { rateLimit } from "./rate-limit";

let server: Awaited<ReturnType<typeof startApiServer>>;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

describe("rate limits", () => {
  it("hold across processes: counts live in the database", async () => {
    const key = `test:${randomBytes(6).toString("hex")}`;
    const script = `const { rateLimit } = await import(${JSON.stringify(path.resolve("lib/http/rate-limit.ts"))}); for (let i = 0; i < 3; i++) await rateLimit([${JSON.stringify(key)}], 3); process.exit(0);`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: process.env, encoding: "utf8", timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    await expect(rateLimit([key], 3)).rejects.toMatchObject({ status: 429, code: "rate_limited" });
  });

  it("on the direct path, each peer address has its own bucket", async () => {
    const ask = (localAddress: string) =>
      rawRequest(server.port, {
        method: "POST",
        path: "/api/v1/oauth/token",
        localAddress,
        headers: { authorization: "Basic x", "content-type": "application/json", "x-forwarded-for": `198.51.100.${randomBytes(1)[0]}` },
        body: JSON.stringify({ grant_type: "client_credentials", client_id: `nobody-${randomBytes(3).toString("hex")}`, client_secret: "wrong" }),
      });
    const loopback = () => `127.0.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`;
    const from = loopback();
    const statuses: number[] = [];
    for (let i = 0; i <= TOKEN_LIMIT_PER_ADDRESS; i++) statuses.push((await ask(from)).status);
    expect(statuses.slice(0, TOKEN_LIMIT_PER_ADDRESS).every((s) => s === 401)).toBe(true);
    expect(statuses[TOKEN_LIMIT_PER_ADDRESS]).toBe(429);
    // a spoofed X-Forwarded-For did not change the bucket; another peer is not limited
    expect((await ask(loopback())).status).toBe(401);
  });
});
