import { DataSource } from 'typeorm';
import { newId } from '@hookstream/contracts';
import { Claim, ProducerKey, producerKeyString } from '@hookstream/ingest-domain';
import { openServiceDataSource } from '@hookstream/persistence';
import { serviceDatabaseUrl, uniquePrefix } from '@hookstream/testing';
import { ProducerEventLedger } from './producer-event-ledger';
import { ProducerEventLedgerMigrations } from './producer-event-ids.migration';

const WINDOW_HOURS = 72;

describe('producer id ledger against the real Postgres', () => {
  const schema = `${uniquePrefix('ledger').toLowerCase()}event_ingest`;
  let db: DataSource;
  let ledger: ProducerEventLedger;

  const key = (producerId: string, source = 'gateway'): ProducerKey => ({ tenantId: 'ten_a', source, producerId });
  const claimOne = async (k: ProducerKey): Promise<Claim | undefined> =>
    (await ledger.claim([k], () => newId('evt'), WINDOW_HOURS)).get(producerKeyString(k));
  const age = (k: ProducerKey, hours: number) =>
    db.query(`UPDATE producer_event_ids SET created_at = now() - make_interval(hours => $2) WHERE producer_id = $1`, [k.producerId, hours]);

  beforeAll(async () => {
    db = await openServiceDataSource({ url: serviceDatabaseUrl('EVENT_INGEST_DATABASE_URL'), schema, migrations: ProducerEventLedgerMigrations });
    ledger = new ProducerEventLedger(db);
  }, 30_000);

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('claims a new id, re-emits it while unacknowledged (a crash between claim and send), then answers duplicate', async () => {
    const k = key('order-1');
    const first = await claimOne(k);
    expect(first).toMatchObject({ kind: 'new', eventId: expect.stringMatching(/^evt_/) });
    // The process died before Kafka acknowledged: the re-delivered message gets the same evt id, and is emitted.
    expect(await claimOne(k)).toEqual({ kind: 'unpublished', eventId: first?.eventId });
    await ledger.markPublished([k]);
    expect(await claimOne(k)).toEqual({ kind: 'duplicate', eventId: first?.eventId });
    // Another source's id is another event.
    expect(await claimOne(key('order-1', 'dispute'))).toMatchObject({ kind: 'new' });
  });

  it('forgets a producer id after the window: the same id is a new event, claimed in place before the purge ran', async () => {
    const k = key('order-old');
    const first = await claimOne(k);
    await ledger.markPublished([k]);
    await age(k, WINDOW_HOURS + 1);
    const again = await claimOne(k);
    expect(again).toMatchObject({ kind: 'new' });
    expect(again?.eventId).not.toBe(first?.eventId);
    expect(await claimOne(k)).toEqual({ kind: 'unpublished', eventId: again?.eventId });
  });

  it('settles concurrent claims of overlapping keys on one id each, without deadlocks', async () => {
    const keys = Array.from({ length: 2000 }, (_, i) => key(`race-${i}`));
    const shuffled = () => [...keys].sort(() => Math.random() - 0.5);
    const race = async () => {
      // Open the connections first, so the claims really run side by side.
      await Promise.all(Array.from({ length: 8 }, () => db.query('SELECT pg_sleep(0.05)')));
      const results = await Promise.all(Array.from({ length: 8 }, () => ledger.claim(shuffled(), () => newId('evt'), WINDOW_HOURS)));
      for (const k of keys) {
        const claims = results.map((r) => r.get(producerKeyString(k)));
        expect(new Set(claims.map((c) => c?.eventId)).size).toBe(1);
        expect(claims.filter((c) => c?.kind === 'new')).toHaveLength(1);
      }
      await Promise.all(Array.from({ length: 8 }, () => ledger.markPublished(shuffled())));
      expect(Number((await db.query(`SELECT count(*) AS n FROM producer_event_ids WHERE producer_id LIKE 'race-%' AND NOT published`))[0].n)).toBe(0);
    };
    await race();
    // Once more past the window: the rows are renewed, still one new claim each.
    await db.query(`UPDATE producer_event_ids SET created_at = now() - make_interval(hours => $1) WHERE producer_id LIKE 'race-%'`, [WINDOW_HOURS + 1]);
    await race();
  }, 30_000);

  it('purges only rows past the window, in bounded batches', async () => {
    const old = Array.from({ length: 7 }, (_, i) => key(`purge-old-${i}`));
    const fresh = key('purge-fresh');
    await ledger.claim([...old, fresh], () => newId('evt'), WINDOW_HOURS);
    for (const k of old) await age(k, WINDOW_HOURS + 2);
    const before = Number((await db.query(`SELECT count(*) AS n FROM producer_event_ids`))[0].n);
    expect(await ledger.purgeExpired(WINDOW_HOURS, 3)).toBeGreaterThanOrEqual(old.length);
    const left = (await db.query(`SELECT producer_id FROM producer_event_ids WHERE producer_id LIKE 'purge-%'`)) as { producer_id: string }[];
    expect(left.map((r) => r.producer_id)).toEqual(['purge-fresh']);
    expect(Number((await db.query(`SELECT count(*) AS n FROM producer_event_ids`))[0].n)).toBeLessThanOrEqual(before - old.length);
  });
});
