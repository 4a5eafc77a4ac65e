import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// OpenAPI model of reflowView (reflow-views.ts): our extension, for the subject forms of reflow.

class Link {
  @ApiProperty({ example: 'https://api.example.com/workflows/events/reflow/rfl_3kq6v2tq6ijqcfi7qgvyh3ptma' })
  href!: string;
}

class ReflowLinks {
  @ApiProperty({ type: Link })
  self!: Link;
}

class ReflowSubjects {
  @ApiProperty({ example: 3, description: 'Subjects named that had events when the reflow was accepted' })
  total!: number;

  @ApiProperty({ example: 1, description: 'Of those, the ones whose events have all been published (or skipped, see errors)' })
  done!: number;

  @ApiProperty({ example: 0, description: 'Subjects named without a stored event: nothing to do for them' })
  without_events!: number;
}

class ReflowEvents {
  @ApiProperty({ example: 120, description: 'Events the subjects had when the reflow was accepted (at most REFLOW_MAX_EVENTS)' })
  total!: number;

  @ApiProperty({ example: 40, description: 'Events published to be matched again so far; passes total by any event the subjects received while the reflow ran' })
  published!: number;
}

class ReflowErrorView {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({
    enum: ['events_unreadable', 'publish_failed', 'subject_refused'],
    description: 'events_unreadable and publish_failed are retried (the reflow fails after 8 attempts of one page, about 1.5 minutes); subject_refused skips the subject',
  })
  code!: string;

  @ApiProperty({ example: 'pay_mbabizu24mvu3mela5njyhpit4' })
  subject_id!: string;

  @ApiProperty({ example: 1 })
  attempt!: number;
}

export class ReflowView {
  @ApiProperty({ example: 'rfl_3kq6v2tq6ijqcfi7qgvyh3ptma' })
  id!: string;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] })
  status!: string;

  @ApiPropertyOptional({ type: [String], description: 'The workflows named in the request; absent: every matching workflow' })
  workflows?: string[];

  @ApiProperty({ type: ReflowSubjects })
  subjects!: ReflowSubjects;

  @ApiProperty({ type: ReflowEvents })
  events!: ReflowEvents;

  @ApiProperty({ type: [ReflowErrorView], description: 'The latest 20' })
  errors!: ReflowErrorView[];

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at!: string | null;

  @ApiProperty({ type: ReflowLinks })
  _links!: ReflowLinks;
}
