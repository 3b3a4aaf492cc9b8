import { z } from "zod";
import { SCOPES } from "@/lib/access/actions";

export const scope = z.enum(SCOPES);

export const client = z.object({
  id: z.uuid(),
  clientId: z.string(),
  name: z.string(),
  scopes: z.array(scope),
  roles: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type Client = z.infer<typeof client>;

export const clientWithSecret = z.object({
  client,
  clientSecret: z.string().describe("shown once; only a hash is stored"),
});

export const createClientInput = z.strictObject({
  name: z.string().trim().min(1, "a name is required").max(100),
  scopes: z.array(scope).min(1, "choose at least one scope"),
  roles: z.array(z.string().trim().min(1).max(200)).default([]),
});

export const clientList = z.object({ items: z.array(client) });
