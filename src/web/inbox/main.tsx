// The inbox app's entry. For now: sign in, show who is signed in, sign out.
// The conversation list, thread and composer are built on this by the inbox issue.

interface Agent {
  id: string;
  email: string;
  name: string;
  role: "admin" | "agent";
}

const root = document.getElementById("app")!;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`/api${path}`, {
    ...init,
    credentials: "same-origin",
    headers: init.body ? { "content-type": "application/json" } : {},
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: Node[]) {
  const node: HTMLElementTagNameMap[K] = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function showSignIn(message = "") {
  const email = el("input", { type: "email", name: "email", id: "email", required: true, autocomplete: "username" });
  const password = el("input", { type: "password", name: "password", id: "password", required: true, autocomplete: "current-password" });
  const error = el("p", { className: "error", role: "alert", textContent: message });
  const form = el(
    "form",
    { className: "sign-in" },
    el("h1", { textContent: "Sign in to Conversations" }),
    el("label", { htmlFor: "email", textContent: "Email" }),
    email,
    el("label", { htmlFor: "password", textContent: "Password" }),
    password,
    el("button", { type: "submit", textContent: "Sign in" }),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const res = await api("/auth/sign-in", {
      method: "POST",
      body: JSON.stringify({ email: email.value, password: password.value }),
    });
    if (res.ok) return showAgent(((await res.json()) as { agent: Agent }).agent);
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    error.textContent = body?.error?.message ?? `Sign-in failed (${res.status})`;
  });
  root.replaceChildren(form);
  email.focus();
}

function showAgent(agent: Agent) {
  const signOut = el("button", { type: "button", textContent: "Sign out" });
  signOut.addEventListener("click", async () => {
    await api("/auth/sign-out", { method: "POST" });
    showSignIn();
  });
  root.replaceChildren(
    el("section", { className: "signed-in" }, el("h1", { textContent: `Signed in as ${agent.name}` }), el("p", { textContent: `${agent.email} · ${agent.role}` }), signOut),
  );
}

api("/auth/me").then(async (me) => {
  if (me.ok) showAgent(((await me.json()) as { agent: Agent }).agent);
  else showSignIn();
});
