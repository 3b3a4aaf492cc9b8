import { createApp, listApps } from "@/lib/apps/endpoints";

export const GET = listApps.handle;
export const POST = createApp.handle;
