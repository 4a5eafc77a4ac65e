import { IngestApi, IngestEachAnswer, IngestEachResult } from '@hookstream/contracts';
import { InternalHttpClient, ServiceUnreachableError, UpstreamError } from '@hookstream/gateway-http';
import { GroupedRoundTrips } from '@hookstream/persistence';

interface SingleEvent {
  tenantId: string;
  body: unknown;
  /** The request body's size, to keep a call well within event-ingest's body limit. */
  bytes: number;
}

type Outcome = { ok: true; result: IngestEachResult } | { ok: false; error: unknown };

/** Charged per event besides its bytes: a call carries at most about 100 small events. */
const PER_EVENT_WEIGHT = 40_000;
/** Bytes per call at most (event-ingest takes 5 MB); one bigger event goes alone. */
const MAX_CALL_WEIGHT = 4_000_000;
/** Calls to event-ingest at once: requests group only while all of them are busy, so an idle gateway adds no wait. */
const LANES = 8;

/**
 * Forwards single-event requests (`POST /events`) to event-ingest: alone
 * when it is idle, and under load those that arrive together in one call
 * per tenant (IngestApi.each), where each is still judged on its own and
 * answered only once it is in Kafka. A request's HTTP hop, credential and
 * parse are thus shared instead of paid per event.
 */
export class SingleEventForwarder {
  private readonly calls: GroupedRoundTrips<SingleEvent, Outcome>;

  constructor(private readonly ingest: InternalHttpClient) {
    this.calls = new GroupedRoundTrips((events) => this.forwardTogether(events), {
      weight: (event) => event.bytes + PER_EVENT_WEIGHT,
      maxWeight: MAX_CALL_WEIGHT,
      lanes: LANES,
    });
  }

  /** The event's id (202); throws UpstreamError with event-ingest's 422 or 503, or ServiceUnreachableError. */
  async forward(tenantId: string, body: unknown, bytes: number): Promise<IngestEachResult> {
    const outcome = await this.calls.submit({ tenantId, body, bytes });
    if (!outcome.ok) throw outcome.error;
    if (outcome.result.status !== 202) throw new UpstreamError(outcome.result.status, outcome.result.body);
    return outcome.result;
  }

  /** One call per tenant (the credential names one); a call's failure is its events' alone. */
  private async forwardTogether(events: readonly SingleEvent[]): Promise<Outcome[]> {
    const byTenant = new Map<string, number[]>();
    events.forEach((event, i) => byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), i]));
    const outcomes: Outcome[] = new Array(events.length);
    await Promise.all(
      [...byTenant].map(async ([tenantId, indexes]) => {
        try {
          const { results } = await this.ingest.read('POST', IngestApi.each.path(), IngestEachAnswer, { tenantId, body: indexes.map((i) => events[i].body) });
          if (results.length !== indexes.length) throw new ServiceUnreachableError(`event-ingest answered ${results.length} results for ${indexes.length} events`);
          indexes.forEach((i, k) => (outcomes[i] = { ok: true, result: results[k] }));
        } catch (error) {
          for (const i of indexes) outcomes[i] = { ok: false, error };
        }
      }),
    );
    return outcomes;
  }
}
