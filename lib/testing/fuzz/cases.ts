import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { CONTENT_TYPES, NOT_JSON, ODD_NUMBERS, ODD_YAML, PROTOTYPE_KEYS, RAW_QUERY, RAW_SEGMENTS, anyJson, oddJson, oddString, percentEncode } from "./adversarial";
import { AUTHS, type Auth } from "./fixture";
import type { FuzzDocument, Operation, Schema } from "./operations";
import { schemaArbitrary } from "./schema-arbitrary";

/** Which server path a case is for: the route handler as Next calls it, or raw HTTP to node-router. */
export type Target = "handler" | "node";

/** A path parameter: the n-th real value of the fixture, a (decoded) string, or a raw segment (node only). */
export type Param = { real: number } | { value: string } | { raw: string };

/** One generated request, small and printable; the fixture and the markers fill it in when sent. */
export type FuzzCase = {
  auth: Auth;
  params: Record<string, Param>;
  /** the raw query string, without "?" */
  query: string;
  headers: Record<string, string>;
  body?: { contentType?: string; text: string; latin1?: boolean };
};

/** Odd path parameters: hostile strings (on the node path also raw segments), sometimes still a real value. */
function oddParamArbitrary(target: Target, poolSize: number): fc.Arbitrary<Param> {
  const real = fc.nat({ max: poolSize - 1 }).map((n) => ({ real: n }));
  const decoded = oddString.map((value) => ({ value }));
  const odd = target === "handler" ? decoded : fc.oneof(decoded, fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw })));
  return fc.oneof({ weight: 1, arbitrary: real }, { weight: 2, arbitrary: odd });
}

const pair = (key: string, value: string) => `${percentEncode(key)}=${percentEncode(value)}`;

const queryText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Wrong values for one query parameter: hostile strings, odd numbers, unknown enum values. */
function oddQueryValue(schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: oddString },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
    { weight: schema.enum ? 1 : 0, arbitrary: fc.constantFrom("maybe", "INCLUDE", "true ", "") },
  );
}

function validQuery(op: Operation, valid: (schema: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const known = op.query.map((p) => fc.option(valid(p.schema).map((v) => pair(p.name, queryText(v))), { freq: 2, nil: undefined }));
  return fc.tuple(...known).map((pairs) => pairs.filter((p): p is string => p !== undefined).join("&"));
}

/** A valid query with one parameter wrong, or with unknown, prototype-like, repeated or malformed parameters added. */
function oddQuery(op: Operation, valid: (schema: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const oneWrong = op.query.length > 0 ? [fc.tuple(validQuery(op, valid), fc.constantFrom(...op.query)).chain(([rest, p]) => oddQueryValue(p.schema).map((v) => [pair(p.name, v), rest].filter(Boolean).join("&")))] : [];
  const names = op.query.map((p) => p.name);
  const extra = fc.oneof(
    fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, "unknown", "sort", "tenant"), oddString).map(([k, v]) => pair(k, v)),
    fc.tuple(oddString, oddString).map(([k, v]) => pair(k, v)),
    fc.constantFrom(...RAW_QUERY),
    ...(names.length > 0 ? [fc.tuple(fc.constantFrom(...names), oddString, oddString).map(([k, a, b]) => `${pair(k, a)}&${pair(k, b)}`)] : []),
  );
  const added = fc.tuple(validQuery(op, valid), fc.array(extra, { minLength: 1, maxLength: 3 })).map(([rest, extras]) => [rest, ...extras].filter(Boolean).join("&"));
  return fc.oneof(...oneWrong, added);
}

/** Every node of a JSON value, by path, so a mutation can pick one. */
function nodePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const children =
    Array.isArray(value) ? value.flatMap((v, i) => nodePaths(v, [...path, i])) : value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => nodePaths(v, [...path, k])) : [];
  return [path, ...children];
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

