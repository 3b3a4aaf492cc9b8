import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { LocalWorker } from "./worker";

/** An error as drizzle wraps PostgreSQL's, with the server's SQLSTATE on its cause. */
const pgError = (code: string) => Object.assign(new Error("Failed query"), { cause: Object.assign(new Error(code), { code }) });

describe("a state-machine transaction", () => {
  it("runs again when PostgreSQL broke a deadlock or a serialization conflict by rolling it back", async () => {
    const worker = new LocalWorker(1);
    let tries = 0;
    await worker.transact(async (ctx) => {
      tries += 1;
      await ctx.tx.execute(sql`select 1`);
      if (tries === 1) throw pgError("40P01");
      if (tries === 2) throw pgError("40001");
    });
    expect(tries).toBe(3);
  });

  it("gives up after three tries, and never repeats other failures", async () => {
    const worker = new LocalWorker(1);
    let tries = 0;
    const failing = (code: string) => async () => {
      tries += 1;
      throw pgError(code);
    };
    await expect(worker.transact(failing("40P01"))).rejects.toThrow("Failed query");
    expect(tries).toBe(3);
    tries = 0;
    await expect(worker.transact(failing("23505"))).rejects.toThrow("Failed query");
    expect(tries).toBe(1);
  });
});
