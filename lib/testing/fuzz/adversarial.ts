import fc from "fast-check";

/**
 * Hostile inputs. Values too big to generate and print (a 1 MiB string, 10 000 nested arrays) or
 * that JavaScript cannot hold (1e309, -0 as JSON text) are markers in the generated case, written
 * out only when the request is sent (`expandJson`, `expandText`), so a failing case prints small.
 */
const marker = (kind: string, arg: string | number) => `@@fuzz:${kind}:${arg}@@`;
const MARKER = /@@fuzz:(huge|deep|deepobj|many|num):([^@]*)@@/g;

/** a string of n characters */
const huge = (n: number) => marker("huge", n);
/** n nested arrays */
const deep = (n: number) => marker("deep", n);
/** n nested objects */
const deepObject = (n: number) => marker("deepobj", n);
/** an array of n empty objects */
const many = (n: number) => marker("many", n);
/** a number literal as JSON text (1e309 parses to Infinity, 9007199254740993 loses precision) */
const rawNumber = (literal: string) => marker("num", literal);

function written(kind: string, arg: string): string {
  const n = Number(arg);
  switch (kind) {
    case "huge":
      return "a".repeat(n);
    case "deep":
      return `${"[".repeat(n)}${"]".repeat(n)}`;
    case "deepobj":
      return `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    case "many":
      return `[${Array(n).fill("{}").join(",")}]`;
    default:
      return arg;
  }
}

/** JSON text with its markers written out: strings stay strings, the rest become JSON. */
export const expandJson = (json: string) =>
  json.replace(new RegExp(`"${MARKER.source}"`, "g"), (_, kind: string, arg: string) => (kind === "huge" ? `"${written(kind, arg)}"` : written(kind, arg)));

/** Any other text (query strings, path parameters, YAML, form fields) with its markers written out. */
export const expandText = (text: string) => text.replace(MARKER, (_, kind: string, arg: string) => written(kind, arg));

const BIG = [huge(10_000), huge(65_536), huge(1_048_577)];

/** Strings that have broken parsers, databases and logs before (the last three: base64url of NUL bytes, of a byte that is not UTF-8, padded). */
const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "a\udfffb",
  "\u202eevil",
  "\u200d",
  "\ufeff",
  "e\u0301",
  "😀",
  "\u{10ffff}",
  "\uffff\ufffe",
  "ﷺ",
  "İ",
  "ß",
  "ﬃ",
  "\u0085\u2028\u2029",
  "\u0001\u001f\u007f",
  "\r\n",
  "\t",
  "%00",
  "%ZZ",
  "../..",
  ".",
  "/",
  "\\",
  "%_",
  "' OR '1'='1",
  '"',
  "<script>",
  "${x}",
  "{{inputs.x}}",
  "null",
  "NaN",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "*",
  "?#&=+;,",
  "\\u0000",
  "AAAA",
  "gA",
  "YQ==",
];

/** Number-like query values: out of range for int4, int8 and doubles, negative zero, not numbers at all. */
export const ODD_NUMBERS = ["0", "-0", "-1", "1.5", "2147483648", "-2147483649", "9007199254740993", "99999999999999999999", "1e309", "-1e309", "1e-400", "NaN", "Infinity", "0x10", "1e2", " 1", "+1", "00001", ".5", "1_000"];

export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ODD_STRINGS), fc.string(), fc.constantFrom(...ODD_STRINGS)).map((parts) => parts.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(...BIG) },
);

const polluting = ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"toString":"x","valueOf":1,"hasOwnProperty":null}'].map(
  (text) => JSON.parse(text) as unknown,
);

/** JSON values of every wrong kind, for any place in a body. */
export const oddJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2147483648, -2147483649, 1e308, [], {}) },
  { weight: 2, arbitrary: fc.constantFrom(...["1e309", "-1e309", "-0", "9007199254740993", "1e-400", "1E400"].map(rawNumber)) },
  { weight: 2, arbitrary: fc.constantFrom(deep(10_000), deepObject(10_000), deep(100), many(10_000)) },
  { weight: 1, arbitrary: fc.constantFrom(...polluting) },
  { weight: 1, arbitrary: fc.array(oddString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(oddString, fc.constantFrom(...PROTOTYPE_KEYS)), oddString, { maxKeys: 3 }) },
);

/** Wherever a schema allows any JSON: ordinary values mostly, hostile ones sometimes. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: oddJson });

export const NOT_JSON = [
  "{",
  "[",
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  "NaN",
  "undefined",
  "\ufeff{}",
  '{"a":1}{"b":2}',
  '"\\ud800"',
  '{"a":"\\u0000"}',
  '{"\\u0000":1}',
  "\u0000",
  '{"a":01}',
  "[1,]",
  " ",
  "\n\n",
  "null",
  "0",
  '"text"',
  "[]",
  "true",
];

/** YAML that parsers have choked on: alias bombs, self-reference, custom tags, many documents. */
export const ODD_YAML = [
  "a: &a [*a]",
  ["a: &a [x,x,x,x,x,x,x,x,x]", "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]", "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]"].join("\n"),
  "!!binary AAAA",
  "key: !!js/function 'x'",
  "? [a, b]\n: c",
  "---\na: 1\n---\nb: 2",
  "%YAML 9.9\n---\na: 1",
  "x: 1\nx: 2",
  "kind: Workflow\nspec: !custom {}",
  "kind: Workflow\nspec:\n  templates: *undefined",
  "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x}\nspec: {entrypoint: main, templates: [{name: main, dag: {tasks: [{name: a, template: main}]}}]}",
  "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: \"\\0\"}\nspec: {entrypoint: main, templates: [{name: main, container: {image: x}}]}",
  `a: ${deep(5_000)}`,
  `a: ${huge(1_048_577)}`,
  "\t- a",
  ":",
];

export const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/xml",
  "multipart/form-data",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "application/x-www-form-urlencoded",
  "application/yaml",
  "text/yaml",
  "application/problem+json",
  "application/json, text/plain",
  "APPLICATION/JSON",
  "*/*",
  "",
];

/**
 * Percent-encodes every UTF-8 byte outside RFC 3986's unreserved characters and ":" and "@" (allowed
 * in paths and queries, and kept so markers survive); lone surrogates become U+FFFD.
 */
export function percentEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~:@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Raw path segments no encoder would produce: bad escapes, encoded surrogates and slashes, dot segments, Latin-1 bytes, overlong. */
export const RAW_SEGMENTS = ["%00", "%ZZ", "%E0%A4%A", "%", "%%", "%2e%2e", "..", ".", "%2F", "a%2Fb", "%C0%AF", "%ED%A0%80", "%FF", "\u00ff\u00fe", "%u0041", "a".repeat(8_000), "%41".repeat(4_000)];

/** Raw query pieces, appended as they are. */
export const RAW_QUERY = ["%ZZ", "%", "%E0%A4%A", "%00=%00", "&&", "==", "=%", "+", ";", "a[]=1", "a[b]=1", "%ED%A0%80=1"];
