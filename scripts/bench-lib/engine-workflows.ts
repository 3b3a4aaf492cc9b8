import type { Step, WorkflowSpec } from "@/lib/workflows/model";

/** The workflows `npm run bench:engine` runs: every step is this command (a `container` step, run on the host). */
export const COMMAND = ["sh", "-c", "echo $((6*7))"];

const echo = (name: string, extra: Partial<Step> = {}): Step =>
  ({ name, kind: "container", container: { image: "busybox", command: COMMAND, args: [], env: [] }, inputs: [], outputs: [], dependsOn: [], continueOnFailure: false, ...extra }) as Step;
const spec = (description: string, steps: Step[]): WorkflowSpec => ({ description, labels: { bench: "engine" }, inputs: [], outputs: [], steps });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `n` steps in a chain, each depending on the one before. */
export const chainSpec = (n: number) => spec(`${n} steps in a chain`, range(n).map((i) => echo(`s${i + 1}`, { dependsOn: i > 0 ? [`s${i}`] : [] })));
/** `n` steps with no dependencies: one level, all ready at once. */
export const parallelSpec = (n: number) => spec(`${n} parallel steps`, range(n).map((i) => echo(`p${i + 1}`)));
export const oneStepSpec = () => spec("one step", [echo("echo")]);
/** One step mapped over `n` items. */
export const mapSpec = (n: number) => spec(`a ${n}-item map`, [echo("item", { map: { over: { from: "literal", value: range(n) } } })]);
