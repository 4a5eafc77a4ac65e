import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner, Repository } from 'typeorm';
import { ReadinessRegistry, ServiceRuntimeModule } from '@hookstream/service-runtime';
import { serviceDatabaseUrl, testInfra, testLogger, uniquePrefix, waitFor } from '@hookstream/testing';
import { PersistenceModule } from './nest/persistence.module';
import { migrateOnly, migrationLockName, openServiceDataSource } from './service-data-source';

/** How often each migration ran, across the starts of one test. */
const runs = new Map<string, number>();
const ran = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);

// No IF NOT EXISTS: a second run of either would fail the start.
class CreateNotes1700000000001 implements MigrationInterface {
  name = 'CreateNotes1700000000001';
  async up(q: QueryRunner): Promise<void> {
    ran(this.name);
    await q.query(`CREATE TABLE notes (id text PRIMARY KEY, body text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notes`);
  }
}

class AddNoteAuthor1700000000002 implements MigrationInterface {
  name = 'AddNoteAuthor1700000000002';
  async up(q: QueryRunner): Promise<void> {
    ran(this.name);
    await q.query(`ALTER TABLE notes ADD COLUMN author text`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notes DROP COLUMN author`);
  }
}

/** How often the slow migration ran, and how many of it ran at once at most. */
const slow = { runs: 0, running: 0, mostAtOnce: 0 };

// Slow enough that replicas starting together overlap, and no IF NOT EXISTS: a second run fails.
class CreateLedger1700000000003 implements MigrationInterface {
  name = 'CreateLedger1700000000003';
  async up(q: QueryRunner): Promise<void> {
    slow.runs += 1;
    slow.mostAtOnce = Math.max(slow.mostAtOnce, ++slow.running);
    try {
      await q.query(`SELECT pg_sleep(0.3)`);
      await q.query(`CREATE TABLE ledger (id text PRIMARY KEY)`);
    } finally {
      slow.running -= 1;
    }
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger`);
  }
}

@Entity({ name: 'notes' })
class NoteEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') body!: string;
}

@Injectable()
class NoteStore {
  constructor(@InjectRepository(NoteEntity) readonly notes: Repository<NoteEntity>) {}
}

@Module({ imports: [TypeOrmModule.forFeature([NoteEntity])], providers: [NoteStore], exports: [NoteStore] })
class NotesModule {}

