import { randomUUID } from "node:crypto";
import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { eventDeliveryRuns, runs, storageCommits } from "@/db/schema";
import { LOADING_ZONE } from "@/lib/access/actions";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { emitEvent } from "@/lib/engine/triggers/events";
import { MAX_EVENT_PAYLOAD_BYTES } from "@/lib/engine/triggers/schema";
import { wakeWorkers } from "@/lib/engine/local/signals";
import { AppError, invalid } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { accountOf, blobService, callStorage } from "./account";
import { enterSpace } from "./guard";
import { commitQuery, targetQuery, type StorageCommit } from "./schema";

/** The event a commit emits; event triggers bind workflows to it with a filter on organization and space. */
export const COMMIT_EVENT = "storage.commit";
/** Files one commit may name (its event carries them all). */
export const MAX_COMMIT_FILES = 1_000;

/** A folder of the loading zone: no leading or trailing slashes, no empty, "." or ".." segments. */
function folderOf(rootDir: string) {
  const folder = rootDir.replace(/^\/+|\/+$/g, "");
  if (!folder || folder.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw invalid([{ path: "query.rootDir", message: 'a folder such as "batch-7" or "2024/06/run-1"' }], "The query string is not valid.");
  }
  return folder;
}

/**
 * The seed's commit: the caller (who may upload to the space) says the files under `rootDir` in the
 * loading zone are complete. Sluice lists them, records the commit and emits `storage.commit` with
 * the organization, the space, the folder and the files — in one transaction, so the workflows bound
 * to it start exactly when the commit is recorded.
 */
export async function commitUpload(p: Principal, input: z.input<typeof commitQuery>): Promise<StorageCommit> {
  const query = parseInput(commitQuery, input, "The query string is not valid.", "query");
  const rootDir = folderOf(query.rootDir);
  const { org, space } = await enterSpace(p, query.organization, query.space, "space.upload");
  const zone = blobService(accountOf(org)).getContainerClient(LOADING_ZONE);
  const files = await callStorage(async () => {
    const found: { name: string; size: number }[] = [];
    for await (const blob of zone.listBlobsFlat({ prefix: `${rootDir}/` })) {
      if (found.length === MAX_COMMIT_FILES) throw tooLarge(`more than ${MAX_COMMIT_FILES} files`);
      found.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
    }
    return found;
  });
  const id = randomUUID();
  const by = describePrincipal(p);
  const payload = { commitId: id, organization: org.name, space: space.name, rootDir, container: LOADING_ZONE, files, committedBy: by };
  if (JSON.stringify(payload).length > MAX_EVENT_PAYLOAD_BYTES) throw tooLarge(`a file list over ${MAX_EVENT_PAYLOAD_BYTES / 1024} KiB`);
  const db = await database();
  const row = await db.transaction(async (tx) => {
    const deliveryId = await emitEvent(p.tenantId, COMMIT_EVENT, payload, `storage commit ${id}`, tx);
    const [created] = await tx.insert(storageCommits).values({ id, tenantId: p.tenantId, spaceId: space.id, rootDir, files, eventDeliveryId: deliveryId, createdBy: by }).returning();
    await recordAudit(tx, p, { action: "storage.commit", targetType: "storage_space", targetId: space.id, workspaceId: space.workspaceId, after: { organization: org.name, space: space.name, rootDir, files: files.length } });
    return created;
  });
  wakeWorkers({ queuedJobs: true });
  return presentCommit(row, org.name, space.name);
}

const tooLarge = (what: string) => new AppError(422, "commit_too_large", `The folder holds ${what}; commit smaller folders.`);

function presentCommit(row: typeof storageCommits.$inferSelect, organization: string, space: string): StorageCommit {
  return { id: row.id, organization, space, rootDir: row.rootDir, files: row.files, eventDeliveryId: row.eventDeliveryId, createdBy: row.createdBy, createdAt: row.createdAt.toISOString() };
}

const listInput = targetQuery.extend({ limit: z.number().int().min(1).max(50).default(10) });

/** A commit with what its event started so far: a run per bound workflow, or why none started. */
export type CommitStarts = StorageCommit & { starts: { workflow: string | null; workspaceId: string | null; runId: string | null; error: string | null }[] };

/** The space's recent commits, newest first, with the runs they started. */
export async function listCommits(p: Principal, input: z.input<typeof listInput>): Promise<CommitStarts[]> {
  const query = parseInput(listInput, input);
  const { org, space } = await enterSpace(p, query.organization, query.space, "space.read");
  const db = await database();
  const rows = await db.select().from(storageCommits).where(eq(storageCommits.spaceId, space.id)).orderBy(desc(storageCommits.createdAt)).limit(query.limit);
  const deliveries = rows.flatMap((row) => (row.eventDeliveryId === null ? [] : [row.eventDeliveryId]));
  const starts =
    deliveries.length === 0
      ? []
      : await db
          .select({ deliveryId: eventDeliveryRuns.deliveryId, runId: eventDeliveryRuns.runId, error: eventDeliveryRuns.error, workflow: runs.workflowName, workspaceId: runs.workspaceId })
          .from(eventDeliveryRuns)
          .leftJoin(runs, eq(runs.id, eventDeliveryRuns.runId))
          .where(inArray(eventDeliveryRuns.deliveryId, deliveries));
  return rows.map((row) => ({
    ...presentCommit(row, org.name, space.name),
    starts: starts.filter((start) => start.deliveryId === row.eventDeliveryId).map(({ deliveryId: _, ...start }) => start),
  }));
}
