// One client of the product for the tests and the bench: requests as the inbox app and the widget make
// them, sign-in, agents, widget sessions, posts and sockets. Each environment brings its transport:
// workerd the worker's own entry point (test/worker/helpers.ts), Node real HTTP and the built-in
// WebSocket (test/support/node-transport.ts). Plain Node imports this file too (the bench): erasable
// types only, and `.ts` on relative imports.
import type { Message } from "../../src/protocol";
import type { TestSocket } from "./test-socket.ts";

export interface Transport {
  /** Sends one request to the server. */
  fetch(request: Request): Promise<Response>;
  /** A WebSocket upgrade (`url` is ws: or wss:): the socket once open, or the HTTP status that refused it. */
  socket(url: string, headers: Record<string, string>): Promise<TestSocket | number>;
}

export interface ClientOptions {
  /** The server's origin as clients reach it: the base of every URL and our own Origin. */
  baseUrl: string;
  /** The site embedding the widget: the Origin of widget requests and visitor sockets. */
  site?: string;
  /** The client address (CF-Connecting-IP) of every request; `null` sends none (loopback under wrangler dev). Default: a random one. */
  address?: string | null;
  /** Visitor sockets ping every `pingMs`, like the widget; 0 (the default) never, as a vanished tab. */
  pingMs?: number;
  /** Names the agents it creates: "E2E" gives "E2E Agent 3", e2e-…@example.com, e2e-password-123. */
  label?: string;
}

export interface CallOptions {
  method?: string;
  /** A JSON body; the method is then POST unless given. */
  body?: unknown;
  /** Raw body, sent as is (malformed input, signed bytes). */
  raw?: string | Uint8Array<ArrayBuffer>;
  cookie?: string | null;
  /** Defaults to our own origin on a state change, as a browser sends it; `null` sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** This request's client address instead of the client's; `null` sends none. */
  client?: string | null;
}

export interface SocketOptions {
  cookie?: string;
  /** Defaults to our own origin; `null` sends none. */
  origin?: string | null;
  /** Another host:port to connect through (a proxy in front of the server). */
  via?: string;
}

/** A request or socket as data, for a load generator that sends it itself (the bench). */
export interface Target {
  url: string;
  headers: Record<string, string>;
  /** Fields every post to it carries besides its own (the agent's channel). */
  body?: Record<string, unknown>;
}

/** What POST /api/widget/session answers. `deviceId` is null only for an identified user who came without one. */
export interface VisitorSession {
  deviceId: string;
  conversationId: string;
  token: string;
  expiresAt: number;
  lastSeq: number;
  contact: { email: string; verified: boolean } | null;
  identified: boolean;
}

export interface Posted {
  res: Response;
  body: { message: Message; duplicate: boolean };
}

