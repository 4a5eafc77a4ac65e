import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner, Repository } from 'typeorm';
import { ReadinessRegistry, ServiceRuntimeModule } from '@hookstream/service-runtime';
import { serviceDatabaseUrl, testInfra, testLogger, uniquePrefix } from '@hookstream/testing';
import { PersistenceModule } from './nest/persistence.module';

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
});
