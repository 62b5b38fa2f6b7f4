/** Every projection of the application, in one list: the composition root, migrations and the CLI read it. */
import type { Projection } from './runtime/projection';
import { usersProjection } from './identity/users.projection';
import { ticketsProjection } from './tickets/tickets.projection';
import { chatProjection } from './chat/chat.projection';
import { voiceProjection } from './voice/voice.projection';
import { rolesProjection } from './identity/roles.projection';
import { customersProjection } from './customers/customers.projection';
import { projectsProjection } from './projects/projects.projection';

export const allProjections: readonly Projection[] = [
  usersProjection,
  ticketsProjection,
  chatProjection,
  voiceProjection,
  rolesProjection,
  customersProjection,
  projectsProjection,
];
