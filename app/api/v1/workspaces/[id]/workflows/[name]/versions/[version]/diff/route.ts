import { diffVersions } from "@/lib/workflows/endpoints";

export const GET = diffVersions.handle;
