import { endpoint, Reply } from "@/lib/http/endpoint";
import { clientAddress } from "@/lib/http/peer";
import { rateLimit } from "@/lib/http/rate-limit";
import { TOKEN_LIMIT_PER_ADDRESS, TOKEN_LIMIT_PER_CLIENT, tokenRequest, tokenResponse } from "./token-schema";
import { issueClientToken } from "./tokens";


export const issueToken = endpoint(
  {
    method: "POST",
    path: "/oauth/token",
    summary: "OAuth2 client credentials: exchange client_id and client_secret for a bearer token (form or JSON)",
    tag: "Authentication",
    body: tokenRequest,
    bodyFormat: "json-or-form",
    response: tokenResponse,
    errors: [429],
  },
  async (ctx) => {
    await rateLimit([`token:address:${clientAddress(ctx.request.headers)}`], TOKEN_LIMIT_PER_ADDRESS);
    await rateLimit([`token:client:${ctx.body.client_id}`], TOKEN_LIMIT_PER_CLIENT);
    // RFC 6749 §5.1: responses carrying tokens must not be cached.
    return new Reply(await issueClientToken(ctx.body), { headers: { "cache-control": "no-store", pragma: "no-cache" } });
  },
);
