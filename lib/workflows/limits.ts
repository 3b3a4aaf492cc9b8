/**
 * Size limits of a workflow spec, in one place: the zod schemas in model.ts enforce them (and show
 * them in the OpenAPI document), the Argo import stops expanding at the step limit, and the builder
 * and docs may quote them. Text lengths count UTF-16 code units (JavaScript string length).
 *
 * The depths are chosen so that the deepest valid spec (steps inside GROUP_DEPTH_MAX groups, with a
 * literal LITERAL_DEPTH_MAX deep in an env var) nests about 60 levels as JSON, below the request
 * parser's depth limit.
 */

/** Workflow names: DNS-1123 labels. */
export const WORKFLOW_NAME_MAX = 63;
/** Step names (Argo task names). */
export const STEP_NAME_MAX = 63;
/** Names of inputs, outputs, ports, env vars and headers, and the outputs they read. */
export const NAME_MAX = 128;
/** A secret reference, "name" or "name/key" (Kubernetes allows 253 characters for each). */
export const SECRET_NAME_MAX = 507;
/** A step's display label. */
export const STEP_LABEL_MAX = 200;
/** Descriptions of the workflow, its inputs and outputs and its steps. */
export const DESCRIPTION_MAX = 2000;
export const LABELS_MAX = 64;
export const LABEL_KEY_MAX = 317;
export const LABEL_VALUE_MAX = 256;
/** A container image reference. */
export const IMAGE_MAX = 1024;
/** Script source, http request body and literal text values. */
export const LONG_TEXT_MAX = 256 * 1024;
/** Each command or args entry of a container. */
export const COMMAND_ENTRY_MAX = 64 * 1024;
export const COMMAND_ENTRIES_MAX = 1000;
export const URL_MAX = 8 * 1024;
/** `when` and an http `successCondition`. */
export const EXPRESSION_MAX = 8 * 1024;
/** File paths (working directory, output files) and JSONPath expressions. */
export const PATH_MAX = 4096;
/** Durations (timeout, retry backoff) and resource quantities (cpu, memory). */
export const SHORT_TEXT_MAX = 64;

/** Inputs and outputs of a workflow or group, and input ports and outputs of a step. */
export const PARAMETERS_MAX = 200;
export const ENV_VARS_MAX = 200;
export const HEADERS_MAX = 100;
/** Step outputs a `first` output source chooses from. */
export const FIRST_OF_MAX = 20;
/** Steps in one graph level (the workflow's, or one group's). */
export const STEPS_PER_GRAPH_MAX = 1000;
/** Steps in the whole workflow, counting every step inside groups. Also the default of SLUICE_IMPORT_MAX_STEPS. */
export const TOTAL_STEPS_MAX = 5000;
/** How many groups deep a step may sit. */
export const GROUP_DEPTH_MAX = 10;

/** Nesting of lists and objects inside a literal value. */
export const LITERAL_DEPTH_MAX = 20;
/** A literal list or object, as JSON text. */
export const LITERAL_JSON_MAX = 256 * 1024;

/** Problems one validation reports; past it, it stops and says so. */
export const PROBLEMS_MAX = 1000;
/** A version's commit message. */
export const VERSION_MESSAGE_MAX = 500;
/** Warnings one import or export reports; past it, the rest are left out and a last warning says so. */
export const WARNINGS_MAX = 1000;
