import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/lib/group-commit";
import { indexRow, startVisitor, visitorSays } from "./helpers";

/** A commit that waits until released, recording what each batch held. */
function gatedCommit() {
  const batches: number[][] = [];
  let release: (() => void)[] = [];
  let failNext = false;
  const commit = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => release.push(r));
    if (failNext) {
      failNext = false;
      throw new Error("D1 is away");
    }
  };
  return {
    batches,
    commit,
    failNext: () => {
      failNext = true;
    },
    releaseAll: () => {
      const r = release;
      release = [];
      for (const f of r) f();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("group commit of index writes (S1, S29)", () => {
  it("S29: the first write goes at once; writes arriving meanwhile go together next, each resolved after its own batch", async () => {
    const gate = gatedCommit();
    const writer = new GroupCommit<number>(gate.commit, 3);
    const done: number[] = [];
    const first = writer.add(1).then(() => done.push(1));
    await tick();
    expect(gate.batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((n) => writer.add(n).then(() => done.push(n)));
    await tick();
    expect(done).toEqual([]);
    gate.releaseAll();
    await first;
    await tick();
    expect(done).toEqual([1]);
    expect(gate.batches).toEqual([[1], [2, 3, 4]]); // at most maxBatch per commit
    gate.releaseAll();
    await tick();
    gate.releaseAll();
    await Promise.all(later);
    expect(gate.batches).toEqual([[1], [2, 3, 4], [5]]);
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it("S29: a failed commit rejects only its own batch; the writer goes on", async () => {
    const gate = gatedCommit();
    const writer = new GroupCommit<number>(gate.commit, 10);
    gate.failNext();
    const failed = writer.add(1);
    await tick();
    const next = writer.add(2);
    gate.releaseAll();
    await expect(failed).rejects.toThrow("D1 is away");
    await tick();
    gate.releaseAll();
    await expect(next).resolves.toBeUndefined();
    expect(gate.batches).toEqual([[1], [2]]);
  });

  it("S1: many conversations changing at once all reach the D1 index at their latest version", async () => {
    const visitors = await Promise.all(Array.from({ length: 12 }, () => startVisitor()));
    await Promise.all(
      visitors.map(async (v, i) => {
        await visitorSays(v, `first ${i}`);
        await visitorSays(v, `second ${i}`);
      }),
    );
    for (const [i, v] of visitors.entries()) {
      const row = await indexRow(v.conversationId, 2);
      expect([row.last_seq, row.last_message_preview]).toEqual([2, `second ${i}`]);
    }
  });
});
