import { z } from "zod";

export const TOKEN_LIMIT_PER_CLIENT = 30;
export const TOKEN_LIMIT_PER_ADDRESS = 60;

export const tokenRequest = z.strictObject({
  grant_type: z.literal("client_credentials", { message: "only client_credentials is supported" }),
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500),
  scope: z.string().max(1000).optional().describe("space-separated; defaults to all scopes of the client"),
});

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  scope: z.string(),
});
