/** Bodies of /admin/roles: permissions by name, each one this API knows. */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../../domain/identity/permissions';

const permissions = z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length * 2);

export class RoleParams extends createZodDto(z.object({ role: z.enum(ROLES) })) {}

/** PUT: the role's whole set of permissions. */
export class RolePermissionsBody extends createZodDto(z.strictObject({ permissions })) {}

/** PATCH: permissions to grant and to revoke, the rest untouched. */
export class RolePermissionChangesBody extends createZodDto(
  z
    .strictObject({ grant: permissions.default([]), revoke: permissions.default([]) })
    .refine((b) => b.grant.length + b.revoke.length > 0, 'grant or revoke at least one permission')
    .refine((b) => !b.grant.some((p) => b.revoke.includes(p)), 'a permission is either granted or revoked'),
) {}
