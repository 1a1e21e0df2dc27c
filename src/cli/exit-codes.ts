/**
 * The exit-code contract (README, "Exit codes"). One pure function maps an outcome to a code so
 * the CLI, the tests and the documentation cannot drift apart.
 */
export const EXIT_OK = 0;
/** the scan finished but the `--fail-on` policy failed */
export const EXIT_POLICY_FAILED = 1;
/** bad command line */
export const EXIT_USAGE = 2;
/** one or more inputs could not be scanned */
export const EXIT_INPUT_FAILED = 3;
/** a batch stopped by Ctrl-C (128 + SIGINT, the shell convention); what was written is intact */
export const EXIT_INTERRUPTED = 130;

export interface Outcome {
  usageError?: boolean;
  inputsFailed?: number;
  policyFailed?: boolean;
}

export function exitCode(outcome: Outcome): number {
  if (outcome.usageError) return EXIT_USAGE;
  if ((outcome.inputsFailed ?? 0) > 0) return EXIT_INPUT_FAILED;
  if (outcome.policyFailed) return EXIT_POLICY_FAILED;
  return EXIT_OK;
}
