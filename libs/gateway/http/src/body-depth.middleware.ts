import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './hostile-input';
import { ensureRequestId } from './request-id.middleware';

/**
 * Express middleware for right after the JSON body parser: a body nested
 * deeper than MAX_BODY_DEPTH answers 400 body_too_deep before any pipe,
 * validator or JSON.stringify recurses into it.
 */
export function bodyDepthLimit(maxDepth = MAX_BODY_DEPTH): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!nestsDeeperThan(req.body, maxDepth)) return next();
    res.status(400).json({ request_id: ensureRequestId(req, res), error_type: 'request_malformed', error_codes: ['body_too_deep'] });
  };
}
