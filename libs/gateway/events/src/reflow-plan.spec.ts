import { afterPageFailure, asyncPageSize, checkEventReflow, countCap, MAX_REFLOW_ERRORS, PAGE_ATTEMPTS, planSubjectReflow, withError } from './reflow-plan';

const bounds = { maxEvents: 10 };

describe('checkEventReflow', () => {
  it('accepts up to the bound, counting each id once', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `evt_${i}`);
    expect(checkEventReflow([...ids, ids[0]], bounds)).toEqual({ ok: true, eventIds: ids });
  });

  it('refuses one id past the bound as reflow_too_large', () => {
    const ids = Array.from({ length: 11 }, (_, i) => `evt_${i}`);
    expect(checkEventReflow(ids, bounds)).toEqual({ ok: false, status: 422, errorType: 'request_invalid', code: 'reflow_too_large' });
  });
});

describe('planSubjectReflow', () => {
  it('asks projection for one past the bound', () => {
    expect(countCap(bounds)).toBe(11);
  });

  it('keeps the subjects with events in the order named, each once, and counts the others', () => {
    const plan = planSubjectReflow(
      ['pay_b', 'pay_none', 'pay_a', 'pay_b'],
      [
        { subject_id: 'pay_a', events: 3 },
        { subject_id: 'pay_b', events: 7 },
      ],
      bounds,
    );
    expect(plan).toEqual({
      ok: true,
      subjects: [
        { subject_id: 'pay_b', events: 7 },
        { subject_id: 'pay_a', events: 3 },
      ],
      withoutEvents: 1,
      events: 10,
    });
  });

  it('refuses more events than the bound, however they are spread over subjects', () => {
    const counts = [
      { subject_id: 'pay_a', events: 6 },
      { subject_id: 'pay_b', events: 5 },
    ];
    expect(planSubjectReflow(['pay_a', 'pay_b'], counts, bounds)).toMatchObject({ ok: false, status: 422, code: 'reflow_too_large' });
    // A capped count (one huge subject) is refused the same way.
    expect(planSubjectReflow(['pay_a'], [{ subject_id: 'pay_a', events: countCap(bounds) }], bounds)).toMatchObject({ ok: false, code: 'reflow_too_large' });
  });

  it('answers 404 when no subject has an event', () => {
    expect(planSubjectReflow(['pay_a', 'pay_b'], [], bounds)).toEqual({ ok: false, status: 404, errorType: 'not_found' });
  });

  it('ignores counts of subjects not named, and takes hostile subject ids as plain keys', () => {
    const plan = planSubjectReflow(
      ['__proto__', 'constructor'],
      [
        { subject_id: '__proto__', events: 2 },
        { subject_id: 'pay_other', events: 9 },
      ],
      bounds,
    );
    expect(plan).toEqual({ ok: true, subjects: [{ subject_id: '__proto__', events: 2 }], withoutEvents: 1, events: 2 });
  });
});

describe('afterPageFailure', () => {
  it('retries a failure out of reach with a doubling backoff, then gives up', () => {
    const steps = Array.from({ length: PAGE_ATTEMPTS }, (_, i) => afterPageFailure(i + 1, false));
    expect(steps).toEqual([
      { step: 'retry', afterMs: 1000 },
      { step: 'retry', afterMs: 2000 },
      { step: 'retry', afterMs: 4000 },
      { step: 'retry', afterMs: 8000 },
      { step: 'retry', afterMs: 16_000 },
      { step: 'retry', afterMs: 30_000 },
      { step: 'retry', afterMs: 30_000 },
      { step: 'give_up' },
    ]);
  });

  it('skips a subject whose page projection refuses, at the first attempt', () => {
    expect(afterPageFailure(1, true)).toEqual({ step: 'skip_subject' });
  });
});

describe('withError', () => {
  it('keeps the newest errors only', () => {
    let errors: number[] = [];
    for (let i = 1; i <= MAX_REFLOW_ERRORS + 5; i++) errors = withError(errors, i);
    expect(errors).toHaveLength(MAX_REFLOW_ERRORS);
    expect(errors[0]).toBe(6);
    expect(errors.at(-1)).toBe(MAX_REFLOW_ERRORS + 5);
  });
});

describe('asyncPageSize', () => {
  it('is at most one second of the pace, at least one event, at most the page limit', () => {
    expect(asyncPageSize(200, 1000)).toBe(200);
    expect(asyncPageSize(200, 20)).toBe(20);
    expect(asyncPageSize(200, 0.5)).toBe(1);
  });
});
