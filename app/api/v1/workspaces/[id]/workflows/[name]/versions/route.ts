import { listVersions } from "@/lib/workflows/endpoints";

export const GET = listVersions.handle;
