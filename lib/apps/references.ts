import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { users, workspaces } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { AppError, invalid, type FieldError } from "@/lib/errors";
import { isUuid } from "@/lib/validation";

/** A workspace named in a request body: an active one of the caller's tenant, else a 400 on `path`. */
export async function workspaceInBody(p: Principal, id: string, path = "workspaceId") {
  const db = await database();
  const [row] = isUuid(id)
    ? await db
        .select({ id: workspaces.id, name: workspaces.name })
        .from(workspaces)
        .where(and(eq(workspaces.tenantId, p.tenantId), eq(workspaces.id, id), isNull(workspaces.archivedAt)))
    : [];
  if (!row) throw invalid([{ path, message: "no such active workspace in your tenant" }]);
  return row;
}

export type Person = { id: string; email: string; name: string };

/**
 * Users of the tenant named by id or e-mail, in order and without repeats; every name that is no
 * one (or, by e-mail, several people from identity providers) is a 400 on `<path>.<index>`.
 */
export async function usersInBody(p: Principal, refs: string[], path: string): Promise<Person[]> {
  if (refs.length === 0) return [];
  const db = await database();
  const ids = refs.filter(isUuid);
  const emails = refs.filter((ref) => !isUuid(ref)).map((ref) => ref.toLowerCase());
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, local: sql<boolean>`${users.passwordHash} is not null` })
    .from(users)
    .where(and(eq(users.tenantId, p.tenantId), or(ids.length > 0 ? inArray(users.id, ids) : undefined, emails.length > 0 ? inArray(users.email, emails) : undefined)))
    .orderBy(asc(users.createdAt));
  const errors: FieldError[] = [];
  const found = new Map<string, Person>();
  refs.forEach((ref, index) => {
    const matches = isUuid(ref) ? rows.filter((row) => row.id === ref.toLowerCase()) : rows.filter((row) => row.email === ref.toLowerCase());
    // By e-mail a local account is meant; among external identities only, the e-mail must name exactly one.
    const person = matches.find((row) => row.local) ?? (matches.length === 1 ? matches[0] : undefined);
    if (!person) errors.push({ path: `${path}.${index}`, message: matches.length > 1 ? "shared by several people; use their id" : "no such user in your tenant" });
    else found.set(person.id, { id: person.id, email: person.email, name: person.name });
  });
  if (errors.length > 0) throw invalid(errors);
  return [...found.values()];
}

/** One user named by id or e-mail, a 400 on `path` when it is no one. */
export async function userInBody(p: Principal, ref: string, path: string): Promise<Person> {
  try {
    const [person] = await usersInBody(p, [ref], path);
    return person;
  } catch (error) {
    if (error instanceof AppError) throw invalid((error.details.errors ?? []).map((e) => ({ ...e, path })));
    throw error;
  }
}
