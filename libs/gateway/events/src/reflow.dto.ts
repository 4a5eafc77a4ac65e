import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { idPattern, MAX_COUNTED_SUBJECTS } from '@hookstream/contracts';
import { code } from '@hookstream/gateway-http';

export const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
export const MAX_REFLOW_IDS = 1000;

export class ReflowRequestDto {
  @ApiPropertyOptional({ type: [String], example: ['evt_lzmo6p2yq6ijqcfi7qgvyh3ptm'], description: 'Either events or subjects' })
  @IsOptional()
  @IsArray({ context: code('event_ids_invalid') })
  @ArrayMinSize(1, { context: code('event_ids_invalid') })
  @ArrayMaxSize(MAX_REFLOW_IDS, { context: code('event_ids_invalid') })
  @IsString({ each: true, context: code('event_ids_invalid') })
  @Matches(idPattern('evt'), { each: true, context: code('event_ids_invalid') })
  events?: string[];

  @ApiPropertyOptional({ type: [String], example: ['pay_mbabizu24mvu3mela5njyhpit4'] })
  @IsOptional()
  @IsArray({ context: code('subject_id_invalid') })
  @ArrayMinSize(1, { context: code('subject_id_invalid') })
  // Projection counts this many subjects' events at once.
  @ArrayMaxSize(MAX_COUNTED_SUBJECTS, { context: code('subject_id_invalid') })
  @IsString({ each: true, context: code('subject_id_invalid') })
  @Matches(SUBJECT_ID, { each: true, context: code('subject_id_invalid') })
  subjects?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Only these workflows; absent (or empty) means every matching workflow.' })
  @IsOptional()
  @IsArray({ context: code('workflow_ids_invalid') })
  @ArrayMaxSize(MAX_REFLOW_IDS, { context: code('workflow_ids_invalid') })
  @IsString({ each: true, context: code('workflow_ids_invalid') })
  @Matches(idPattern('wf'), { each: true, context: code('workflow_ids_invalid') })
  workflows?: string[];
}

export class TestWorkflowDto {
  @ApiProperty({ type: [String], example: ['payment_approved'], description: 'Types of the workflow’s event condition, from the catalog' })
  @IsArray({ context: code('event_types_invalid') })
  @ArrayMinSize(1, { context: code('event_types_invalid') })
  @ArrayMaxSize(100, { context: code('event_types_invalid') })
  @IsString({ each: true, context: code('event_types_invalid') })
  event_types!: string[];
}
