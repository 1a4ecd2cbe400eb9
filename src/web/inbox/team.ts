import type { AgentStatus, ServerFrame, Viewer } from "../../protocol";
import { api, ok } from "./api";
import { t } from "./i18n";
import { Store } from "./state";

/** S31's views (the agent's own, nobody's, everyone's: open, not snoozed), Snoozed (S36) and one per label (S35). */
export type View = "mine" | "unassigned" | "all" | "mentions" | "snoozed" | `label:${string}`;

export interface Counts {
  readonly mine: number;
  readonly unassigned: number;
  readonly all: number;
  readonly unread: number;
  readonly snoozed: number;
  readonly mentions: number;
  readonly labels: Readonly<Record<string, number>>;
}

export interface Label {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly archived: boolean;
}

export interface TeamAgent {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
}

/** The team and ownership (S31, S32): a store of its own, so a count or a status changes nothing else. */
export interface TeamState {
  readonly counts: Counts | null;
  readonly agents: readonly TeamAgent[];
  readonly statuses: Readonly<Record<string, AgentStatus>>;
  /** S37: who is viewing or replying, per conversation (from the feed; never stale: the server expires them). */
  readonly viewers: ReadonlyMap<string, readonly Viewer[]>;
  readonly labels: readonly Label[];
  /** S34: conversations with a mention of me I have not seen (opening one clears it). */
  readonly mentioned: ReadonlySet<string>;
  /** The last live notice for me (a mention), said once by the announcer. */
  readonly notice: string;
}

const empty: TeamState = {
  counts: null,
  agents: [],
  statuses: {},
  viewers: new Map(),
  labels: [],
  mentioned: new Set(),
  notice: "",
};
export const team = new Store<TeamState>(empty);

let countTimer: ReturnType<typeof setTimeout> | undefined;

export const teamActions = {
  async load(): Promise<void> {
    const [{ agents }, counts, { labels }, mentioned] = await Promise.all([
      ok(await api.agents.$get()),
      ok(await api.inbox.counts.$get()),
      ok(await api.labels.$get()),
      ok(await api.conversations.$get({ query: { mentioned: "me", limit: "100" } })),
    ]);
    team.set((s) => ({
      ...s,
      counts,
      labels,
      mentioned: new Set(mentioned.conversations.map((c: { id: string }) => c.id)),
      agents: agents.map((a) => ({ id: a.id, name: a.name, active: a.active })),
      statuses: { ...Object.fromEntries(agents.map((a) => [a.id, a.status])), ...s.statuses },
    }));
  },

  /** Counts move with every change the feed reports; asked again at most every half second. */
  recount(): void {
    clearTimeout(countTimer);
    countTimer = setTimeout(async () => {
      const counts = await ok(await api.inbox.counts.$get()).catch(() => null);
      if (counts) team.set((s) => ({ ...s, counts }));
    }, 500);
  },

  onFeedFrame(f: ServerFrame): void {
    if (f.type === "availability") team.set((s) => ({ ...s, statuses: f.statuses }));
    else if (f.type === "viewers") {
      team.set((s) => {
        const viewers = new Map(s.viewers);
        if (f.viewers.length) viewers.set(f.conversationId, f.viewers);
        else viewers.delete(f.conversationId);
        return { ...s, viewers };
      });
    } else if (f.type === "conversation") this.recount();
    else if (f.type === "mention") {
      const by = f.mention.by.name;
      const id = f.mention.conversationId;
      team.set((s) => ({ ...s, mentioned: new Set(s.mentioned).add(id), notice: t.mentionedYou(by) }));
      this.recount();
    }
  },

  async setAvailability(status: "online" | "away"): Promise<void> {
    await ok(await api.auth.me.availability.$put({ json: { status } }));
  },

  async loadLabels(): Promise<void> {
    const { labels } = await ok(await api.labels.$get());
    team.set((s) => ({ ...s, labels }));
  },

  async setLabels(conversationId: string, labelIds: string[]): Promise<void> {
    await ok(await api.conversations[":id"].labels.$put({ param: { id: conversationId }, json: { labelIds } }));
    this.recount();
  },

  /** S36: until a time (epoch ms), or null to bring it back now. */
  async snooze(conversationId: string, until: number | null): Promise<void> {
    const param = { id: conversationId };
    await ok(
      until === null
        ? await api.conversations[":id"].unsnooze.$post({ param })
        : await api.conversations[":id"].snooze.$post({ param, json: { until } }),
    );
    this.recount();
  },

  /** S33, S34: an internal note, mentioning these agents; it reaches the thread over its socket. */
  /** S38: `seen` says what the author had seen; news since then holds the note (a thrown `stale`). */
  async note(
    conversationId: string,
    text: string,
    mentions: string[],
    seen: { basedOnSeq?: number; force?: boolean } = {},
  ): Promise<void> {
    const json = {
      clientId: crypto.randomUUID(),
      channel: "note" as const,
      text,
      ...(mentions.length ? { mentions } : {}),
      ...seen,
    };
    await ok(await api.conversations[":id"].messages.$post({ param: { id: conversationId }, json }));
  },

  /** Opening a conversation sees its mentions (the server clears them with the open). */
  seen(conversationId: string): void {
    if (!team.state.mentioned.has(conversationId)) return;
    team.set((s) => {
      const mentioned = new Set(s.mentioned);
      mentioned.delete(conversationId);
      return { ...s, mentioned };
    });
    this.recount();
  },

  async markUnread(conversationId: string): Promise<void> {
    await ok(await api.conversations[":id"].unread.$post({ param: { id: conversationId } }));
  },

  async assign(conversationId: string, agentId: string | null): Promise<void> {
    await ok(await api.conversations[":id"].assign.$post({ param: { id: conversationId }, json: { agentId } }));
    this.recount();
  },

  stop(): void {
    clearTimeout(countTimer);
    team.set(empty);
  },
};
