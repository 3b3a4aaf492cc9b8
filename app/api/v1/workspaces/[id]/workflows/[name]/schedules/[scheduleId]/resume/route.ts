import { resumeSchedule } from "@/lib/engine/triggers/endpoints";

export const POST = resumeSchedule.handle;
