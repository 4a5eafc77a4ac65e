import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PRINTABLE_TEXT } from '@hookstream/contracts';
import { ApiError, ApiErrorBody } from '@hookstream/gateway-http';
import { parseExpiry } from './api-key';
import { ApiKeyList, CreatedApiKey } from './api-key.views';
import { AdminGuard } from './tenant-auth.guard';
import { TenantService } from './tenant.service';
import { code } from '@hookstream/gateway-http';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Ltd' })
  @IsString({ context: code('name_required') })
  @IsNotEmpty({ context: code('name_required') })
  @MaxLength(200, { context: code('name_invalid') })
  @Matches(PRINTABLE_TEXT, { context: code('name_invalid') })
  name!: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ format: 'date-time', example: '2027-01-01T00:00:00Z', description: 'When the key stops working; in the future. Unset: never' })
  @IsOptional()
  @IsString({ context: code('expires_at_invalid') })
  expires_at?: string;
}

export class CreatedTenant {
  @ApiProperty({ example: 'ten_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  id!: string;

  @ApiProperty({ example: 'sk_Xq3…', description: 'Shown once: only its SHA-256 and last four characters are stored' })
  api_key!: string;
}

const notFound = () => new ApiError(404, 'not_found');

/** Operator endpoints, authenticated with ADMIN_API_KEY, on the ops port. Keys are shown once, when made. */
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
  createTenant(@Body() body: CreateTenantDto): Promise<CreatedTenant> {
    return this.tenants.createTenant(body.name);
  }

  @Post(':tenantId/keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create another secret key for a tenant, optionally expiring' })
  @ApiBody({ type: CreateApiKeyDto, required: false })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such tenant' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'expires_at_invalid: not an RFC 3339 time, or not in the future' })
  async createKey(@Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKey> {
    // A request without a body (the usual one) validates and arrives as undefined.
    const expiresAt = body?.expires_at === undefined ? null : parseExpiry(body.expires_at);
    if (expiresAt === undefined) throw ApiError.invalid(['expires_at_invalid']);
    const key = await this.tenants.createKey(tenantId, expiresAt);
    if (!key) throw notFound();
    return key;
  }

  @Get(':tenantId/keys')
  @ApiOperation({ summary: "A tenant's keys, masked, with their status" })
  @ApiOkResponse({ type: ApiKeyList })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such tenant' })
  async listKeys(@Param('tenantId') tenantId: string): Promise<ApiKeyList> {
    const data = await this.tenants.listKeys(tenantId);
    if (!data) throw notFound();
    return { data };
  }

  @Delete(':tenantId/keys/:apiKeyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: from the next request on, on every gateway, it answers 401' })
  @ApiNoContentResponse({ description: 'Revoked (again: no change)' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such key of this tenant' })
  async revokeKey(@Param('tenantId') tenantId: string, @Param('apiKeyId') keyId: string): Promise<void> {
    if (!(await this.tenants.revokeKey(tenantId, keyId))) throw notFound();
  }
}
