import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';
import { isWellFormedPathId } from './hostile-input';

/**
 * Global: every route parameter is checked against its id form before a
 * controller sees it, so NUL, control characters or a 5,000-character id
 * answer 404 here instead of failing in an internal service or in Postgres.
 */
@Injectable()
export class PathIdPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || metadata.data === undefined) return value;
    if (typeof value !== 'string' || !isWellFormedPathId(metadata.data, value)) throw new ApiError(404, 'not_found');
    return value;
  }
}
