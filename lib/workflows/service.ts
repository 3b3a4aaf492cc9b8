import { and, asc, desc, eq, gt, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { stringify } from "yaml";
import { z } from "zod";
import { database } from "@/db/client";
import { workflows, workflowVersions } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { AppError, conflict, invalid, notFound } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/http/cursor";
import { secretNamesOf } from "@/lib/secrets/service";
import { parseInput } from "@/lib/validation";
import { assertActive, enterWorkspace, type GuardedWorkspace } from "@/lib/workspaces/guard";
import { listWorkspaces } from "@/lib/workspaces/service";
import { createWorkflowBody, exportQuery, listWorkflowsQuery, saveWorkflowBody, type WorkflowSummary, type WorkflowVersion } from "./api-schema";
import { exportToArgo } from "./argo/export";
import { ArgoImportError, fromArgo, fromSluiceJson, type ImportWarning } from "./argo/import";
import { diffSpecs } from "./diff";
import { collectCalls, exitGraph, specGraph, walkGraphs } from "./graph";
import { dnsName, SLUICE_KIND, STEP_KINDS, workflowSpec, type Graph, type Problem, type SluiceDocument, type StepKind, type WorkflowSpec } from "./model";
import { validateWorkflow, type ValidationContext } from "./validate";

type WorkflowRow = typeof workflows.$inferSelect;
type VersionRow = typeof workflowVersions.$inferSelect;
type Ref = { workspaceId: string; name: string };

function summary(row: WorkflowRow): WorkflowSummary {
  return {
    name: row.name,
    description: row.description,
    labels: row.labels,
    latestVersion: row.latestVersion,
    stepCount: row.stepCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

function presentVersion(name: string, row: VersionRow): WorkflowVersion {
  return { name, version: row.version, spec: row.spec, message: row.message, author: { id: row.authorId, name: row.authorName }, createdAt: row.createdAt.toISOString() };
}

/** Steps of a spec, in groups and in the exit handler too. */
function countSteps(spec: WorkflowSpec) {
  let count = 0;
  const add = (graph: Graph) => (count += graph.steps.length);
  walkGraphs(specGraph(spec), add);
  const onExit = exitGraph(spec);
  if (onExit) walkGraphs(onExit, add);
  return count;
}

async function findWorkflow(ws: GuardedWorkspace, name: string): Promise<WorkflowRow> {
  const db = await database();
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.workspaceId, ws.id), eq(workflows.name, name), isNull(workflows.deletedAt)));
  if (!row) throw notFound("workflow");
  return row;
}

async function findVersion(workflow: WorkflowRow, version: number): Promise<VersionRow> {
  const db = await database();
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.version, version)));
  if (!row) throw notFound("workflow version");
  return row;
}

const isStepKind = (kind: string): kind is StepKind => (STEP_KINDS as readonly string[]).includes(kind);

/**
 * What validation needs from the workspace: secret names, workflow versions' interfaces and the step
 * kinds it allows. For a `spec`, only what it can use: the workflows its calls reach, and the secret
 * names only when it names a secret at all; without one (the editor's palette), every workflow.
 */
export async function validationContext(ws: GuardedWorkspace, selfName?: string, spec?: WorkflowSpec): Promise<ValidationContext> {
  const rows = spec ? await reachableVersions(ws, collectCalls(spec)) : await versionRows(ws);
  const byName = new Map<string, ValidationContext["workflows"][number]["versions"][number][]>();
  for (const row of rows) {
    const versions = byName.get(row.name) ?? [];
    versions.push({ version: row.version, inputs: row.inputs ?? [], outputs: row.outputs ?? [], calls: row.calls });
    byName.set(row.name, versions);
  }
  return {
    secretNames: !spec || namesSecrets(spec) ? await secretNamesOf(ws.id) : [],
    workflows: [...byName].map(([name, versions]) => ({ name, versions })),
    self: selfName ? { name: selfName } : undefined,
    allowedStepKinds: ws.allowedStepKinds?.filter(isStepKind),
  };
}

/** Whether a spec names a secret anywhere: a `{ from: "secret" }` value or an input of type secret. */
const namesSecrets = (spec: WorkflowSpec) => JSON.stringify(spec).includes('"secret"');

/** A version's interface, read without the rest of its spec. */
const interfaceColumns = {
  name: workflows.name,
  version: workflowVersions.version,
  inputs: sql<WorkflowSpec["inputs"]>`${workflowVersions.spec}->'inputs'`,
  outputs: sql<WorkflowSpec["outputs"]>`${workflowVersions.spec}->'outputs'`,
  calls: workflowVersions.calls,
};