/** A schema-shaped value with one node replaced by a hostile value, or one unknown or prototype-like field added. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.tuple(valid, fc.nat(), oddJson).map(([value, pick, bad]) => {
      const paths = nodePaths(value);
      return replaceAt(value, paths[pick % paths.length], bad);
    }),
    fc.tuple(valid, fc.constantFrom(...PROTOTYPE_KEYS, "unknownField", ""), oddJson).map(([value, key, bad]) =>
      value && typeof value === "object" && !Array.isArray(value) ? Object.defineProperty({ ...value }, key, { value: bad, enumerable: true }) : value,
    ),
  );
}

function serialize(value: unknown, contentType: string): string {
  if (contentType.includes("x-www-form-urlencoded") && value && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => pair(k, queryText(v)))
      .join("&");
  }
  if (contentType.includes("yaml")) return toYaml(value);
  return JSON.stringify(value) ?? "";
}

type Body = NonNullable<FuzzCase["body"]>;

/** A body the schema accepts, in one of the documented content types; none for operations without one. */
function validBody(op: Operation, valid: (schema: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<Body | undefined> {
  if (!op.body) return fc.constant(undefined);
  return fc.constantFrom(...Object.entries(op.body)).chain(([type, schema]) => valid(schema).map((v) => ({ contentType: type, text: serialize(v, type) })));
}

/** Hostile bodies: mutated, of the wrong kind or content type, not JSON, not UTF-8, empty; a body where none belongs. */
function oddBody(op: Operation, valid: (schema: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const types = Object.keys(op.body ?? { "application/json": {} });
  const shaped = fc.constantFrom(...types).chain((type) => {
    const value = valid(op.body?.[type] ?? {});
    return fc.oneof({ weight: 3, arbitrary: mutated(value) }, { weight: 1, arbitrary: oddJson }).map((v) => ({ contentType: type, text: serialize(v, type) }));
  });
  const wrongType = fc.tuple(validBody(op, valid), shaped, fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined })).map(([good, bad, contentType]) => ({ ...(good ?? bad), contentType }));
  const broken = fc.tuple(fc.constantFrom(...types), fc.constantFrom(...NOT_JSON, ...(types.some((t) => t.includes("yaml")) ? ODD_YAML : []))).map(([contentType, text]) => ({ contentType, text }));
  const notUtf8 = fc.constantFrom(...types).map((contentType) => ({ contentType, text: '{"name":"\u00ff\u00fe\u00c3\u0028"}', latin1: true }));
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: wrongType },
    { weight: 2, arbitrary: broken },
    { weight: 1, arbitrary: notUtf8 },
    { weight: 1, arbitrary: fc.constant({ contentType: types[0], text: "" }) },
  );
}

function oddHeaders(op: Operation): fc.Arbitrary<Record<string, string>> {
  const ifMatch = fc.constantFrom('"1"', 'W/"1"', '"2"', "*", '"0"', '"-1"', '"99999999999999999999"', '"1e309"', "1", '"1", "2"', "\u00ff", "a".repeat(4_000));
  return fc.record(
    {
      ...(op.headers.includes("If-Match") ? { "if-match": ifMatch } : {}),
      "x-request-id": fc.constantFrom("", "x".repeat(500), "\u00ff\u00fe", "../../etc"),
      "x-forwarded-for": fc.constantFrom("", "not-an-ip", "::1, 10.0.0.1", "1.1.1.1".repeat(1_000)),
      origin: fc.constantFrom("http://evil.example", "null", ""),
    },
    { requiredKeys: [] },
  );
}

const PARTS = ["auth", "params", "query", "headers", "body"] as const;

/**
 * Every request fast-check may send to one operation through one server path: a valid request (real
 * ids, a token with every scope, schema-shaped query and body) with none, one or two of its parts
 * replaced by hostile ones, so that most cases get past the first check and reach the service.
 */
export function caseArbitrary(op: Operation, target: Target, document: FuzzDocument, poolSize: (collection: string) => number): fc.Arbitrary<FuzzCase> {
  const resolve = (ref: string) => document.components.schemas[ref.replace("#/components/schemas/", "")];
  const valid = (schema: Schema) => schemaArbitrary(schema, { resolve, anything: anyJson });
  const params = (param: (poolSize: number) => fc.Arbitrary<Param>) => fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, param(poolSize(p.collection))])));
  const bodyless = op.method === "GET" && target === "handler"; // a Request cannot carry a GET body
  const good = fc.record({
    auth: fc.constantFrom<Auth>("admin", "admin", "admin", "member"),
    params: params((size) => fc.nat({ max: size - 1 }).map((n) => ({ real: n }))),
    query: validQuery(op, valid),
    headers: fc.constant({}),
    body: validBody(op, valid),
  });
  const bad = fc.record({
    auth: fc.constantFrom(...AUTHS),
    params: params((size) => oddParamArbitrary(target, size)),
    query: oddQuery(op, valid),
    headers: oddHeaders(op),
    body: bodyless ? fc.constant(undefined) : oddBody(op, valid),
  });
  const replaced = fc.oneof(
    { weight: 2, arbitrary: fc.constant<(typeof PARTS)[number][]>([]) },
    { weight: 6, arbitrary: fc.constantFrom(...PARTS).map((part) => [part]) },
    { weight: 2, arbitrary: fc.shuffledSubarray([...PARTS], { minLength: 2, maxLength: 2 }) },
  );
  return fc.tuple(good, bad, replaced).map(([g, b, parts]) => Object.fromEntries(PARTS.map((part) => [part, parts.includes(part) ? b[part] : g[part]])) as FuzzCase);
}
