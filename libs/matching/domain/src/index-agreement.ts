import type { IndexSummary } from './workflow-index';

/** One comparison: what workflow-config says the index should hold, and what it holds (the same workflows left out). */
export interface IndexComparison {
  expected: IndexSummary;
  indexed: IndexSummary;
}

export type IndexVerdict = { ready: true } | { ready: false; reason: string };

const agrees = ({ expected, indexed }: IndexComparison) => expected.workflows === indexed.workflows && expected.fingerprint === indexed.fingerprint;

/**
 * Whether the matcher's index can be trusted, from its comparisons with
 * workflow-config over time. A change reaches the index a moment after
 * workflow-config has it, so once the two have agreed a disagreement is
 * tolerated for `graceMs`; before they ever have (a start, a config topic
 * lost and not yet republished), none is.
 */
export class IndexAgreement {
  private agreedOnce = false;
  private disagreeingSince: number | undefined;
  private last: IndexComparison | undefined;

  constructor(private readonly graceMs: number) {}

  record(comparison: IndexComparison, now: number): void {
    this.last = comparison;
    if (agrees(comparison)) {
      this.agreedOnce = true;
      this.disagreeingSince = undefined;
    } else {
      this.disagreeingSince ??= now;
    }
  }

  /** The last comparison agreed. */
  get agreeing(): boolean {
    return this.last !== undefined && this.disagreeingSince === undefined;
  }

  /** Deliverable workflows workflow-config has beyond the index's count (negative: the index holds more); 0 before any comparison. */
  get missing(): number {
    return this.last ? this.last.expected.workflows - this.last.indexed.workflows : 0;
  }

  /** How long the two have disagreed without a break; 0 while they agree. */
  disagreementMs(now: number): number {
    return this.disagreeingSince === undefined ? 0 : now - this.disagreeingSince;
  }

  verdict(now: number): IndexVerdict {
    const last = this.last;
    if (!last) return { ready: false, reason: 'the index has not been compared with workflow-config yet' };
    if (this.disagreeingSince === undefined) return { ready: true };
    const forMs = now - this.disagreeingSince;
    if (this.agreedOnce && forMs < this.graceMs) return { ready: true };
    const { expected, indexed } = last;
    return {
      ready: false,
      reason:
        `the index holds ${indexed.workflows} deliverable workflows (fingerprint ${indexed.fingerprint}), ` +
        `workflow-config ${expected.workflows} (${expected.fingerprint}), disagreeing for ${forMs} ms` +
        (this.agreedOnce ? '' : ' and never agreed since the start'),
    };
  }

  /**
   * Whether events may be matched: once the index has agreed, or has
   * disagreed for longer than the grace (a drift, not a lag: holding every
   * event back for one stray workflow would stop every tenant) — unless
   * the index is empty while workflow-config has workflows. That is a lost
   * config topic not republished yet: an event matched now would reach no one.
   */
  mayMatch(now: number): boolean {
    if (this.agreedOnce) return true;
    const last = this.last;
    if (!last || this.disagreeingSince === undefined || now - this.disagreeingSince < this.graceMs) return false;
    return !(last.indexed.workflows === 0 && last.expected.workflows > 0);
  }
}