/** The versions of the workspace's workflows: all of them, or those of `names` with their specs. */
async function versionRows(ws: Pick<GuardedWorkspace, "id">, names?: string[]) {
  const db = await database();
  return db
    .select({ ...interfaceColumns, spec: names ? workflowVersions.spec : sql<null>`null` })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.workflowId, workflows.id))
    .where(and(eq(workflows.workspaceId, ws.id), isNull(workflows.deletedAt), names ? inArray(workflows.name, names) : undefined))
    .orderBy(asc(workflows.name), asc(workflowVersions.version));
}

/** Every version of every workflow that `calls` reach, transitively (through the versions called). */
async function reachableVersions(ws: Pick<GuardedWorkspace, "id">, calls: { workflow: string; version: number }[]) {
  const key = (call: { workflow: string; version: number }) => `${call.workflow}@${call.version}`;
  const rows = new Map<string, Awaited<ReturnType<typeof versionRows>>[number]>();
  const queried = new Set<string>();
  const seen = new Set<string>();
  let pending = calls;
  while (pending.length > 0) {
    const names = [...new Set(pending.map((call) => call.workflow))].filter((name) => !queried.has(name));
    for (const name of names) queried.add(name);
    if (names.length > 0) for (const row of await versionRows(ws, names)) rows.set(key({ workflow: row.name, version: row.version }), row);
    for (const call of pending) seen.add(key(call));
    pending = pending.flatMap((call) => rows.get(key(call))?.calls ?? []).filter((call) => !seen.has(key(call)));
  }
  return [...rows.values()];
}

function problemsError(problems: Problem[]) {
  return new AppError(400, "invalid_workflow", `The workflow has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`, {
    problems,
    errors: problems.map((p) => ({ path: [...(p.step ? ["steps", ...p.step] : []), ...(p.field ?? [])].join("."), message: p.message })),
  });
}

async function assertValid(ws: GuardedWorkspace, name: string, spec: WorkflowSpec) {
  const problems = validateWorkflow(spec, await validationContext(ws, name, spec));
  if (problems.length > 0) throw problemsError(problems);
}

export async function listWorkflows(p: Principal, input: Pick<Ref, "workspaceId"> & z.input<typeof listWorkflowsQuery>) {
  const { workspaceId, ...rest } = input;
  const query = parseInput(listWorkflowsQuery, rest);
  const ws = await enterWorkspace(p, workspaceId, "workflow.read");
  const filters: (SQL | undefined)[] = [eq(workflows.workspaceId, ws.id), isNull(workflows.deletedAt)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(ilike(workflows.name, like), ilike(workflows.description, like)));
  }
  if (query.label) {
    const [key, value] = query.label.split("=", 2);
    filters.push(value === undefined ? sql`${workflows.labels} ? ${key}` : sql`${workflows.labels} @> ${JSON.stringify({ [key]: value })}::jsonb`);
  }
  if (query.cursor) filters.push(gt(workflows.name, decodeCursor(query.cursor)));
  const db = await database();
  const rows = await db
    .select()
    .from(workflows)
    .where(and(...filters))
    .orderBy(asc(workflows.name))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(summary);
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1].name) : null };
}

export async function getWorkflow(p: Principal, input: Ref & { version?: number }) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.read");
  const workflow = await findWorkflow(ws, input.name);
  const version = await findVersion(workflow, input.version ?? workflow.latestVersion);
  return { ...summary(workflow), version: presentVersion(workflow.name, version) };
}

const createInput = createWorkflowBody.extend({ workspaceId: z.string() });

async function insertWorkflow(p: Principal, ws: GuardedWorkspace, data: { name: string; spec: WorkflowSpec; message: string }, action: string) {
  const db = await database();
  try {
    return await db.transaction(async (tx) => {
      const [workflow] = await tx
        .insert(workflows)
        .values({
          tenantId: p.tenantId,
          workspaceId: ws.id,
          name: data.name,
          description: data.spec.description,
          labels: data.spec.labels,
          latestVersion: 1,
          stepCount: countSteps(data.spec),
          updatedBy: describePrincipal(p),
        })
        .returning();
      const [version] = await tx
        .insert(workflowVersions)
        .values({ workflowId: workflow.id, version: 1, spec: data.spec, calls: collectCalls(data.spec), message: data.message, authorId: p.id, authorName: describePrincipal(p) })
        .returning();
      await recordAudit(tx, p, { action, targetType: "workflow", targetId: workflow.id, workspaceId: ws.id, after: { name: workflow.name, version: 1 } });
      return { ...summary(workflow), version: presentVersion(workflow.name, version) };
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "23505") {
      throw conflict("name_taken", `A workflow named ${data.name} already exists in this workspace.`, { errors: [{ path: "name", message: "already taken" }] });
    }
    throw error;
  }
}

export async function createWorkflow(p: Principal, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "workflow.write");
  assertActive(ws);
  await assertValid(ws, data.name, data.spec);
  return insertWorkflow(p, ws, data, "workflow.create");
}

