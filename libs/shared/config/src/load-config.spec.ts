import { z } from 'zod';
import { CommonEnv, DatabaseEnv, databaseUrl, KafkaEnv, port } from './common-env';
import { ConfigError, loadConfig } from './load-config';

const Env = CommonEnv.extend(KafkaEnv.shape).extend(DatabaseEnv.shape).extend({ DATABASE_URL: databaseUrl, PORT: port(3000) });

describe('loadConfig', () => {
  it('types and defaults a valid environment', () => {
    const config = loadConfig(Env, { KAFKA_BROKERS: 'a:9092, b:9093', DATABASE_URL: 'postgres://u:p@h:5432/d' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names every missing or wrong variable', () => {
    expect(() => loadConfig(Env, { KAFKA_BROKERS: 'nohost', PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig(Env, { KAFKA_BROKERS: 'nohost', PORT: 'eighty' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/KAFKA_BROKERS.*host:port/);
      expect(message).toMatch(/DATABASE_URL: is required/);
      expect(message).toMatch(/PORT/);
    }
  });

  it('rejects a malformed boolean flag', () => {
    expect(() => loadConfig(z.object({ LOG_PRETTY: CommonEnv.shape.LOG_PRETTY }), { LOG_PRETTY: 'yes' })).toThrow(/LOG_PRETTY/);
  });

  it('takes DATABASE_MIGRATIONS as boot (the default, also when empty), skip or only, and names the modes on anything else', () => {
    const base = { KAFKA_BROKERS: 'a:9092', DATABASE_URL: 'postgres://u:p@h:5432/d' };
    expect(loadConfig(Env, base).DATABASE_MIGRATIONS).toBe('boot');
    expect(loadConfig(Env, { ...base, DATABASE_MIGRATIONS: '' }).DATABASE_MIGRATIONS).toBe('boot');
    expect(loadConfig(Env, { ...base, DATABASE_MIGRATIONS: 'skip' }).DATABASE_MIGRATIONS).toBe('skip');
    expect(loadConfig(Env, { ...base, DATABASE_MIGRATIONS: 'only' }).DATABASE_MIGRATIONS).toBe('only');
    expect(() => loadConfig(Env, { ...base, DATABASE_MIGRATIONS: 'later' })).toThrow(/DATABASE_MIGRATIONS: must be one of boot, skip, only/);
  });
});
