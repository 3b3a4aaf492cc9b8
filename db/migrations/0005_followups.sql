ALTER TABLE "schedules" ADD COLUMN "last_error" text;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_engine_ref" ON "runs" USING btree ("engine","engine_ref") WHERE "runs"."engine_ref" is not null;--> statement-breakpoint
CREATE INDEX "event_delivery_runs_trigger" ON "event_delivery_runs" USING btree ("trigger_id","delivery_id");