// A 20,000-frame slice of `npm run fuzz` (test/fuzz/parser-fuzz.ts runs 1,000,000),
// with a fixed seed so a failure reproduces.
import { describe, expect, it } from 'vitest';
import { fuzz, MAX } from '../fuzz/fuzz-core';

describe('parser fuzz slice', () => {
  it('20,000 generated and mutated frames: no escaped exception, one error at most, split-independent', () => {
    const s = fuzz(20_000, 20_251_125);
    expect(s.frames).toBe(20_000);
    expect(s.ours.samples).toEqual([]);
    expect(s.ours.escaped).toBe(0);
    expect(s.ours.multipleErrors).toBe(0);
    expect(s.splitMismatches).toBe(0);
    expect(s.largestAllocation).toBeGreaterThan(0);
    expect(s.largestAllocation).toBeLessThanOrEqual(MAX);
    expect(s.mqttPacket.escaped).toBe(0);
    // The slice really exercised both outcomes and many rules.
    expect(Object.keys(s.ours.packets).length).toBe(9);
    expect(Object.keys(s.ours.errors).length).toBeGreaterThan(25);
  });
});
