import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { z } from "zod";
import { database, type Database } from "@/db/client";
import { storageOrganizations, storageSpaces } from "@/db/schema";
import { LOADING_ZONE } from "@/lib/access/actions";
import { authorize, can } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { conflict } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { parseConnection, prepareContainer, sealAccountKey, type AccountConnection } from "./account";
import { enterOrganization, orgGuard, type OrganizationRow } from "./guard";
import { createOrganizationBody, organizationParams, updateOrganizationBody, type Organization } from "./schema";

export function presentOrganization(p: Principal, org: OrganizationRow): Organization {
  return {
    id: org.id,
    name: org.name,
    description: org.description,
    confidentiality: org.confidentiality,
    accountName: org.accountName,
    blobEndpoint: org.blobEndpoint,
    canAdminister: can(p, "storage_org.update", orgGuard(org)),
    createdBy: org.createdBy,
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of an organization: never its key. */
const snapshot = (org: OrganizationRow) => ({ name: org.name, description: org.description, confidentiality: org.confidentiality, accountName: org.accountName, blobEndpoint: org.blobEndpoint });

/**
 * Refuses a name another live organization of the tenant has, and a storage account another one uses
 * (they would share its containers). Checked before the account is called; the unique index decides races.
 */
async function assertFree(db: Pick<Database, "select">, p: Principal, wanted: { name?: string; account?: AccountConnection; except?: string }) {
  const { name, account, except } = wanted;
  const taken = await db
    .select({ name: storageOrganizations.name, blobEndpoint: storageOrganizations.blobEndpoint })
    .from(storageOrganizations)
    .where(
      and(
        eq(storageOrganizations.tenantId, p.tenantId),
        or(name ? eq(storageOrganizations.name, name) : undefined, account ? eq(storageOrganizations.blobEndpoint, account.blobEndpoint) : undefined),
        isNull(storageOrganizations.deletedAt),
        except ? ne(storageOrganizations.id, except) : undefined,
      ),
    );
  if (taken.some((org) => org.name === name)) throw nameTaken();
  const sharing = taken.find((org) => org.blobEndpoint === account?.blobEndpoint);
  if (sharing) throw conflict("account_in_use", `The organization ${sharing.name} uses this storage account already.`, { errors: [{ path: "connection", message: "already in use" }] });
}

const nameTaken = () => conflict("name_taken", "An organization with this name exists already.", { errors: [{ path: "name", message: "already taken" }] });

async function nameFree<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "23505") throw nameTaken();
    throw error;
  }
}

/** The organizations the caller sees (org_<org>_access, org_all_public for public ones, admins all). */
export async function listOrganizations(p: Principal): Promise<{ items: Organization[] }> {
  const db = await database();
  const rows = await db
    .select()
    .from(storageOrganizations)
    .where(and(eq(storageOrganizations.tenantId, p.tenantId), isNull(storageOrganizations.deletedAt)))
    .orderBy(asc(storageOrganizations.name));
  return { items: rows.filter((org) => can(p, "storage_org.read", orgGuard(org))).map((org) => presentOrganization(p, org)) };
}

export async function getOrganization(p: Principal, input: z.input<typeof organizationParams>): Promise<Organization> {
  const { org } = parseInput(organizationParams, input);
  return presentOrganization(p, await enterOrganization(p, org, "storage_org.read"));
}

/**
 * Registers a storage account as an organization, with its space `loadingzone`. The connection is
 * checked first by creating the loading zone's container there (an existing one is kept) and letting
 * browsers at Sluice's origin reach the account.
 */
export async function createOrganization(p: Principal, input: z.input<typeof createOrganizationBody>): Promise<Organization> {
  const data = parseInput(createOrganizationBody, input);
  authorize(p, "storage_org.create", { tenantId: p.tenantId }, "organization");
  const account = parseConnection(data.connection);
  const db = await database();
  await assertFree(db, p, { name: data.name, account });
  await prepareContainer(account, LOADING_ZONE, true);
  const id = randomUUID();
  const by = describePrincipal(p);
  const org = await nameFree(() =>
    db.transaction(async (tx) => {
      await assertFree(tx, p, { account });
      const [created] = await tx
        .insert(storageOrganizations)
        .values({
          id,
          tenantId: p.tenantId,
          name: data.name,
          description: data.description ?? "",
          confidentiality: data.confidentiality,
          accountName: account.accountName,
          blobEndpoint: account.blobEndpoint,
          sealedAccountKey: sealAccountKey(id, account.accountKey),
          createdBy: by,
        })
        .returning();
      await tx.insert(storageSpaces).values({ tenantId: p.tenantId, organizationId: id, name: LOADING_ZONE, description: "Incoming data, before it is processed into its space", confidentiality: "private", createdBy: by });
      await recordAudit(tx, p, { action: "storage_org.create", targetType: "storage_organization", targetId: id, after: snapshot(created) });
      return created;
    }),
  );
  return presentOrganization(p, org);
}

const updateInput = updateOrganizationBody.extend(organizationParams.shape);

/** Changes description, confidentiality or the connection (checked like a new one; the name stays, roles name it). */
export async function updateOrganization(p: Principal, input: z.input<typeof updateInput>): Promise<Organization> {
  const { org: name, connection, ...change } = parseInput(updateInput, input);
  const current = await enterOrganization(p, name, "storage_org.update");
  const db = await database();
  const account = connection ? parseConnection(connection) : undefined;
  if (account) {
    await assertFree(db, p, { account, except: current.id });
    await prepareContainer(account, LOADING_ZONE, true);
  }
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(storageOrganizations)
      .set({
        ...change,
        ...(account && { accountName: account.accountName, blobEndpoint: account.blobEndpoint, sealedAccountKey: sealAccountKey(current.id, account.accountKey) }),
        updatedAt: sql`now()`,
      })
      .where(eq(storageOrganizations.id, current.id))
      .returning();
    await recordAudit(tx, p, { action: "storage_org.update", targetType: "storage_organization", targetId: current.id, before: snapshot(current), after: { ...snapshot(row), keyChanged: Boolean(account) } });
    return row;
  });
  return presentOrganization(p, updated);
}

/** Removes the organization and its spaces from Sluice; the storage account and its data stay as they are. */
export async function deleteOrganization(p: Principal, input: z.input<typeof organizationParams>): Promise<void> {
  const { org: name } = parseInput(organizationParams, input);
  const current = await enterOrganization(p, name, "storage_org.update");
  const db = await database();
  await db.transaction(async (tx) => {
    await tx.update(storageSpaces).set({ deletedAt: sql`now()` }).where(and(eq(storageSpaces.organizationId, current.id), isNull(storageSpaces.deletedAt)));
    await tx.update(storageOrganizations).set({ deletedAt: sql`now()` }).where(eq(storageOrganizations.id, current.id));
    await recordAudit(tx, p, { action: "storage_org.delete", targetType: "storage_organization", targetId: current.id, before: snapshot(current) });
  });
}
