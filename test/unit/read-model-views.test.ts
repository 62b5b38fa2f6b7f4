/** The views commands wait for (src/ports/read-model-progress.port.ts) are projections the application runs, by name. */
import { describe, expect, it } from 'vitest';
import { READ_MODEL_VIEWS } from '../../src/ports/read-model-progress.port';
import { allProjections } from '../../src/projections/all-projections';

describe('read-model views of the progress port', () => {
  it.each(READ_MODEL_VIEWS)('%s names a projection of the application', (view) => {
    expect(allProjections.map((projection) => projection.name)).toContain(view);
  });
});
