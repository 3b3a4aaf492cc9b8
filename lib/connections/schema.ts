import { z } from "zod";
import { CONNECTION_STATES } from "@/db/schema";

/** REST and UI shapes of OAuth providers and connections: one source for validation, types and the OpenAPI document. */

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http to this machine (a provider on loopback, as in tests). */
export const endpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    if (!URL.canParse(value)) return false; // z.url() reports it; zod runs this check anyway
    const url = new URL(value);
    return !url.username && !url.password && !url.hash && (url.protocol === "https:" || LOOPBACK.has(url.hostname));
  }, "https (http only to localhost), without credentials or a fragment");

export const providerName = z.string().trim().min(1).max(100);
/** A connection's name is part of its secrets' names (connection.<name>), so it is a DNS label. */
export const connectionName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lower-case letters, digits and '-' (a DNS label)");

const scopes = z
  .string()
  .trim()
  .max(1000)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]*( [\x21\x23-\x5b\x5d-\x7e]+)*$/, "scope tokens separated by single spaces")
  .describe("requested at authorization, space-separated");

const providerFields = {
  name: providerName,
  authorizeUrl: endpointUrl.describe("the authorization endpoint"),
  tokenUrl: endpointUrl.describe("the token endpoint"),
  clientId: z.string().trim().min(1).max(500),
  clientSecret: z.string().min(1).max(2000).describe("write-only: kept sealed, never returned"),
  scopes,
};
export const createProviderInput = z.strictObject({ ...providerFields, scopes: scopes.default("") });
/** Only the fields given change. */
export const updateProviderInput = z.strictObject(providerFields).partial();

export const provider = z.object({
  id: z.uuid(),
  name: z.string(),
  authorizeUrl: z.string(),
  tokenUrl: z.string(),
  clientId: z.string(),
  scopes: z.string(),
  redirectUri: z.string().describe("register this callback URL with the provider"),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Provider = z.infer<typeof provider>;
export const providerList = z.object({ items: z.array(provider) });

/** Connect (or reconnect) a workspace: the connection is created, or its tokens replaced, when the person returns. */
export const startConnectionBody = z.strictObject({ name: connectionName, providerId: z.string().max(64) });

export const connection = z.object({
  id: z.uuid(),
  name: z.string(),
  provider: z.object({ id: z.uuid(), name: z.string() }),
  state: z.enum(CONNECTION_STATES).describe("pending: not authorized yet; connected; needs_reconnect: a refresh failed (see error)"),
  error: z.string().nullable(),
  secret: z.string().describe("the secret a step names to receive the current access token"),
  expiresAt: z.string().nullable().describe("when the access token expires (it is refreshed before)"),
  connectedAt: z.string().nullable(),
  refreshedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Connection = z.infer<typeof connection>;
export const connectionList = z.object({ items: z.array(connection) });
export const authorization = z.object({ authorizationUrl: z.string().describe("send the person here; the provider returns them to the callback") });
