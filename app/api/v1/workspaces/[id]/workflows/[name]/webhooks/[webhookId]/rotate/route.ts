import { rotateWebhook } from "@/lib/engine/triggers/endpoints";

export const POST = rotateWebhook.handle;
