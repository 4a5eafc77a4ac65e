import { BreakerRegistry, BreakerSettings, BreakerState } from './breaker-registry';
import type { TenantOrigin } from './tenant-origin';

const settings: BreakerSettings = {
  volumeThreshold: 4,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 200,
  rollingWindowMs: 10_000,
  rollingBuckets: 10,
  maxBreakers: 3,
  idleEvictionMs: 60_000,
};

type Result = { status: number };
const isFailure = (r: Result) => r.status >= 500 || r.status === 429;
const answer = (status: number) => async () => ({ status });
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);
/** Tenant ten_a's view of an origin, unless another tenant is named. */
const at = (origin: string, tenantId = 'ten_a'): TenantOrigin => ({ tenantId, origin });

describe('BreakerRegistry', () => {
  const registries: BreakerRegistry[] = [];
  const registry = (overrides: Partial<BreakerSettings> = {}, onChange?: (at: TenantOrigin, s: BreakerState) => void) => {
    const r = new BreakerRegistry({ ...settings, ...overrides }, onChange, () => Date.now());
    registries.push(r);
    return r;
  };
  // Fake timers and Date: opossum's reset timeout and the registry's sweeps run on fake time; nothing sleeps.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    registries.splice(0).forEach((r) => r.shutdown());
    jest.useRealTimers();
  });

  it('opens once failures pass the volume and percentage thresholds, then short-circuits', async () => {
    const changes: string[] = [];
    const r = registry({}, (key, state) => changes.push(`${key.tenantId} ${key.origin}:${state}`));
    for (let i = 0; i < 3; i++) expect(await r.run(at('https://a'), answer(503), isFailure)).toEqual({ shortCircuited: false, value: { status: 503 } });
    expect(r.state(at('https://a'))).toBe('closed');
    await r.run(at('https://a'), answer(500), isFailure);
    expect(r.state(at('https://a'))).toBe('open');
    expect(changes).toEqual(['ten_a https://a:open']);
    let ran = false;
    expect(await r.run(at('https://a'), async () => ((ran = true), { status: 200 }), isFailure)).toEqual({ shortCircuited: true });
    expect(ran).toBe(false);
  });

  it('keeps one breaker per origin: a failing one does not open another', async () => {
    const r = registry();
    for (let i = 0; i < 5; i++) await r.run(at('https://bad'), answer(500), isFailure);
    expect(r.state(at('https://bad'))).toBe('open');
    expect(await r.run(at('https://good'), answer(200), isFailure)).toEqual({ shortCircuited: false, value: { status: 200 } });
    expect(r.notClosed()).toEqual([at('https://bad')]);
  });

  it("keeps one breaker per tenant for a shared origin: one tenant's failures do not open it for another", async () => {
    const r = registry();
    for (let i = 0; i < 5; i++) await r.run(at('https://shared.example', 'ten_noisy'), answer(500), isFailure);
    expect(r.state(at('https://shared.example', 'ten_noisy'))).toBe('open');
    expect(await r.run(at('https://shared.example', 'ten_noisy'), answer(200), isFailure)).toEqual({ shortCircuited: true });
    expect(r.state(at('https://shared.example', 'ten_quiet'))).toBe('closed');
    expect(await r.run(at('https://shared.example', 'ten_quiet'), answer(200), isFailure)).toEqual({ shortCircuited: false, value: { status: 200 } });
  });

  it('does not count what isFailure excludes (4xx other than 429)', async () => {
    const r = registry();
    for (let i = 0; i < 10; i++) await r.run(at('https://a'), answer(404), isFailure);
    expect(r.state(at('https://a'))).toBe('closed');
  });

  it('stays closed under the error percentage', async () => {
    const r = registry();
    for (let i = 0; i < 10; i++) await r.run(at('https://a'), answer(i % 3 === 0 ? 500 : 200), isFailure);
    expect(r.state(at('https://a'))).toBe('closed');
  });

  it('lets one half-open probe through after the reset timeout; success closes it', async () => {
    const r = registry();
    for (let i = 0; i < 4; i++) await r.run(at('https://a'), answer(500), isFailure);
    expect(r.state(at('https://a'))).toBe('open');
    await sleep(settings.resetTimeoutMs + 50);
    expect(r.state(at('https://a'))).toBe('half_open');
    let release!: () => void;
    const probe = r.run(at('https://a'), () => new Promise<Result>((resolve) => (release = () => resolve({ status: 200 }))), isFailure);
    expect(await r.run(at('https://a'), answer(200), isFailure)).toEqual({ shortCircuited: true });
    release();
    expect(await probe).toEqual({ shortCircuited: false, value: { status: 200 } });
    expect(r.state(at('https://a'))).toBe('closed');
  });

  it('re-opens when the probe fails', async () => {
    const r = registry();
    for (let i = 0; i < 4; i++) await r.run(at('https://a'), answer(500), isFailure);
    await sleep(settings.resetTimeoutMs + 50);
    await r.run(at('https://a'), answer(502), isFailure);
    expect(r.state(at('https://a'))).toBe('open');
  });

  it('holds at most maxBreakers, evicting the least recently used', async () => {
    const r = registry();
    for (const origin of ['https://1', 'https://2', 'https://3']) await r.run(at(origin), answer(200), isFailure);
    await r.run(at('https://1'), answer(200), isFailure);
    for (let i = 0; i < 4; i++) await r.run(at('https://3'), answer(500), isFailure);
    await r.run(at('https://4'), answer(200), isFailure);
    expect(r.keys()).toEqual(['https://1', 'https://3', 'https://4'].map((o) => at(o)));
    // https://2 was the least recently used: gone. https://3 kept its open state.
    expect(r.state(at('https://3'))).toBe('open');
    expect(r.notClosed()).toEqual([at('https://3')]);
  });

  it('forgets breakers idle for longer than the idle limit', async () => {
    const r = registry({ idleEvictionMs: 1_000 });
    for (let i = 0; i < 4; i++) await r.run(at('https://idle'), answer(500), isFailure);
    expect(r.state(at('https://idle'))).toBe('open');
    await sleep(2_100);
    expect(r.size).toBe(0);
    expect(r.state(at('https://idle'))).toBe('closed');
  });
});
