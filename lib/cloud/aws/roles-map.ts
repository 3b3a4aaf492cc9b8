import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Environment } from "@/lib/data-dir";

/**
 * Which AWS role Sluice assumes for what, from SLUICE_AWS_ROLES_MAP (JSON or YAML) — the seed Control
 * Panel's AWS_ROLES_MAP. Its first level is a category (the kind of owner: USER, APP, …), its second an
 * AWS service; every value is the NAME of an environment variable holding the role's ARN, and each level
 * may have a DEFAULT:
 *
 *   DEFAULT: AWS_DATA_ACCOUNT_ROLE
 *   APP:
 *     DEFAULT: AWS_APP_ACCOUNT_ROLE
 *     AWSBUCKET: AWS_DATA_ACCOUNT_ROLE
 *
 * Lookup: the category's entry for the service, else the category's DEFAULT, else the root DEFAULT.
 * Nothing found (or no map): no role — the client uses the default credential chain.
 */
export const awsServices = ["AWSROLE", "AWSBUCKET", "AWSPOLICY", "AWSSECRETMANAGER", "AWSPARAMETERSTORE"] as const;
export type AwsService = (typeof awsServices)[number];

/** The kind of owner a resource belongs to; USER and APP in Sluice, any upper-case name in the map. */
export type AwsRoleCategory = "USER" | "APP" | (string & {});

export type AwsRoleTarget = { category: AwsRoleCategory; service: AwsService };

const VARIABLE = "SLUICE_AWS_ROLES_MAP";
const MAX_MAP_CHARS = 64 * 1024;

const envVarName = z
  .string()
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable");

const categoryRoles = z.strictObject({
  DEFAULT: envVarName.optional(),
  ...Object.fromEntries(awsServices.map((service) => [service, envVarName.optional()])),
} as Record<"DEFAULT" | AwsService, z.ZodOptional<typeof envVarName>>);

const categoryName = /^[A-Z][A-Z0-9_]*$/;

const mapSchema = z
  .object({ DEFAULT: envVarName.optional() })
  .catchall(categoryRoles)
  .superRefine((map, context) => {
    for (const key of Object.keys(map)) {
      if (key !== "DEFAULT" && !categoryName.test(key)) {
        context.addIssue({ code: "custom", path: [key], message: "a category is an upper-case name (USER, APP, …)" });
      }
    }
  });

export type AwsRolesMap = {
  default?: string;
  categories: Record<string, Partial<Record<"DEFAULT" | AwsService, string>>>;
};

export class AwsRolesMapError extends Error {}

/** Parses the text of SLUICE_AWS_ROLES_MAP (JSON is YAML too); empty text is an empty map. */
export function parseAwsRolesMap(text: string): AwsRolesMap {
  if (text.length > MAX_MAP_CHARS) throw new AwsRolesMapError(`${VARIABLE} is longer than ${MAX_MAP_CHARS} characters.`);
  if (text.trim() === "") return { categories: {} };
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new AwsRolesMapError(`${VARIABLE} is neither JSON nor YAML: ${(error as Error).message}`);
  }
  const parsed = mapSchema.safeParse(document);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new AwsRolesMapError(`${VARIABLE} is not a roles map (${where}).`);
  }
  const { DEFAULT, ...categories } = parsed.data;
  return { default: DEFAULT, categories: categories as AwsRolesMap["categories"] };
}

/** The name of the environment variable holding the role for `target`, by the lookup above; undefined: no role. */
export function roleVariableFor(map: AwsRolesMap, { category, service }: AwsRoleTarget): string | undefined {
  const roles = Object.hasOwn(map.categories, category) ? map.categories[category] : undefined;
  return roles?.[service] ?? roles?.DEFAULT ?? map.default;
}

const roleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function roleArnIn(variable: string, env: Environment): string {
  const value = env[variable]?.trim();
  if (!value) throw new AwsRolesMapError(`${VARIABLE} names ${variable}, which is not set.`);
  if (!roleArn.test(value)) throw new AwsRolesMapError(`${variable} must hold an IAM role ARN (arn:aws:iam::<account>:role/<name>).`);
  return value;
}

/**
 * The ARN of the role to assume for `target`, or undefined for the default credential chain. A variable
 * the map names but that is unset or holds no role ARN is an error, never a silent fall back to
 * Sluice's own credentials (which may be another account's).
 */
export function roleArnFor(target: AwsRoleTarget, env: Environment = process.env): string | undefined {
  const variable = roleVariableFor(awsRolesMap(env), target);
  return variable === undefined ? undefined : roleArnIn(variable, env);
}

const parsedMaps = new Map<string, AwsRolesMap>();

/** SLUICE_AWS_ROLES_MAP of `env`, parsed once per distinct text. */
export function awsRolesMap(env: Environment = process.env): AwsRolesMap {
  const text = env[VARIABLE] ?? "";
  let map = parsedMaps.get(text);
  if (!map) {
    map = parseAwsRolesMap(text);
    parsedMaps.set(text, map);
  }
  return map;
}

/** What is wrong with the roles map and the variables it names, one line each (for start-up checks). */
export function awsRolesMapProblems(env: Environment = process.env): string[] {
  let map: AwsRolesMap;
  try {
    map = awsRolesMap(env);
  } catch (error) {
    return [(error as Error).message];
  }
  const variables = new Set([map.default, ...Object.values(map.categories).flatMap((roles) => Object.values(roles))]);
  const problems: string[] = [];
  for (const variable of variables) {
    if (variable === undefined) continue;
    try {
      roleArnIn(variable, env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}
