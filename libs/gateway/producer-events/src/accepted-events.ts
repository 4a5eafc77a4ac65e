import { ApiProperty } from '@nestjs/swagger';

// OpenAPI models of event-ingest's answers to POST /events and /events/batch.

export class AcceptedEvents {
  @ApiProperty({ type: [String], example: ['evt_az2jzfgwpbnetbzm3lnjqb3ywa'] })
  ids!: string[];
}

export class AcceptedEvent extends AcceptedEvents {
  @ApiProperty({ example: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa', description: 'The one id of ids' })
  id!: string;
}
