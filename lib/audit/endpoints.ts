import { endpoint } from "@/lib/http/endpoint";
import { auditPage, auditQuery } from "./schema";
import { listAudit as list } from "./service";

export const listAudit = endpoint(
  { method: "GET", path: "/audit", summary: "The audit log, newest first, with filters", tag: "Audit", scope: "audit:read", query: auditQuery, response: auditPage },
  (ctx) => list(ctx.principal, ctx.query),
);
