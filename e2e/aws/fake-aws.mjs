// A stand-in for the few AWS APIs Sluice's apps call (IAM, in AWS's query protocol; SSM Parameter
// Store, in its JSON protocol), on loopback, for the browser tests: no AWS account is used. The SDK
// reaches it through AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_SSM. It keeps roles, their inline
// policies and parameters in memory; GET /__fake/state shows them to the tests.
import { randomUUID } from "node:crypto";
import http from "node:http";

const ACCOUNT = "000000000000";
const escape = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]);

function iamAnswer(res, action, result = "") {
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(`<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">${result && `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
}

function iamError(res, status, code, message) {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
}

const members = (list) => list.map((item) => `<member>${item}</member>`).join("");

function roleXml(role) {
  return `<Role><Path>${escape(role.path)}</Path><Arn>${role.arn}</Arn><RoleName>${escape(role.name)}</RoleName><RoleId>${role.id}</RoleId><CreateDate>${role.created}</CreateDate><AssumeRolePolicyDocument>${escape(encodeURIComponent(role.trust))}</AssumeRolePolicyDocument><Tags>${members(role.tags.map((t) => `<Key>${escape(t.Key)}</Key><Value>${escape(t.Value)}</Value>`))}</Tags></Role>`;
}

function tagsOf(params) {
  const tags = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) tags.push({ Key: params.get(`Tags.member.${i}.Key`), Value: params.get(`Tags.member.${i}.Value`) });
  return tags;
}

function handleIam(state, params, res) {
  const action = params.get("Action");
  state.calls.push({ service: "iam", action, role: params.get("RoleName") });
  const name = params.get("RoleName");
  const role = state.roles.get(name);
  const missing = () => iamError(res, 404, "NoSuchEntity", `The role with name ${name} cannot be found.`);
  switch (action) {
    case "CreateRole": {
      if (role) return iamError(res, 409, "EntityAlreadyExists", `Role with name ${name} already exists.`);
      const path = params.get("Path") ?? "/";
      const created = { name, path, arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`, id: `AROA${randomUUID().replace(/-/g, "").slice(0, 17).toUpperCase()}`, created: new Date().toISOString(), trust: params.get("AssumeRolePolicyDocument"), tags: tagsOf(params), policies: new Map() };
      state.roles.set(name, created);
      return iamAnswer(res, action, roleXml(created));
    }
    case "GetRole":
      return role ? iamAnswer(res, action, roleXml(role)) : missing();
    case "UpdateAssumeRolePolicy":
      if (!role) return missing();
      role.trust = params.get("PolicyDocument");
      return iamAnswer(res, action);
    case "TagRole":
      if (!role) return missing();
      role.tags = [...role.tags.filter((t) => !tagsOf(params).some((n) => n.Key === t.Key)), ...tagsOf(params)];
      return iamAnswer(res, action);
    case "PutRolePolicy":
      if (!role) return missing();
      role.policies.set(params.get("PolicyName"), JSON.parse(params.get("PolicyDocument")));
      return iamAnswer(res, action);
    case "DeleteRolePolicy":
      if (!role?.policies.delete(params.get("PolicyName"))) return iamError(res, 404, "NoSuchEntity", "The role policy cannot be found.");
      return iamAnswer(res, action);
    case "ListRolePolicies":
      return role ? iamAnswer(res, action, `<PolicyNames>${members([...role.policies.keys()].map(escape))}</PolicyNames><IsTruncated>false</IsTruncated>`) : missing();
    case "ListAttachedRolePolicies":
      return role ? iamAnswer(res, action, "<AttachedPolicies/><IsTruncated>false</IsTruncated>") : missing();
    case "DeleteRole":
      if (!state.roles.delete(name)) return missing();
      return iamAnswer(res, action);
    default:
      return iamError(res, 400, "InvalidAction", `The fake does not do ${action}.`);
  }
}

function ssmAnswer(res, status, body) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify(body));
}

function handleSsm(state, target, input, res) {
  const action = target.split(".")[1];
  state.calls.push({ service: "ssm", action, name: input.Name });
  switch (action) {
    case "PutParameter": {
      const existing = state.parameters.get(input.Name);
      if (existing && !input.Overwrite) return ssmAnswer(res, 400, { __type: "ParameterAlreadyExists", message: "The parameter already exists." });
      const version = (existing?.version ?? 0) + 1;
      state.parameters.set(input.Name, { type: input.Type, value: input.Value, description: input.Description ?? "", version });
      return ssmAnswer(res, 200, { Version: version, Tier: "Standard" });
    }
    case "DeleteParameter":
      if (!state.parameters.delete(input.Name)) return ssmAnswer(res, 400, { __type: "ParameterNotFound", message: "Parameter not found." });
      return ssmAnswer(res, 200, {});
    case "DeleteParameters": {
      const deleted = input.Names.filter((n) => state.parameters.delete(n));
      return ssmAnswer(res, 200, { DeletedParameters: deleted, InvalidParameters: input.Names.filter((n) => !deleted.includes(n)) });
    }
    default:
      return ssmAnswer(res, 400, { __type: "InvalidAction", message: `The fake does not do ${action}.` });
  }
}

/** Starts the fake on 127.0.0.1:`port` (0: any free port). */
export async function startFakeAws({ port = 0 } = {}) {
  const state = { roles: new Map(), parameters: new Map(), calls: [] };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method === "GET" && req.url === "/__fake/state") {
      res.writeHead(200, { "content-type": "application/json" });
      const roles = Object.fromEntries([...state.roles].map(([name, r]) => [name, { arn: r.arn, tags: r.tags, trust: JSON.parse(r.trust), policies: Object.fromEntries(r.policies) }]));
      return res.end(JSON.stringify({ roles, parameters: Object.fromEntries(state.parameters), calls: state.calls }));
    }
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.startsWith("AmazonSSM.")) return handleSsm(state, target, JSON.parse(body || "{}"), res);
    return handleIam(state, new URLSearchParams(body), res);
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, state, close: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections())) };
}
