import { listAudit } from "@/lib/audit/endpoints";

export const GET = listAudit.handle;
