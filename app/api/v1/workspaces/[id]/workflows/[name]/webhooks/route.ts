import { createWebhook, listWebhooks } from "@/lib/engine/triggers/endpoints";

export const GET = listWebhooks.handle;
export const POST = createWebhook.handle;
