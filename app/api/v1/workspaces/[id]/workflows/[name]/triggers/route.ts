import { createEventTrigger, listEventTriggers } from "@/lib/engine/triggers/endpoints";

export const GET = listEventTriggers.handle;
export const POST = createEventTrigger.handle;
