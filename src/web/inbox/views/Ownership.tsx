import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentRef, AgentStatus, ConversationSummary, Viewer } from "../../../protocol";
import { avatarTone, initials } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { useSelect } from "../state";
import { actions } from "../store";
import { type Filters, store } from "../inbox-state";
import { team, teamActions, type View } from "../team";

/** S32: a dot for an agent's status, with its legend for hover and screen readers. */
export function StatusDot({ status }: { status: AgentStatus }) {
  return (
    <span
      class={`status-dot status-${status}`}
      role="img"
      aria-label={t.agentStatus[status]}
      title={t.agentStatus[status]}
    />
  );
}

/** S31: who owns a conversation, as a small avatar in its row (nothing when unassigned). */
export function AssigneeAvatar({ assignee }: { assignee: AgentRef | null }) {
  if (!assignee) return null;
  const label = t.assignedTo(assignee.name);
  return (
    <span
      class={`avatar avatar-xs tone-${avatarTone(assignee.id)}`}
      role="img"
      aria-label={label}
      title={label}
      data-assignee={assignee.id}
    >
      {initials(assignee.name)}
    </span>
  );
}

/** S31: Mine, Unassigned and All (open, not snoozed), each with its live count. */
export function Views({ filters }: { filters: Filters }) {
  const counts = useSelect(team, (s) => s.counts);
  const labels = useSelect(team, (s) => s.labels);
  const views: [View, string, number | undefined][] = [
    ["mine", t.viewMine, counts?.mine],
    ["unassigned", t.viewUnassigned, counts?.unassigned],
    ["all", t.viewAll, counts?.all],
    ["mentions", t.viewMentions, counts?.mentions],
    ["snoozed", t.viewSnoozed, counts?.snoozed],
    ...labels
      .filter((l) => !l.archived)
      .map((l): [View, string, number | undefined] => [`label:${l.id}`, l.name, counts?.labels[l.id] ?? 0]),
  ];
  return (
    <nav class="views" aria-label={t.views}>
      {views.map(([view, label, n]) => (
        <button
          type="button"
          class={`view-tab${filters.view === view ? " current" : ""}`}
          aria-pressed={filters.view === view ? "true" : "false"}
          data-view={view}
          onClick={() => void actions.setFilters({ view })}
        >
          <span>{label}</span>
          <span class="count" aria-hidden="true">
            {n ?? "–"}
          </span>
          <span class="visually-hidden">{t.countOf(n ?? 0)}</span>
        </button>
      ))}
    </nav>
  );
}

/** S32: online or away while the app is open, next to the agent's name. */
export function AvailabilitySwitch({ meId }: { meId: string }) {
  const status = useSelect(team, (s) => s.statuses[meId] ?? "online");
  const away = status === "away";
  return (
    <button
      type="button"
      class="availability"
      id="availability-switch"
      aria-pressed={away ? "false" : "true"}
      title={away ? t.becomeOnline : t.becomeAway}
      onClick={() => void teamActions.setAvailability(away ? "online" : "away")}
    >
      <StatusDot status={status} />
      <span class="visually-hidden">{away ? t.becomeOnline : t.becomeAway}</span>
    </button>
  );
}

/**
 * S31: the header's assign menu: take it, give it to an active colleague (their availability shown),
 * or unassign. `a` opens it, `i` takes it (main.tsx); arrows move, Escape closes.
 */
