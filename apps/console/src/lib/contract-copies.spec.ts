import { ActionTimeout, PayloadFormat, RetryPolicyName } from '@hookstream/contracts';
import { NAMED_RETRY_POLICIES } from './retry-policy';
import { ACTION_TIMEOUT_MAX_MS, FORMATS } from './workflow-form';

// The console's bundle cannot carry the contracts lib, so it keeps copies of the Workflows API's choices; they may not drift from it.
describe("the console's copies of the Workflows API's rules", () => {
  it('offer the contract’s payload formats, named retry policies and longest timeout', () => {
    expect([...FORMATS]).toEqual(PayloadFormat.options);
    expect([...NAMED_RETRY_POLICIES]).toEqual(RetryPolicyName.options);
    expect(ACTION_TIMEOUT_MAX_MS).toBe(ActionTimeout.maxMs);
  });
});
