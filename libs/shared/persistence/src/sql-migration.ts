import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration made of SQL statements, run in order; `down` undoes them.
 * `name` ends with the migration's timestamp, as TypeORM orders by it.
 */
export function sqlMigration(name: string, statements: { up: readonly string[]; down: readonly string[] }): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      for (const sql of statements.up) await runner.query(sql);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const sql of statements.down) await runner.query(sql);
    }
  };
}
