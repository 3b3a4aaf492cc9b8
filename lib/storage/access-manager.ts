import { endpoint, Reply } from "@/lib/http/endpoint";
import { commitUpload } from "./commit";
import { issueSas } from "./sas";
import { commitQuery, targetQuery, type SasKind } from "./schema";

/**
 * The seed AccessManager's paths (`/api/v2.0/accessmanager/…`), so its clients keep working with
 * only a new base URL: the same query parameters, the same answers (the bare SAS token as text; 204
 * for a commit), through the same service functions as /api/v1/storage.
 */
const tag = "AccessManager (compatible)";

const sas = (path: string, kind: SasKind) =>
  endpoint(
    { method: "POST", path: `/accessmanager/${path}`, summary: `The seed's ${path} token (text/plain)`, tag, scope: kind === "read" ? "storage:read" : "storage:write", query: targetQuery },
    async (ctx) => new Reply((await issueSas(ctx.principal, kind, ctx.query)).token, { contentType: "text/plain; charset=utf-8" }),
  );

export const read = sas("read", "read");
export const upload = sas("upload", "upload");
export const uploadMain = sas("upload/main", "upload-main");
export const remove = sas("delete", "delete");

export const commit = endpoint(
  { method: "POST", path: "/accessmanager/commit", summary: "The seed's commit (204)", tag, scope: "storage:write", query: commitQuery },
  async (ctx) => void (await commitUpload(ctx.principal, ctx.query)),
);

/** Served under /api/v2.0 (lib/http/openapi.ts lists them beside the /api/v1 registry). */
export const accessManagerEndpoints = { prefix: "/api/v2.0", endpoints: [read, upload, uploadMain, remove, commit] };
