import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { PRINTABLE_TEXT } from '@hookstream/contracts';
import { ApiError, ApiErrorBody } from './api-error';
import { AdminGuard } from './tenant-auth.guard';
import { TenantService } from './tenant.service';
import { code } from './validation';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Ltd' })
  @IsString({ context: code('name_required') })
  @IsNotEmpty({ context: code('name_required') })
  @MaxLength(200, { context: code('name_invalid') })
  @Matches(PRINTABLE_TEXT, { context: code('name_invalid') })
  name!: string;
}

export class CreatedApiKey {
  @ApiProperty({ example: 'sk_Xq3…', description: 'Shown once: only its SHA-256 is stored' })
  api_key!: string;
}

export class CreatedTenant extends CreatedApiKey {
  @ApiProperty({ example: 'ten_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  id!: string;
}

/** Operator endpoints, authenticated with ADMIN_API_KEY. Keys are shown once, here. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'Not Bearer ADMIN_API_KEY (or ADMIN_API_KEY unset)' })
@UseGuards(AdminGuard)
@Controller('admin/tenants')
export class AdminController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant and its first secret key' })
  @ApiCreatedResponse({ type: CreatedTenant })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'name_required, name_invalid' })
  createTenant(@Body() body: CreateTenantDto): Promise<{ id: string; api_key: string }> {
    return this.tenants.createTenant(body.name);
  }

  @Post(':tenantId/keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create another secret key for a tenant' })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async createKey(@Param('tenantId') tenantId: string): Promise<{ api_key: string }> {
    const key = await this.tenants.createKey(tenantId);
    if (!key) throw new ApiError(404, 'not_found');
    return { api_key: key };
  }
}
