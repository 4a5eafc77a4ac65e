import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { WorkflowEvent, WorkflowState } from '@hookstream/contracts';

/** A workflow's whole current state, folded from its events (workflow_events); the same value the config topic carries. */
@Entity({ name: 'workflows' })
@Index(['tenantId', 'createdAt'])
export class WorkflowEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'subscription_uuid', nullable: true, unique: true })
  subscriptionUuid!: string | null;

  @Column('jsonb')
  state!: WorkflowState;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

/** Written in the transaction of each change; the relay publishes and deletes it. */
@Entity({ name: 'config_outbox' })
export class ConfigOutboxEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('text', { name: 'workflow_id' })
  workflowId!: string;

  /** null is a tombstone. */
  @Column('jsonb', { nullable: true })
  state!: WorkflowState | null;

  /** The change's domain events (secrets sealed), published to the recorded topic before the state. */
  @Column('jsonb', { default: () => "'[]'" })
  events!: WorkflowEvent[];
}

/** The event-type catalog; operators add rows (see README). */
@Entity({ name: 'event_types' })
export class EventTypeEntity {
  @PrimaryColumn('text', { name: 'source_id' })
  source_id!: string;

  @PrimaryColumn('text', { name: 'event_id' })
  event_id!: string;

  @Column('text', { name: 'source_display_name' })
  source_display_name!: string;

  @Column('text', { name: 'source_description', default: '' })
  source_description!: string;

  @Column('text', { name: 'display_name' })
  display_name!: string;

  @Column('text', { default: '' })
  description!: string;

  @Column('int', { default: 1_000_000 })
  position!: number;
}
