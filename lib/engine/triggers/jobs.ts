import { registerJobHandler } from "../local/worker";
import { deliverEvent, EVENT_DELIVERY_JOB } from "./events";
import { fireSlot, SCHEDULE_SLOT_JOB } from "./schedules";

/** The queue jobs of triggers: wherever a worker starts, these are handled. */
export function registerTriggerJobs() {
  registerJobHandler(SCHEDULE_SLOT_JOB, (job) => fireSlot(job));
  registerJobHandler(EVENT_DELIVERY_JOB, (job) => deliverEvent(job));
}
