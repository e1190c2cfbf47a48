// Command-line flags shared by every bench script.
export interface BenchArgs {
  quick: boolean;
  /** Runs per figure (median of these). */
  runs: number;
  /** Section names to run (index.ts); empty = all. */
  only: string[];
}

export function parseArgs(argv = process.argv.slice(2)): BenchArgs {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--only');
  const only = i >= 0 && argv[i + 1] ? argv[i + 1].split(',') : [];
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) || 1) : quick ? 1 : 3;
  return { quick, runs, only };
}
