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

/** Only the SHA-256 hex of a key and its last four characters are stored; the key itself is shown once. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text', { name: 'key_hash', unique: true })
  keyHash!: string;

  /** Shown in lists beside the prefix; null for keys made before it was kept. */
  @Column('text', { name: 'last_four', nullable: true })
  lastFour!: string | null;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** Ensured from BOOTSTRAP_API_KEY; revoked at a start where that variable no longer names it. */
  @Column('boolean', { default: false })
  bootstrap!: boolean;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
