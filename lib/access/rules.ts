import { z } from "zod";
import type { WorkspaceRole } from "@/db/schema";

/**
 * Flowify's workspace access rules: a list of role lists. A principal may enter when it holds ALL
 * roles of ANY one list; holding `<role>-admin` for every role of one list makes it a workspace admin.
 * One list may be written flat (`["a","b"]`). Roles are case-sensitive; an empty list admits nobody.
 */
const roleName = z.string().trim().min(1, "a role name cannot be empty").max(200);

export const accessRulesInput = z
  .union([z.array(roleName), z.array(z.array(roleName))])
  .transform(normalizeRules)
  .describe("A list of role lists (or one flat list): entry needs all roles of any one list.");

export function normalizeRules(rules: string[] | string[][]): string[][] {
  const lists: string[][] = rules.length > 0 && typeof rules[0] === "string" ? [rules as string[]] : (rules as string[][]);
  const seen = new Set<string>();
  const normalized: string[][] = [];
  for (const list of lists) {
    const unique = [...new Set(list)];
    const key = JSON.stringify([...unique].sort());
    if (unique.length === 0 || seen.has(key)) continue;
    seen.add(key);
    normalized.push(unique);
  }
  return normalized;
}

function holdsAll(held: ReadonlySet<string>, required: readonly string[]) {
  return required.length > 0 && required.every((role) => held.has(role));
}

/** The workspace role that the rules grant: `admin`, `editor` or none. */
export function roleFromRules(rules: readonly (readonly string[])[], roles: readonly string[]): WorkspaceRole | null {
  const held = new Set(roles);
  if (rules.some((list) => holdsAll(held, list.map((role) => `${role}-admin`)))) return "admin";
  if (rules.some((list) => holdsAll(held, list))) return "editor";
  return null;
}
