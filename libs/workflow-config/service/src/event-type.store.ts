import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EventSourceView, eventSourceRows, EventTypeCatalog, eventTypeCatalogView, EventTypeRow, seedEventTypeRows } from '@hookstream/workflow-definition';
import { EventTypeEntity } from './workflow.entity';

/**
 * The event-type catalog lives in the event_types table: the seed is
 * inserted at boot (missing rows only, so an operator's edits stay), and
 * operators add their own rows with POST /admin/event-types or plain SQL.
 */
@Injectable()
export class EventTypeStore implements OnModuleInit {
  constructor(@InjectRepository(EventTypeEntity) private readonly eventTypes: Repository<EventTypeEntity>) {}

  async onModuleInit(): Promise<void> {
    const rows = seedEventTypeRows().map((row, position) => ({ ...row, position }));
    await this.eventTypes.createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  async rows(): Promise<EventTypeRow[]> {
    return this.eventTypes.find({ order: { position: 'ASC', source_id: 'ASC', event_id: 'ASC' } });
  }

  async catalog(): Promise<EventTypeCatalog> {
    return new EventTypeCatalog(await this.rows());
  }

  /** Adds a source's event types (new ones go after the seed) and updates the texts of existing ones. */
  async upsert(source: EventSourceView): Promise<void> {
    await this.eventTypes.manager.transaction(async (m) => {
      await m
        .getRepository(EventTypeEntity)
        .createQueryBuilder()
        .insert()
        .values(eventSourceRows(source))
        .orUpdate(['source_display_name', 'source_description', 'display_name', 'description'], ['source_id', 'event_id'])
        .execute();
      // One source, one display name: older rows of the source follow the newest text.
      await m
        .getRepository(EventTypeEntity)
        .update({ source_id: source.id }, { source_display_name: source.display_name, source_description: source.description });
    });
  }

  /** One source as GET /workflows/event-types shows it. */
  async source(sourceId: string): Promise<EventSourceView | undefined> {
    const rows = await this.eventTypes.find({ where: { source_id: sourceId }, order: { position: 'ASC', event_id: 'ASC' } });
    return eventTypeCatalogView(rows)[0];
  }
}
