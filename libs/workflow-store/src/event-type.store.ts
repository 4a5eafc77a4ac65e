import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventTypeCatalog, EventTypeRow, seedEventTypeRows } from '@hookstream/workflow-definition';
import { EventTypeEntity } from './workflow.entity';

/**
 * The event-type catalog lives in the event_types table: the seed is
 * inserted at boot (missing rows only), operators add their own rows.
 */
@Injectable()
export class EventTypeStore implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const rows = seedEventTypeRows().map((row, position) => ({ ...row, position }));
    await this.dataSource.getRepository(EventTypeEntity).createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  async rows(): Promise<EventTypeRow[]> {
    return this.dataSource.getRepository(EventTypeEntity).find({ order: { position: 'ASC', source_id: 'ASC', event_id: 'ASC' } });
  }

  async catalog(): Promise<EventTypeCatalog> {
    return new EventTypeCatalog(await this.rows());
  }

  async add(rows: EventTypeRow[]): Promise<void> {
    await this.dataSource.getRepository(EventTypeEntity).createQueryBuilder().insert().values(rows).orIgnore().execute();
  }
}
