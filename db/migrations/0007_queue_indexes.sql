DROP INDEX "jobs_locked_by";--> statement-breakpoint
DROP INDEX "runs_parent";--> statement-breakpoint
CREATE INDEX "runs_parent" ON "runs" USING btree ("parent_run_id") WHERE "runs"."parent_run_id" is not null;