describe('PersistenceModule against the real Postgres, as a service role', () => {
  // Any service's role: it owns the schemas it creates and nothing else.
  const url = serviceDatabaseUrl('GATEWAY_DATABASE_URL');
  const schema = `${uniquePrefix('migrate').toLowerCase()}gateway`;
  const owner = new Client({ connectionString: testInfra().databaseUrl });

  /** One service start, as main.ts makes it (without HTTP). */
  function start(migrations: (new () => MigrationInterface)[], as = { url, schema }) {
    const service: DynamicModule = {
      module: class ServiceModule {},
      imports: [ServiceRuntimeModule.forRoot({ service: 'test', logger: testLogger() }), PersistenceModule.forRoot({ ...as, migrations }), NotesModule],
    };
    return NestFactory.createApplicationContext(service, { logger: false, abortOnError: false });
  }

  const applied = async () => (await owner.query(`SELECT name FROM "${schema}".migrations ORDER BY id`)).rows.map((r: { name: string }) => r.name);

  beforeAll(async () => {
    await owner.connect();
  });

  afterAll(async () => {
    await owner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await owner.end();
  });

  it('migrates a fresh schema, runs only new migrations later, and a start with nothing new changes nothing', async () => {
    const first = await start([CreateNotes1700000000001]);
    // The schema is made by the service's role, which owns it.
    const { rows } = await owner.query(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1`, [schema]);
    expect(rows).toEqual([{ owner: new URL(url).username }]);
    await first.get(NoteStore).notes.insert({ id: 'n1', body: 'kept' });
    expect(await first.get(ReadinessRegistry).report()).toMatchObject({ ready: true });
    await first.close();

    const second = await start([CreateNotes1700000000001, AddNoteAuthor1700000000002]);
    await second.close();
    const third = await start([CreateNotes1700000000001, AddNoteAuthor1700000000002]);
    expect(await third.get(NoteStore).notes.find()).toEqual([{ id: 'n1', body: 'kept' }]);
    await third.close();

    expect(Object.fromEntries(runs)).toEqual({ CreateNotes1700000000001: 1, AddNoteAuthor1700000000002: 1 });
    expect(await applied()).toEqual(['CreateNotes1700000000001', 'AddNoteAuthor1700000000002']);
  }, 60_000);

  it("refuses to start on another service's schema, saying which role and schema", async () => {
    const theirs = `${schema.slice(0, -'gateway'.length)}projection`;
    const projection = new Client({ connectionString: serviceDatabaseUrl('PROJECTION_DATABASE_URL') });
    await projection.connect();
    try {
      await projection.query(`CREATE SCHEMA "${theirs}"`);
      await expect(start([CreateNotes1700000000001], { url, schema: theirs })).rejects.toThrow(
        new RegExp(`role ${new URL(url).username} may not create or use schema ${theirs}`),
      );
    } finally {
      await owner.query(`DROP SCHEMA IF EXISTS "${theirs}" CASCADE`);
      await projection.end();
    }
  }, 60_000);

  describe('replicas and releases', () => {
    const fresh = (label: string) => `${uniquePrefix(label).toLowerCase()}gateway`;
    const made: string[] = [];
    const schemaNamed = (label: string) => {
      const name = fresh(label);
      made.push(name);
      return name;
    };
    const tables = async (name: string) =>
      (await owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [name])).rows.map((r: { tablename: string }) => r.tablename);

    /** The sessions holding or queued for a schema's migration lock (a bigint key is classid:objid in pg_locks). */
    const lockSessions = async (name: string) =>
      (
        await owner.query(
          `SELECT l.granted FROM pg_locks l, hashtextextended($1, 0) AS k(key)
            WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.classid::bigint = (k.key >> 32) & 4294967295 AND l.objid::bigint = k.key & 4294967295`,
          [migrationLockName(name)],
        )
      ).rows as { granted: boolean }[];

    beforeEach(() => Object.assign(slow, { runs: 0, running: 0, mostAtOnce: 0 }));

    afterAll(async () => {
      for (const name of made) await owner.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    });

    it('lets four replicas start together on a fresh schema: one migrates, the others wait and find nothing to do', async () => {
      const name = schemaNamed('replicas');
      const replicas = await Promise.all([1, 2, 3, 4].map(() => openServiceDataSource({ url, schema: name, migrations: [CreateLedger1700000000003] })));
      await Promise.all(replicas.map((replica) => replica.destroy()));
      expect(slow).toEqual({ runs: 1, running: 0, mostAtOnce: 1 });
      expect(await tables(name)).toEqual(['ledger', 'migrations']);
    }, 60_000);

    it('waits for the advisory lock of its schema while another holds it, then migrates', async () => {
      const name = schemaNamed('locked');
      const holder = new Client({ connectionString: testInfra().databaseUrl });
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [migrationLockName(name)]);
        const starting = openServiceDataSource({ url, schema: name, migrations: [CreateLedger1700000000003] });
        // Postgres shows the start queued behind the lock; until then it has migrated nothing.
        await waitFor(async () => (await lockSessions(name)).some((s) => !s.granted), { what: 'the start waiting for the lock' });
        expect(slow.runs).toBe(0);
        await holder.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [migrationLockName(name)]);
        await (await starting).destroy();
        expect(slow.runs).toBe(1);
      } finally {
        await holder.end();
      }
    }, 60_000);

    it('with DATABASE_MIGRATIONS=skip starts without touching the schema; migrateOnly migrates it and lets go', async () => {
      const prefix = uniquePrefix('release').toLowerCase();
      const name = `${prefix}gateway`;
      made.push(name);
      const skipping = await NestFactory.createApplicationContext(
        {
          module: class SkippingService {},
          imports: [
            ServiceRuntimeModule.forRoot({ service: 'test', logger: testLogger() }),
            PersistenceModule.forService({ DATABASE_SCHEMA_PREFIX: prefix, DATABASE_MIGRATIONS: 'skip' }, { url, schema: 'gateway', migrations: [CreateLedger1700000000003] }),
          ],
        },
        { logger: false, abortOnError: false },
      );
      await skipping.close();
      expect((await owner.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [name])).rowCount).toBe(0);

      expect(await migrateOnly({ DATABASE_SCHEMA_PREFIX: prefix }, { url, schema: 'gateway', migrations: [CreateLedger1700000000003] })).toEqual({ schema: name });
      expect(await tables(name)).toEqual(['ledger', 'migrations']);
      // The lock is let go with the connections.
      expect(await lockSessions(name)).toEqual([]);
      expect(slow.runs).toBe(1);
    }, 60_000);
  });
});
