import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ApiError } from './api-error';
import { AdminGuard } from './tenant-auth.guard';
import { TenantService } from './tenant.service';
import { code } from './validation';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Ltd' })
  @IsString({ context: code('name_required') })
  @IsNotEmpty({ context: code('name_required') })
  @MaxLength(200, { context: code('name_invalid') })
  name!: string;
}

/** Operator endpoints, authenticated with ADMIN_API_KEY. Keys are shown once, here. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminGuard)
@Controller('admin/tenants')
export class AdminController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  createTenant(@Body() body: CreateTenantDto): Promise<{ id: string; api_key: string }> {
    return this.tenants.createTenant(body.name);
  }

  @Post(':tenantId/keys')
  @HttpCode(201)
  async createKey(@Param('tenantId') tenantId: string): Promise<{ api_key: string }> {
    const key = await this.tenants.createKey(tenantId);
    if (!key) throw new ApiError(404, 'not_found');
    return { api_key: key };
  }
}
