import { deleteEventTrigger, getEventTrigger, updateEventTrigger } from "@/lib/engine/triggers/endpoints";

export const GET = getEventTrigger.handle;
export const PATCH = updateEventTrigger.handle;
export const DELETE = deleteEventTrigger.handle;
