/** The `minPosition` query parameter every read-model query accepts (read-your-writes). */
import { z } from 'zod';

export const minPositionQuery = z.object({
  minPosition: z.coerce.number().int().nonnegative().optional().describe('Wait (bounded) until the read model has applied this `$all` position'),
});
