import { authConfig } from "@/lib/auth/config";
import { sessionPrincipal } from "@/lib/auth/session";
import { completeConnection } from "@/lib/connections/service";
import { AppError } from "@/lib/errors";

/** Where an OAuth provider sends the person back after they authorized (or refused) a connection. */
export async function GET(request: Request) {
  const here = new URL(request.url);
  const at = (path: string) => Response.redirect(new URL(path, authConfig.issuer()), 303);
  const principal = await sessionPrincipal();
  if (!principal) return at(`/sign-in?callbackUrl=${encodeURIComponent(`${here.pathname}${here.search}`)}`);
  const query = Object.fromEntries(here.searchParams);
  try {
    const { workspaceId, name } = await completeConnection(principal, query);
    return at(`/workspaces/${workspaceId}/connections?connected=${encodeURIComponent(name)}`);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // a refusal is recorded on the connection, whose page shows it
    const { workspaceId, connection } = error.details;
    if (typeof workspaceId === "string" && typeof connection === "string") return at(`/workspaces/${workspaceId}/connections?failed=${encodeURIComponent(connection)}`);
    return new Response(`Sluice could not complete the connection: ${error.message}\n`, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
