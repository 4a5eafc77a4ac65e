import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  name!: string;

  /** The number MyCashflow's API answers as user_id; the database assigns it. */
  @Column({ type: 'integer', name: 'user_id', generated: 'identity', generatedIdentity: 'ALWAYS', unique: true })
  userId!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

/** Only the SHA-256 hex of a key is stored; the key itself is shown once. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text', { name: 'key_hash', unique: true })
  keyHash!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
