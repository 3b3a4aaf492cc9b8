import { createSchedule, listSchedules } from "@/lib/engine/triggers/endpoints";

export const GET = listSchedules.handle;
export const POST = createSchedule.handle;