export function testClient(transport: Transport, options: ClientOptions) {
  const origin = new URL(options.baseUrl).origin;
  const wsOrigin = origin.replace(/^http/, "ws");
  const site = options.site ?? "https://shop.example";
  const address = options.address === undefined ? randomAddress() : options.address;
  const label = options.label ?? "Test";
  let agents = 0;

  /** One request, from our own origin and the client's address unless told otherwise. */
  function call(path: string, opts: CallOptions = {}): Promise<Response> {
    const headers = new Headers(opts.headers);
    let body = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers.set("content-type", "application/json");
    }
    const method = opts.method ?? (body === undefined ? "GET" : "POST");
    const from = opts.origin === undefined ? (method === "GET" || method === "HEAD" ? null : origin) : opts.origin;
    if (from) headers.set("origin", from);
    if (opts.cookie) headers.set("cookie", opts.cookie);
    const client = opts.client === undefined ? address : opts.client;
    if (client) headers.set("cf-connecting-ip", client);
    return transport.fetch(new Request(`${origin}${path}`, { method, headers, body, redirect: "manual" }));
  }

  /** A request to the widget API as the widget on the allowed site makes it. */
  function widget(path: string, opts: CallOptions & { token?: string } = {}): Promise<Response> {
    const headers = { ...opts.headers, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
    return call(`/api/widget${path}`, { origin: site, ...opts, headers });
  }

  /** Signs in and returns the `name=value` cookie pair to send back (sign-ins are limited per client address). */
  async function signIn(email: string, password: string, opts: { client?: string | null } = {}): Promise<string> {
    const res = await call("/api/auth/sign-in", { body: { email, password }, client: opts.client });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    return sessionCookie(res)!;
  }

  /** A new agent, created by an admin through the API, and signed in. */
  async function newAgent(adminCookie: string, opts: { role?: "agent" | "admin"; client?: string | null } = {}) {
    const n = ++agents;
    const tag = label.toLowerCase();
    const agent = {
      email: `${tag}-${Date.now()}-${n}@example.com`,
      name: `${label} Agent ${n}`,
      role: opts.role ?? "agent",
      password: `${tag}-password-123`,
    };
    const res = await call("/api/agents", { cookie: adminCookie, body: agent, client: opts.client });
    if (res.status !== 201) throw new Error(`create agent: ${res.status} ${await res.text()}`);
    const { id } = ((await res.json()) as { agent: { id: string } }).agent;
    return { ...agent, id, cookie: await signIn(agent.email, agent.password, opts) };
  }

  async function session(body: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<VisitorSession> {
    const res = await widget("/session", { body, ...opts });
    if (res.status !== 200) throw new Error(`session: ${res.status} ${await res.text()}`);
    return (await res.json()) as VisitorSession;
  }

  /** A new visitor's conversation, or the device's own again. */
  const startVisitor = (deviceId?: string) => session(deviceId ? { deviceId } : {});

  function socketTarget(path: string, opts: SocketOptions = {}): Target {
    const headers: Record<string, string> = {};
    const from = opts.origin === undefined ? origin : opts.origin;
    if (from) headers.origin = from;
    if (opts.cookie) headers.cookie = opts.cookie;
    const base = opts.via ? `${new URL(wsOrigin).protocol}//${opts.via}` : wsOrigin;
    return { url: `${base}${path}`, headers };
  }

  function withAddress(headers: Record<string, string>): Record<string, string> {
    return address ? { ...headers, "cf-connecting-ip": address } : headers;
  }

  /** Where each participant of a conversation posts and listens: what the methods below use. */
  const targets = {
    visitorPost: (v: { token: string }): Target => ({
      url: `${origin}/api/widget/messages`,
      headers: withAddress({ origin: site, authorization: `Bearer ${v.token}` }),
    }),
    agentPost: (cookie: string, conversationId: string): Target => ({
      url: `${origin}/api/conversations/${conversationId}/messages`,
      headers: withAddress({ origin, cookie }),
      body: { channel: "chat" },
    }),
    visitorSocket: (v: { token: string }, after = 0, via?: string) =>
      socketTarget(`/api/widget/socket?token=${encodeURIComponent(v.token)}&after=${after}`, { origin: site, via }),
    agentSocket: (cookie: string, conversationId: string, after = 0) =>
      socketTarget(`/api/conversations/${conversationId}/socket?after=${after}`, { cookie }),
    feedSocket: (cookie: string) => socketTarget("/api/inbox/socket", { cookie }),
  };

  /** Posts `{ ...target.body, ...fields }` as JSON to a target. */
  async function post(target: Target, fields: Record<string, unknown>): Promise<Posted> {
    const body = JSON.stringify({ ...target.body, ...fields });
    const res = await transport.fetch(
      new Request(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...target.headers },
        body,
      }),
    );
    return { res, body: (await res.json()) as Posted["body"] };
  }

  const visitorSays = (v: { token: string }, text: string, id = clientId()) =>
    post(targets.visitorPost(v), { clientId: id, text });
  /** An agent's chat reply, through the same door the inbox uses (sockets carry only typing). */
  const agentSays = (cookie: string, conversationId: string, text: string, id = clientId()) =>
    post(targets.agentPost(cookie, conversationId), { clientId: id, text });

  /** Opens a socket and waits for its first frame (the welcome, or a snapshot). */
  async function open(target: Target): Promise<TestSocket> {
    const socket = await transport.socket(target.url, target.headers);
    if (typeof socket === "number") throw new Error(`socket ${target.url} refused: ${socket}`);
    await socket.waitFor(() => socket.frames.length > 0, "first frame", 5000);
    return socket;
  }

  /** The HTTP status of a socket upgrade (101 when accepted; the socket is closed again). */
  async function upgradeStatus(path: string, opts: SocketOptions = {}): Promise<number> {
    const target = socketTarget(path, opts);
    const socket = await transport.socket(target.url, target.headers);
    if (typeof socket === "number") return socket;
    socket.close();
    return 101;
  }

  return {
    origin,
    site,
    address,
    targets,
    call,
    widget,
    signIn,
    newAgent,
    session,
    startVisitor,
    post,
    visitorSays,
    agentSays,
    connect: (path: string, opts: SocketOptions = {}) => open(socketTarget(path, opts)),
    upgradeStatus,
    visitorSocket: async (v: { token: string }, after = 0, via?: string) => {
      const socket = await open(targets.visitorSocket(v, after, via));
      return options.pingMs ? socket.keepAlive(options.pingMs) : socket;
    },
    agentSocket: (cookie: string, conversationId: string, after = 0) =>
      open(targets.agentSocket(cookie, conversationId, after)),
    feedSocket: (cookie: string) => open(targets.feedSocket(cookie)),
  };
}

export type TestClient = ReturnType<typeof testClient>;

let ids = 0;
export function clientId(): string {
  return `cid-${Date.now()}-${++ids}`;
}

let fresh = 0;
/** A client address no other test uses, for the per-client rate limits. */
export function freshClient(): string {
  return `192.0.2.${++fresh}-${crypto.randomUUID().slice(0, 8)}`;
}

function randomAddress(): string {
  const part = () => 1 + Math.floor(Math.random() * 250);
  return `10.${part()}.${part()}.${part()}`;
}

/** The `name=value` session cookie a response sets, if any. */
export function sessionCookie(res: Response): string | null {
  const match = res.headers.get("set-cookie")?.match(/(__Host-session=[^;]*)/);
  return match ? match[1]! : null;
}

export async function errorOf(
  res: Response,
): Promise<{ code: string; message: string; fields?: Record<string, string> }> {
  return ((await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } }).error;
}
