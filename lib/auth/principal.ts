/** Whoever is calling: a person (session) or a machine (bearer token). All access is decided on this. */
export type Principal = {
  kind: "user" | "client" | "system";
  /** user id or client row id */
  id: string;
  /** e-mail for users, client_id for clients */
  subject: string;
  name: string;
  tenantId: string;
  tenantSlug: string;
  roles: string[];
  groups: string[];
  /** what a token may do; people signed in to the UI hold every scope */
  scopes: string[];
};

export const ALL_SCOPES_MARKER = "*";

export function describePrincipal(p: Principal) {
  return p.kind === "client" ? `client ${p.name}` : p.name || p.subject;
}