export function AssignMenu({ summary, meId }: { summary: ConversationSummary; meId: string }) {
  const [open, setOpen] = useState(false);
  const agents = useSelect(team, (s) => s.agents);
  const statuses = useSelect(team, (s) => s.statuses);
  const menu = useRef<HTMLDivElement>(null);
  const assignee = summary.assignee;
  useEffect(() => {
    const onKey = () => setOpen(true);
    addEventListener("inbox:assign-menu", onKey);
    return () => removeEventListener("inbox:assign-menu", onKey);
  }, []);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
  }, [open]);
  const pick = (agentId: string | null) => {
    setOpen(false);
    void teamActions.assign(summary.id, agentId);
  };
  const items: { id: string | null; label: string; status?: AgentStatus }[] = [
    ...(assignee?.id === meId ? [] : [{ id: meId, label: t.assignToMe }]),
    ...agents
      .filter((a) => a.active && a.id !== meId && a.id !== assignee?.id)
      .map((a) => ({ id: a.id, label: a.name, status: statuses[a.id] ?? "offline" })),
    ...(assignee ? [{ id: null, label: t.unassign }] : []),
  ];
  return (
    <div class="assign">
      <button
        type="button"
        class="button assign-button"
        id="assign-button"
        aria-haspopup="menu"
        aria-expanded={open ? "true" : "false"}
        onClick={() => setOpen(!open)}
      >
        {assignee ? <AssigneeAvatar assignee={assignee} /> : <Icon name="contact" />}
        <span>{assignee ? assignee.name : t.unassigned}</span>
      </button>
      {open ? (
        <div
          class="menu-popup"
          role="menu"
          aria-label={t.assignTo}
          ref={menu}
          onKeyDown={(e: KeyboardEvent) => {
            const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === "Escape") {
              setOpen(false);
              document.getElementById("assign-button")?.focus();
            } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              items[(at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
            }
          }}
        >
          {items.map((item) => (
            <button
              type="button"
              role="menuitem"
              class="menu-item"
              data-agent={item.id ?? "none"}
              onClick={() => pick(item.id)}
            >
              {item.status ? <StatusDot status={item.status} /> : null}
              <span>{item.label}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** `i`: take the open conversation. */
export function assignToMe(): void {
  const s = store.state;
  if (s.thread && s.me && s.thread.summary?.assignee?.id !== s.me.id) void teamActions.assign(s.thread.id, s.me.id);
}

const NO_VIEWERS: readonly Viewer[] = [];

/** S37: the other agents here: avatars in the header, a pen on those replying, the words for screen readers. */
export function Viewers({ conversationId, meId }: { conversationId: string; meId: string }) {
  const all = useSelect(team, (s) => s.viewers.get(conversationId) ?? NO_VIEWERS);
  const others = all.filter((v) => v.agentId !== meId);
  if (others.length === 0) return null;
  const words = others.map((v) =>
    v.replying ? t.isReplying(v.name) : v.state === "viewing" ? t.isViewing(v.name) : t.hasItOpen(v.name),
  );
  return (
    <span class="viewers" data-testid="viewers" role="status" aria-label={words.join(", ")} title={words.join("\n")}>
      {others.map((v) => (
        <span
          class={`avatar avatar-xs tone-${avatarTone(v.agentId)}${v.state === "background" ? " faded" : ""}${v.replying ? " replying" : ""}`}
          data-viewer={v.agentId}
          data-replying={String(v.replying)}
          aria-hidden="true"
        >
          {initials(v.name)}
        </span>
      ))}
    </span>
  );
}

/** S37: "Ada is replying" in a row, while another agent writes there. */
export function ReplyingMarker({ conversationId }: { conversationId: string }) {
  const meId = useSelect(store, (s) => s.me?.id ?? null);
  const replying = useSelect(team, (s) =>
    (s.viewers.get(conversationId) ?? NO_VIEWERS)
      .filter((v) => v.replying && v.agentId !== meId)
      .map((v) => v.name)
      .join(", "),
  );
  return replying ? (
    <span class="replying-marker" data-testid="replying">
      {t.isReplying(replying)}
    </span>
  ) : null;
}

/** S34: a live notice for me (a mention), shown for a few seconds and said by screen readers. */
export function Notice() {
  const notice = useSelect(team, (s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => team.set((s) => ({ ...s, notice: "" })), 6000);
    return () => clearTimeout(timer);
  }, [notice]);
  return (
    <p class={`toast${notice ? " shown" : ""}`} role="status" data-testid="notice">
      {notice}
    </p>
  );
}
