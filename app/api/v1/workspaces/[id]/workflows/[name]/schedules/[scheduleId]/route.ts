import { deleteSchedule, getSchedule, updateSchedule } from "@/lib/engine/triggers/endpoints";

export const GET = getSchedule.handle;
export const PATCH = updateSchedule.handle;
export const DELETE = deleteSchedule.handle;
