import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('hookstream gateway')
    .setDescription('Checkout.com-compatible Workflows API, MyCashflow-style webhooks and producer ingest. Errors: {request_id, error_type, error_codes?}.')
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'sk_… or Bearer sk_…' }, 'api-key')
    // The same secret keys, for controllers that declare @ApiBearerAuth().
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A tenant secret key, sk_…' }, 'bearer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' }, 'admin')
    .build();
  return SwaggerModule.createDocument(app, config);
}
