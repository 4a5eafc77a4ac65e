import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventTypeCatalogAnswer, WorkflowConfigApi } from '@hookstream/contracts';
import { KnownEventTypes } from '@hookstream/ingest-domain';
import type { Logger } from '@hookstream/logging';
import { InternalApiClient, ReadinessRegistry, runPeriodically, SERVICE_LOGGER, ServiceCredentials } from '@hookstream/service-runtime';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

const FETCH_TIMEOUT_MS = 5_000;
/** A miss reloads the catalog at most this often, so a flood of unknown types costs one fetch. */
const RELOAD_ON_MISS_AFTER_MS = 5_000;
/** How often a service waiting for its first catalog asks again. */
const FIRST_LOAD_RETRY_MS = 1_000;

/**
 * The event-type catalog as workflow-config serves it, cached and reloaded
 * every INGEST_CATALOG_REFRESH_MS, never queried per event. Until the first
 * load succeeds, event-ingest is not ready and accepts nothing.
 */
@Injectable()
export class EventTypeCatalogClient implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly workflowConfig: InternalApiClient;
  private known: KnownEventTypes | undefined;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private stop = () => undefined as void;
  private stopped = false;

  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    credentials: ServiceCredentials,
  ) {
    this.workflowConfig = new InternalApiClient(settings.workflowConfigUrl, credentials, { timeoutMs: FETCH_TIMEOUT_MS, connections: 1 });
  }

  onApplicationBootstrap(): void {
    this.readiness.register('event-type-catalog', async () => {
      if (!this.known) throw new Error(`event-type catalog not loaded yet from ${this.settings.workflowConfigUrl}`);
    });
    this.stop = runPeriodically('event-type catalog reload', this.settings.catalogRefreshMs, () => this.reload(), this.logger);
    // Asked again every second until it answers: workflow-config may start after us.
    this.loaded().catch((err: unknown) => this.logger.warn({ err }, 'event-type catalog not loaded'));
  }

  beforeApplicationShutdown(): void {
    // A batch waiting for the first catalog gives up, uncommitted, so the service can stop.
    this.stopped = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.workflowConfig.close();
  }

  /** The cached catalog, or undefined before its first load. */
  current(): KnownEventTypes | undefined {
    return this.known;
  }

  /** Waits for the first load, asking again every second. */
  async loaded(): Promise<KnownEventTypes> {
    for (;;) {
      if (this.known) return this.known;
      if (this.stopped) throw new Error('stopping before the event-type catalog was loaded');
      await this.reload().catch(() => new Promise((resolve) => setTimeout(resolve, FIRST_LOAD_RETRY_MS)));
    }
  }

  /** After a miss: reload unless the cache is younger than a few seconds. True if it was reloaded. */
  async reloadAfterMiss(): Promise<boolean> {
    if (Date.now() - this.loadedAt < RELOAD_ON_MISS_AFTER_MS) return false;
    try {
      await this.reload();
      return true;
    } catch (err) {
      this.logger.warn({ err }, 'event-type catalog reload failed; keeping the cached one');
      return false;
    }
  }

  private reload(): Promise<void> {
    // Concurrent callers share one fetch.
    this.loading ??= this.fetchCatalog().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchCatalog(): Promise<void> {
    const path = WorkflowConfigApi.eventTypes.path();
    const res = await this.workflowConfig.request('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const answer = EventTypeCatalogAnswer.parse(res.body);
    const first = !this.known;
    this.known = new KnownEventTypes(answer.flatMap((source) => source.events.map((e) => ({ source: source.id, type: e.id }))));
    this.loadedAt = Date.now();
    if (first) this.logger.info({ eventTypes: this.known.size }, 'event-type catalog loaded');
  }
}
