import { getVersion } from "@/lib/workflows/endpoints";

export const GET = getVersion.handle;