const saveInput = saveWorkflowBody.extend({ workspaceId: z.string(), name: z.string() });

/** Saves a new immutable version; a save based on an older version than the latest is refused (409). */
export async function saveWorkflow(p: Principal, input: z.input<typeof saveInput>, action = "workflow.save") {
  const data = parseInput(saveInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "workflow.write");
  assertActive(ws);
  const current = await findWorkflow(ws, data.name);
  await assertValid(ws, data.name, data.spec);
  const db = await database();
  const saved = await db.transaction(async (tx) => {
    const [workflow] = await tx.select().from(workflows).where(eq(workflows.id, current.id)).for("update");
    if (workflow.latestVersion !== data.baseVersion) {
      const [latest] = await tx
        .select()
        .from(workflowVersions)
        .where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.version, workflow.latestVersion)));
      throw conflict("stale_version", `${latest.authorName} saved version ${latest.version} at ${latest.createdAt.toISOString()} after the version you edited (${data.baseVersion}).`, {
        latest: { version: latest.version, author: { id: latest.authorId, name: latest.authorName }, createdAt: latest.createdAt.toISOString() },
      });
    }
    const next = workflow.latestVersion + 1;
    const [version] = await tx
      .insert(workflowVersions)
      .values({ workflowId: workflow.id, version: next, spec: data.spec, calls: collectCalls(data.spec), message: data.message, authorId: p.id, authorName: describePrincipal(p) })
      .returning();
    const [updated] = await tx
      .update(workflows)
      .set({ latestVersion: next, description: data.spec.description, labels: data.spec.labels, stepCount: countSteps(data.spec), updatedAt: new Date(), updatedBy: describePrincipal(p) })
      .where(eq(workflows.id, workflow.id))
      .returning();
    await recordAudit(tx, p, { action, targetType: "workflow", targetId: workflow.id, workspaceId: ws.id, before: { version: data.baseVersion }, after: { version: next, message: data.message } });
    return { ...summary(updated), version: presentVersion(updated.name, version) };
  });
  // Schedules on the cluster that run the latest version follow the new one (imported late: triggers build on this module).
  await (await import("@/lib/engine/triggers/schedules")).workflowVersionSaved(ws, current.id);
  return saved;
}

export async function restoreVersion(p: Principal, input: Ref & { version: number; baseVersion: number }) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.write");
  const old = await findVersion(await findWorkflow(ws, input.name), input.version);
  return saveWorkflow(p, { workspaceId: input.workspaceId, name: input.name, baseVersion: input.baseVersion, spec: old.spec, message: `Restored version ${input.version}` }, "workflow.restore");
}

export async function deleteWorkflow(p: Principal, input: Ref) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.write");
  assertActive(ws);
  const workflow = await findWorkflow(ws, input.name);
  const db = await database();
  await db.transaction(async (tx) => {
    await tx.update(workflows).set({ deletedAt: new Date() }).where(eq(workflows.id, workflow.id));
    await recordAudit(tx, p, { action: "workflow.delete", targetType: "workflow", targetId: workflow.id, workspaceId: ws.id, before: { name: workflow.name, version: workflow.latestVersion } });
  });
}

export async function listVersions(p: Principal, input: Ref) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.read");
  const workflow = await findWorkflow(ws, input.name);
  const db = await database();
  const rows = await db
    .select({ version: workflowVersions.version, message: workflowVersions.message, authorId: workflowVersions.authorId, authorName: workflowVersions.authorName, createdAt: workflowVersions.createdAt })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflow.id))
    .orderBy(desc(workflowVersions.version));
  return { items: rows.map((r) => ({ version: r.version, message: r.message, author: { id: r.authorId, name: r.authorName }, createdAt: r.createdAt.toISOString() })) };
}

export async function getVersion(p: Principal, input: Ref & { version: number }) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.read");
  const workflow = await findWorkflow(ws, input.name);
  return presentVersion(workflow.name, await findVersion(workflow, input.version));
}

/** A readable diff from `version` to `to` (default: the latest). */
export async function diffVersions(p: Principal, input: Ref & { version: number; to?: number }) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.read");
  const workflow = await findWorkflow(ws, input.name);
  const [from, to] = await Promise.all([findVersion(workflow, input.version), findVersion(workflow, input.to ?? workflow.latestVersion)]);
  return { from: from.version, to: to.version, ...diffSpecs(from.spec, to.spec) };
}

