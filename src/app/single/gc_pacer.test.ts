import { test } from "node:test";
import assert from "node:assert/strict";
import { newPacerState, observe, startGcPacer, stopGcPacer } from "./gc_pacer.ts";

const MiB = 1 << 20;

test("observe: a collection is due after a step of growth over the lowest reading, at most once per gap", () => {
  // readings: [arrayBuffers MiB, time ms]; expected: which readings report true
  const f = (readings: Array<[number, number]>, expected: boolean[]) => {
    const st = newPacerState();
    const got = readings.map(([mb, t]) => observe(st, mb * MiB, t, 16 * MiB, 1000));
    assert.deepEqual(got, expected, `readings ${JSON.stringify(readings)}`);
  };
  f([[10, 0], [20, 250], [26, 500]], [false, false, false]);
  f([[10, 0], [27, 250]], [false, true]);
  // The low follows the lowest reading: growth is measured from 5, not 10.
  f([[10, 0], [5, 250], [22, 500]], [false, false, true]);
  // Not again within the gap, even with more growth.
  f([[10, 0], [27, 250], [60, 500], [60, 1250]], [false, true, false, true]);
  // Live growth that a collection does not free triggers once per step.
  f([[10, 0], [27, 2000], [27, 4000], [40, 6000], [44, 8000]], [false, true, false, false, true]);
  // After the collection frees memory, growth counts from the new low.
  f([[10, 0], [27, 2000], [12, 4000], [29, 6000]], [false, true, false, true]);
});

test("startGcPacer: false without gc(), true with it; stopGcPacer is idempotent", () => {
  const g = globalThis as { gc?: unknown };
  const saved = g.gc;
  try {
    g.gc = undefined;
    assert.equal(startGcPacer(), false);
    let calls = 0;
    g.gc = () => { calls++; };
    assert.equal(startGcPacer(), true);
    assert.equal(startGcPacer(), true);
    assert.equal(calls, 0);
  } finally {
    stopGcPacer();
    stopGcPacer();
    g.gc = saved;
  }
});
