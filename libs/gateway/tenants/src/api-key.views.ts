import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyStatus } from './api-key';

const STATUSES: ApiKeyStatus[] = ['active', 'expired', 'revoked'];

/** A key as the admin API shows it: never the key, only its masked form. */
export class ApiKeyView {
  @ApiProperty({ example: 'key_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  id!: string;

  @ApiProperty({ example: 'sk_…Xq3a', description: 'The prefix and the last four characters; the prefix alone for keys made before last fours were kept' })
  masked_key!: string;

  @ApiProperty({ enum: STATUSES, example: 'active' })
  status!: ApiKeyStatus;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'From then on the key answers 401; null: never' })
  expires_at!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revoked_at!: string | null;
}

export class CreatedApiKey extends ApiKeyView {
  @ApiProperty({ example: 'sk_Xq3…', description: 'Shown once: only its SHA-256 and last four characters are stored' })
  api_key!: string;
}

export class ApiKeyList {
  @ApiProperty({ type: [ApiKeyView] })
  data!: ApiKeyView[];
}
