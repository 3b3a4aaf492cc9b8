import { pauseSchedule } from "@/lib/engine/triggers/endpoints";

export const POST = pauseSchedule.handle;
