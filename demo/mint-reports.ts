import type { Verdict } from '../tools/okta/response-judge.ts';

/** What the provider did with the hook's answer for one sign-in, told to the app beside it. */
export interface MintReport {
  verdict: Verdict;
  reasons: string[];
}

// A sign-in that never comes back for its report must not grow the map for ever.
const KEPT = 200;

/**
 * The local provider's side channel to the app, keyed by the sign-in's nonce, which both ends know.
 * Okta has no such channel (its System Log tells the admin): against an org the page shows claims only.
 */
export class MintReports {
  readonly #byNonce = new Map<string, MintReport>();

  record(nonce: string, report: MintReport): void {
    this.#byNonce.set(nonce, report);
    for (const oldest of this.#byNonce.keys()) {
      if (this.#byNonce.size <= KEPT) break;
      this.#byNonce.delete(oldest);
    }
  }

  /** The report for this nonce, once. */
  take(nonce: string): MintReport | undefined {
    const report = this.#byNonce.get(nonce);
    this.#byNonce.delete(nonce);
    return report;
  }
}
