import { Client } from 'pg';
import { testInfra, uniquePrefix } from '@hookstream/testing';

/** The local roles as scripts/infra.sh makes them: GATEWAY_DATABASE_URL → hookstream_gateway, schema gateway. */
const services = [...testInfra().serviceDatabaseUrls].map(([variable, url]) => ({
  variable,
  url,
  role: new URL(url).username,
  schema: variable.replace(/_DATABASE_URL$/, '').toLowerCase(),
}));

describe("each service's own database role against the real Postgres", () => {
  const prefix = uniquePrefix('roles').toLowerCase();
  const owner = new Client({ connectionString: testInfra().databaseUrl });
  const clients = new Map<string, Client>();
  const as = (variable: string) => {
    const client = clients.get(variable);
    if (!client) throw new Error(`no connection for ${variable}`);
    return client;
  };
  /** The SQLSTATE a statement fails with, or 'ok'. */
  const outcome = (client: Client, sql: string) =>
    client.query(sql).then(
      () => 'ok',
      (err: { code?: string }) => err.code,
    );

  beforeAll(async () => {
    await owner.connect();
    for (const { variable, url } of services) {
      const client = new Client({ connectionString: url });
      await client.connect();
      clients.set(variable, client);
    }
    // Each role makes its schema, as its service does at boot, and keeps a row in it.
    for (const { variable, schema } of services) {
      await as(variable).query(`CREATE SCHEMA "${prefix}${schema}"`);
      await as(variable).query(`CREATE TABLE "${prefix}${schema}".secrets (value text); INSERT INTO "${prefix}${schema}".secrets VALUES ('${schema}')`);
    }
  }, 30_000);

  afterAll(async () => {
    for (const { schema } of services) await owner.query(`DROP SCHEMA IF EXISTS "${prefix}${schema}" CASCADE`);
    await Promise.all([...clients.values()].map((c) => c.end()));
    await owner.end();
  });

  it('covers the four services that keep state', () => {
    expect(services.map((s) => s.schema).sort()).toEqual(['event_ingest', 'gateway', 'projection', 'workflow_config']);
    expect(new Set(services.map((s) => s.role)).size).toBe(4);
  });

  it("owns its service's schema as infra.sh made it", async () => {
    const { rows } = await owner.query(`SELECT nspname AS schema, pg_get_userbyid(nspowner) AS role FROM pg_namespace WHERE nspname = ANY($1)`, [
      services.map((s) => s.schema),
    ]);
    expect(new Map(rows.map((r: { schema: string; role: string }) => [r.schema, r.role]))).toEqual(new Map(services.map((s) => [s.schema, s.role])));
  });

  it("reads and writes its own schema, and cannot read, write or add to another service's (42501)", async () => {
    const outcomes = new Map<string, unknown>();
    const expected = new Map<string, unknown>();
    for (const reader of services) {
      for (const target of services) {
        const table = `"${prefix}${target.schema}".secrets`;
        const mine = reader.variable === target.variable;
        outcomes.set(`${reader.role} → ${target.schema}`, {
          read: await outcome(as(reader.variable), `SELECT value FROM ${table}`),
          write: await outcome(as(reader.variable), `UPDATE ${table} SET value = '${reader.schema}'`),
          create: await outcome(as(reader.variable), `CREATE TABLE "${prefix}${target.schema}".planted_by_${reader.schema} (x int)`),
          // Also the schema infra.sh made for the service, not only this test's.
          canonical: await outcome(as(reader.variable), `CREATE TABLE "${target.schema}".planted_by_${reader.schema}_${prefix.slice(-8)} (x int)`),
        });
        const verdict = mine ? 'ok' : '42501';
        expected.set(`${reader.role} → ${target.schema}`, { read: verdict, write: verdict, create: verdict, canonical: verdict });
      }
    }
    for (const { schema } of services) await owner.query(`DROP TABLE IF EXISTS "${schema}".planted_by_${schema}_${prefix.slice(-8)}`);
    expect(outcomes).toEqual(expected);
    // Only each schema's own role wrote to it.
    for (const { schema } of services) {
      expect((await owner.query(`SELECT value FROM "${prefix}${schema}".secrets`)).rows).toEqual([{ value: schema }]);
    }
  });
});
