// Demo conversations for `npm start`, created through the running server's own API (their messages
// live in Durable Objects, not in D1). Idempotent: the demo devices are remembered in the state folder
// and every message has a fixed client id, so a restart adds nothing twice.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const VISITORS = [
  {
    key: "canarias",
    messages: [
      { from: "visitor", id: "demo-canarias-1", text: "Hola, ¿hacéis envíos a Canarias?" },
      { from: "agent", id: "demo-canarias-2", text: "¡Hola! Sí, enviamos a Canarias en 3–5 días laborables." },
      { from: "visitor", id: "demo-canarias-3", text: "Perfecto, gracias." },
    ],
  },
  {
    key: "login",
    messages: [{ from: "visitor", id: "demo-login-1", text: "Hi! I can't log in to my account since yesterday." }],
  },
];

export async function seedDemoConversations(baseUrl, persistTo, admin) {
  const file = join(persistTo, "demo-devices.json");
  const devices = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const post = (path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl, ...headers },
      body: JSON.stringify(body),
    });

  const signIn = await post("/api/auth/sign-in", { email: admin.email, password: admin.password });
  if (!signIn.ok) throw new Error(`demo sign-in failed: ${signIn.status}`);
  const cookie = signIn.headers.get("set-cookie").split(";")[0];

  for (const visitor of VISITORS) {
    let session = await post("/api/widget/session", devices[visitor.key] ? { deviceId: devices[visitor.key] } : {});
    if (session.status === 400) session = await post("/api/widget/session", {}); // secret changed: start over
    const { deviceId, conversationId, token } = await session.json();
    devices[visitor.key] = deviceId;
    for (const m of visitor.messages) {
      const res =
        m.from === "visitor"
          ? await post("/api/widget/messages", { clientId: m.id, text: m.text }, { authorization: `Bearer ${token}` })
          : await post(
              `/api/conversations/${conversationId}/messages`,
              { clientId: m.id, channel: "chat", text: m.text },
              { cookie },
            );
      if (!res.ok) throw new Error(`demo message failed: ${res.status} ${await res.text()}`);
    }
  }
  writeFileSync(file, JSON.stringify(devices, null, 2));
  await seedSavedResponses(baseUrl, cookie);
}

const SAVED_RESPONSES = {
  Shipping: [
    {
      title: "Shipping times",
      body: "Hi {{contact.first_name | there}}, orders ship within 24 hours and usually arrive in 3–5 working days.",
    },
    {
      title: "Plazos de envío",
      body: "¡Hola, {{contact.first_name | qué tal}}! Enviamos en 24 horas; suele llegar en 3–5 días laborables. Un saludo, {{agent.first_name}}.",
    },
  ],
  Account: [
    {
      title: "Reset password",
      body: "Hi {{contact.first_name | there}}, you can reset your password from the sign-in page with “Forgot password”.",
    },
    {
      title: "Restablecer contraseña",
      body: "Hola, {{contact.first_name | buenas}}: puedes restablecer tu contraseña desde la página de acceso con «¿Olvidaste tu contraseña?».",
    },
  ],
};

/** Demo categories and saved responses in English and Spanish (created once: looked up by name and title). */
async function seedSavedResponses(baseUrl, cookie) {
  const headers = { "content-type": "application/json", origin: baseUrl, cookie };
  const get = async (path) => (await fetch(`${baseUrl}${path}`, { headers })).json();
  const post = (path, body) => fetch(`${baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const { categories } = await get("/api/saved-responses/categories");
  for (const [name, responses] of Object.entries(SAVED_RESPONSES)) {
    let category = categories.find((c) => c.name === name);
    if (!category) category = (await (await post("/api/saved-responses/categories", { name })).json()).category;
    const existing = (await get(`/api/saved-responses?category=${category.id}`)).responses.map((r) => r.title);
    for (const r of responses)
      if (!existing.includes(r.title)) await post("/api/saved-responses", { categoryId: category.id, ...r });
  }
}

/** Resolves once the server answers HTTP at all. */
export async function waitForServer(baseUrl, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`${baseUrl}/api/auth/me`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`server at ${baseUrl} did not answer within ${timeoutMs} ms`);
}
