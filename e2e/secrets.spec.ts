import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { OIDC_CONNECTION_CLIENT } from "./oidc/accounts.mjs";
import { ADMIN_STATE, clientToken, E2E, OIDC_ACCOUNTS, shot, sluice, unique } from "./support";

// Workspace secrets are written in the browser and never read back; a workspace connects to the
// e2e OpenID provider as an OAuth server, and a run uses the connection's token, masked in its log.
test.use({ storageState: ADMIN_STATE, viewport: { width: 1280, height: 900 } });
test.describe.configure({ mode: "serial" });

const suffix = unique();
const FIRST = `first-value-${suffix}`;
const SECOND = `second-value-${suffix}`;
let workspaceId = "";
let headers: Record<string, string> = {};

test.beforeAll(async ({ request }) => {
  const client = sluice<{ client_id: string; client_secret: string }>(
    "client", "create", "--tenant", "demo", "--name", `e2e secrets ${suffix}`, "--role", "sluice-admin",
    "--scope", "workspaces:write", "--scope", "workflows:write", "--scope", "runs:read", "--scope", "runs:write",
  );
  headers = { authorization: `Bearer ${(await clientToken(request, client.client_id, client.client_secret)).access_token}` };
  const response = await request.post("/api/v1/workspaces", { headers, data: { name: `Secrets ${suffix}` } });
  expect(response.status(), await response.text()).toBe(201);
  workspaceId = ((await response.json()) as { id: string }).id;
});

/** The value field of the open dialog: a password field, with a toggle for what was typed. */
async function typeValue(page: Page, label: string, value: string) {
  const field = page.getByRole("dialog").getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute("type", "password");
  await expect(field).toHaveValue("");
  await field.fill(value);
  const toggle = page.getByRole("dialog").getByRole("button", { name: "Show the value you typed" });
  await toggle.click();
  await expect(field).toHaveAttribute("type", "text");
  await expect(field).toHaveValue(value);
  await page.getByRole("dialog").getByRole("button", { name: "Hide the value you typed" }).click();
  await expect(field).toHaveAttribute("type", "password");
}

test("create a workspace secret, replace its value, see its history, and never read the value back", async ({ page }) => {
  await page.goto(`/workspaces/${workspaceId}`);
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page.getByText("No secrets")).toBeVisible();

  await page.getByRole("button", { name: "New secret" }).click();
  const create = page.getByRole("dialog", { name: "New secret" });
  await create.getByLabel("Name").fill("warehouse-password");
  await create.getByLabel("Description").fill("the warehouse's service account");
  await typeValue(page, "Value", FIRST);
  await shot(page, "secrets-new");
  await create.getByRole("button", { name: "Create secret" }).click();
  await expect(create).toBeHidden();
  const row = page.getByTestId("secret-warehouse-password");
  await expect(row).toContainText("the warehouse's service account");
  await expect(row.getByTestId("secret-version")).toHaveText("v1");

  await row.getByRole("button", { name: "Replace value" }).click();
  const replace = page.getByRole("dialog", { name: "Replace the value of warehouse-password" });
  await expect(replace).toContainText("becomes version 2");
  await typeValue(page, "New value", SECOND);
  await replace.getByRole("button", { name: "Replace value" }).click();
  await expect(replace).toBeHidden();
  await expect(row.getByTestId("secret-version")).toHaveText("v2");

  await row.getByRole("button", { name: "History of warehouse-password" }).click();
  const history = page.getByRole("dialog", { name: "History of warehouse-password" });
  await expect(history.getByTestId("version-2")).toContainText("current");
  await expect(history.getByTestId("version-2")).toContainText("Demo Admin");
  await expect(history.getByTestId("version-1")).toContainText("Demo Admin");
  await shot(page, "secrets-history");
  await history.getByRole("button", { name: "Close" }).click();

  // Nothing the browser gets holds a value: not the page, not a fresh load, not the API with this session.
  await page.reload();
  await expect(page.getByTestId("secret-warehouse-password")).toBeVisible();
  for (const value of [FIRST, SECOND]) expect(await page.content()).not.toContain(value);
  await row.getByRole("button", { name: "Replace value" }).click();
  await expect(page.getByRole("dialog").getByLabel("New value", { exact: true })).toHaveValue("");
  await page.keyboard.press("Escape");
  const detail = await page.request.get(`/api/v1/workspaces/${workspaceId}/secrets/warehouse-password`);
  expect(detail.status()).toBe(200);
  expect(await detail.text()).not.toContain(SECOND);
  const reveal = await page.request.post(`/api/v1/workspaces/${workspaceId}/secrets/warehouse-password/reveal`, { data: {}, headers: { origin: E2E.baseURL } });
  expect(reveal.status()).toBe(403);
  expect(await reveal.text()).not.toContain(SECOND);
  await shot(page, "secrets-list");
});