export async function validateSpec(p: Principal, input: { workspaceId: string; name?: string; spec: unknown }) {
  const ws = await enterWorkspace(p, input.workspaceId, "workflow.read");
  const spec = parseInput(workflowSpec, input.spec);
  const problems = validateWorkflow(spec, await validationContext(ws, input.name, spec));
  return { valid: problems.length === 0, problems };
}

/** Every version that `calls` reaches, transitively, by name and version, so an export can inline sub-workflows. */
export async function loadCallees(ws: Pick<GuardedWorkspace, "id">, calls: { workflow: string; version: number }[]) {
  return new Map((await reachableVersions(ws, calls)).map((row) => [`${row.name}@${row.version}`, row.spec as WorkflowSpec]));
}

export async function exportWorkflow(p: Principal, input: Ref & z.input<typeof exportQuery>) {
  const { workspaceId, name, ...rest } = input;
  const query = parseInput(exportQuery, rest);
  const ws = await enterWorkspace(p, workspaceId, "workflow.read");
  const workflow = await findWorkflow(ws, name);
  const version = await findVersion(workflow, query.version ?? workflow.latestVersion);
  if (query.format === "sluice") {
    const document: SluiceDocument = { kind: SLUICE_KIND, version: 1, name: workflow.name, spec: version.spec };
    return { filename: `${workflow.name}-v${version.version}.sluice.json`, contentType: "application/json", body: JSON.stringify(document, null, 2), warnings: [] };
  }
  const callees = await loadCallees(ws, version.calls);
  const { manifest, warnings } = exportToArgo(workflow.name, version.spec, {
    kind: query.format === "argo-template" ? "WorkflowTemplate" : "Workflow",
    resolveCall: (callee, calleeVersion) => callees.get(`${callee}@${calleeVersion}`),
  });
  return { filename: `${workflow.name}-v${version.version}.argo.yaml`, contentType: "application/yaml", body: stringify(manifest, { lineWidth: 0 }), warnings };
}

const importInput = z.object({ workspaceId: z.string(), document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]), name: z.string().optional() });

function parseDocument(document: string | Record<string, unknown>): { name: string; spec: WorkflowSpec; warnings: ImportWarning[] } {
  const text = typeof document === "string" ? document.trim() : undefined;
  const object = typeof document === "string" ? (text!.startsWith("{") ? safeJson(text!) : undefined) : document;
  if (object?.kind === SLUICE_KIND) {
    const result = fromSluiceJson(object);
    if (!result.ok) throw invalid(result.errors.map((e) => ({ path: e.path, message: e.message })), "The Sluice JSON document is not valid.");
    return { name: result.document.name, spec: result.document.spec, warnings: [] };
  }
  try {
    return fromArgo(object ?? text!);
  } catch (error) {
    if (error instanceof ArgoImportError) throw new AppError(400, "invalid_document", error.message);
    throw error;
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Imports Sluice JSON or an Argo Workflow/WorkflowTemplate/CronWorkflow as a new workflow. Unlike a
 * save, an import is kept even when it does not validate yet (e.g. it names secrets this workspace
 * lacks): the problems are returned so they can be fixed in the builder.
 */
export async function importWorkflow(p: Principal, input: z.input<typeof importInput>) {
  const data = parseInput(importInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "workflow.write");
  assertActive(ws);
  const imported = parseDocument(data.document);
  const name = parseInput(z.object({ name: dnsName }), { name: data.name ?? imported.name }).name;
  const problems = validateWorkflow(imported.spec, await validationContext(ws, name, imported.spec));
  const workflow = await insertWorkflow(p, ws, { name, spec: imported.spec, message: "Imported" }, "workflow.import");
  return { name, workflow, warnings: imported.warnings, problems };
}

/** The most recently changed workflows across every workspace the caller may enter. */
export async function listRecentWorkflows(p: Principal, input: { limit?: number } = {}) {
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 500);
  const { items: visible } = await listWorkspaces(p, { limit: 200 });
  const entered = visible.filter((ws) => ws.access !== "none");
  if (entered.length === 0) return { items: [] };
  const db = await database();
  const rows = await db
    .select()
    .from(workflows)
    .where(and(inArray(workflows.workspaceId, entered.map((ws) => ws.id)), isNull(workflows.deletedAt)))
    .orderBy(desc(workflows.updatedAt))
    .limit(limit);
  const names = new Map(entered.map((ws) => [ws.id, ws.name]));
  return { items: rows.map((row) => ({ workspace: { id: row.workspaceId, name: names.get(row.workspaceId)! }, workflow: summary(row) })) };
}
