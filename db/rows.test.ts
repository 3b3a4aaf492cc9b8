import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "./client";
import { fromJsonRow, insertFromJson } from "./rows";
import { jobs } from "./schema";

describe("rows as JSON", () => {
  it("inserts rows sent as one JSON parameter: nested JSON, dates and nulls as given, defaults and computed columns filled", async () => {
    const db = await database();
    const runAt = new Date("2031-02-03T04:05:06.789Z");
    const rows = [
      { kind: "json-insert", tenantKey: "t1", payload: { list: [1, { deep: "ü\"'" }], none: null }, runAt, uniqueKey: null },
      { kind: "json-insert", tenantKey: "t2", payload: {}, runAt, uniqueKey: `json-insert:${Date.now()}` },
    ];
    const { rows: inserted } = await db.execute<{ row: Record<string, unknown> }>(
      sql`with added as (${insertFromJson(jobs, rows, { lockedUntil: sql`now() + interval '1 hour'` })}) select to_json(added) as row from added order by id`,
    );
    const [first, second] = inserted.map(({ row }) => fromJsonRow(jobs, row));
    expect(first).toMatchObject({ kind: "json-insert", tenantKey: "t1", payload: rows[0].payload, uniqueKey: null, attempts: 0, lockedBy: null });
    expect(first.runAt.toISOString()).toBe(runAt.toISOString());
    expect(first.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(second).toMatchObject({ tenantKey: "t2", payload: {}, uniqueKey: rows[1].uniqueKey });
    const [stored] = await db.select().from(jobs).where(eq(jobs.id, first.id));
    expect(stored.payload).toEqual(rows[0].payload);
    await db.delete(jobs).where(eq(jobs.kind, "json-insert"));
  });

  it("keeps one statement text whatever the number of rows, and refuses rows that differ in their columns or hold SQL", async () => {
    const text = (count: number) => sql`${insertFromJson(jobs, Array.from({ length: count }, (_, i) => ({ kind: "k", tenantKey: `t${i}` })))}`;
    const { dialect } = (await database()) as unknown as { dialect: { sqlToQuery: (query: unknown) => { sql: string } } };
    expect(dialect.sqlToQuery(text(1)).sql).toBe(dialect.sqlToQuery(text(40)).sql);
    expect(() => insertFromJson(jobs, [{ kind: "k" }, { kind: "k", tenantKey: "t" }])).toThrow(/same columns/);
    expect(() => insertFromJson(jobs, [{ kind: "k", runAt: sql`now()` }])).toThrow(/give it as computed/);
  });
});