async function waitForRun(request: APIRequestContext, runId: string) {
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/workspaces/${workspaceId}/runs/${runId}`, { headers })).json()) as { state: string }).state, { timeout: 60_000 })
    .toMatch(/^(succeeded|failed|error|cancelled)$/);
}

test("register an OAuth provider, connect the workspace, and see a run use the token, masked in its log", async ({ page, request }) => {
  const provider = `e2e idp ${suffix}`;
  await page.goto("/oauth-providers");
  await page.getByRole("button", { name: "New provider" }).click();
  const form = page.getByRole("dialog", { name: "New OAuth provider" });
  await form.getByLabel("Name").fill(provider);
  await form.getByLabel("Authorization URL").fill(`${E2E.oidcIssuer}/auth`);
  await form.getByLabel("Token URL").fill(`${E2E.oidcIssuer}/token`);
  await form.getByLabel("Client id").fill(OIDC_CONNECTION_CLIENT.clientId);
  await form.getByLabel("Client secret", { exact: true }).fill(OIDC_CONNECTION_CLIENT.clientSecret);
  await form.getByLabel("Scopes").fill("openid");
  await form.getByRole("button", { name: "Register provider" }).click();
  await expect(page.getByTestId(`provider-${provider}`)).toContainText("secret sealed, never shown");
  expect(await page.content()).not.toContain(OIDC_CONNECTION_CLIENT.clientSecret);
  await shot(page, "oauth-providers");

  await page.goto(`/workspaces/${workspaceId}/connections`);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const connect = page.getByRole("dialog", { name: "Connect to a provider" });
  await connect.getByLabel("Name").fill("idp");
  await connect.getByLabel("Provider").selectOption({ label: provider });
  await connect.getByRole("button", { name: "Continue to the provider" }).click();

  // at the provider: sign in as dana, then back to Sluice
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill("dana");
  await page.getByLabel("Password").fill(OIDC_ACCOUNTS.dana.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/workspaces/${workspaceId}/connections\\?connected=idp$`));
  await expect(page.getByRole("status")).toHaveText("Connected idp.");
  const connection = page.getByTestId("connection-idp");
  await expect(connection).toContainText("connected");
  await expect(connection).toContainText("connection.idp");
  await shot(page, "connections");

  // a run: one step prints the token, another calls the provider with it
  const workflow = `use-token-${suffix}`;
  const created = await request.post(`/api/v1/workspaces/${workspaceId}/workflows`, {
    headers,
    data: {
      name: workflow,
      spec: {
        steps: [
          { name: "print", kind: "container", container: { image: "busybox", command: ["sh", "-c", 'echo "token=$TOKEN"'], args: [], env: [{ name: "TOKEN", value: { from: "secret", name: "connection.idp" } }] } },
          {
            name: "whoami",
            kind: "http",
            http: { method: "POST", url: `${E2E.oidcIssuer}/me`, headers: [{ name: "content-type", value: { from: "literal", value: "application/x-www-form-urlencoded" } }], body: "access_token={{inputs.token}}" },
            inputs: [{ name: "token", type: "secret", value: { from: "secret", name: "connection.idp" } }],
            outputs: [{ name: "sub", type: "string", source: { from: "body", jsonPath: "sub" } }],
          },
        ],
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const started = await request.post(`/api/v1/workspaces/${workspaceId}/workflows/${workflow}/runs`, { headers, data: { inputs: {} } });
  expect(started.status(), await started.text()).toBe(201);
  const runId = ((await started.json()) as { id: string }).id;
  await waitForRun(request, runId);

  await page.goto(`/workspaces/${workspaceId}/runs/${runId}`);
  await expect(page.getByTestId("run-state")).toContainText("succeeded");
  await page.getByTestId("node-print").click();
  await expect(page.getByTestId("step-panel").getByTestId("log-lines")).toContainText("token=***");
  await page.getByTestId("node-whoami").click();
  await expect(page.getByTestId("step-panel")).toContainText("dana");
  await shot(page, "connections-run-masked");
});
