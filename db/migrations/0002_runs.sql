CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"tenant_key" text DEFAULT '' NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"unique_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"step_id" bigint,
	"attempt" integer,
	"stream" text NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"parent_id" bigint,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"map_index" integer,
	"item" jsonb,
	"state" text DEFAULT 'pending' NOT NULL,
	"waiting_on" integer DEFAULT 0 NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"inputs" jsonb,
	"outputs" jsonb,
	"exit_code" integer,
	"error" text,
	"child_run_id" uuid,
	"started_at" timestamp with time zone,
	"attempt_started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"workflow_name" text NOT NULL,
	"workflow_version" integer NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"trigger" text NOT NULL,
	"trigger_ref" text,
	"started_by_kind" text NOT NULL,
	"started_by_id" text NOT NULL,
	"started_by_name" text NOT NULL,
	"parent_run_id" uuid,
	"parent_step_id" bigint,
	"root_run_id" uuid NOT NULL,
	"retry_of" uuid,
	"reuse_run_id" uuid,
	"engine" text DEFAULT 'local' NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"outputs" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancel_requested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "step_attempts" (
	"step_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"run_id" uuid NOT NULL,
	"state" text NOT NULL,
	"worker" text,
	"exit_code" integer,
	"error" text,
	"outputs" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "step_attempts_step_id_attempt_pk" PRIMARY KEY("step_id","attempt")
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "max_concurrent_runs" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "run_visibility" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "allowed_step_kinds" text[];--> statement-breakpoint
ALTER TABLE "run_logs" ADD CONSTRAINT "run_logs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_attempts" ADD CONSTRAINT "step_attempts_step_id_run_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."run_steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_due" ON "jobs" USING btree ("tenant_key","run_at","id");--> statement-breakpoint
CREATE INDEX "jobs_locked_by" ON "jobs" USING btree ("locked_by");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_unique_key" ON "jobs" USING btree ("unique_key") WHERE "jobs"."unique_key" is not null;--> statement-breakpoint
CREATE INDEX "run_logs_run" ON "run_logs" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "run_logs_step" ON "run_logs" USING btree ("step_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "run_steps_run_key" ON "run_steps" USING btree ("run_id","key");--> statement-breakpoint
CREATE INDEX "run_steps_parent" ON "run_steps" USING btree ("run_id","parent_id","name");--> statement-breakpoint
CREATE INDEX "runs_workspace_created" ON "runs" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_tenant_created" ON "runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_workspace_state" ON "runs" USING btree ("workspace_id","state");--> statement-breakpoint
CREATE INDEX "runs_parent" ON "runs" USING btree ("parent_run_id");--> statement-breakpoint
CREATE INDEX "runs_root" ON "runs" USING btree ("root_run_id");--> statement-breakpoint
CREATE INDEX "step_attempts_run" ON "step_attempts" USING btree ("run_id");