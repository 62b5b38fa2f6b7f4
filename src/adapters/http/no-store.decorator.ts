/**
 * For routes whose answers carry tokens (login, register, refresh): neither a browser nor a proxy
 * may keep a copy (RFC 6749 §5.1 asks this of token responses; `Pragma` for HTTP/1.0 caches). Set
 * before the handler runs, so that its refusals carry them too; usable on a route or a controller.
 */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';

@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().header('cache-control', 'no-store').header('pragma', 'no-cache');
    return next.handle();
  }
}

export const NoStore = () => UseInterceptors(NoStoreInterceptor);
