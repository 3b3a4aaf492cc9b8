import { deleteWebhook, getWebhook } from "@/lib/engine/triggers/endpoints";

export const GET = getWebhook.handle;
export const DELETE = deleteWebhook.handle;
