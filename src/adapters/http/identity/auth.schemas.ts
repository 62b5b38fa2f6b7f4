/** Bodies of the auth endpoints. Passwords: at least 10 characters, at most 256 (a cap before hashing). */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ROLES } from '../../../domain/identity/permissions';

const password = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

export class RegisterBody extends createZodDto(
  z.object({
    email: z.email().max(254),
    username: z
      .string()
      .min(3)
      .max(32)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    password,
    displayName: z.string().trim().min(1).max(64).optional(),
  }),
) {}

export class LoginBody extends createZodDto(z.object({ login: z.string().min(1).max(254), password: z.string().min(1).max(256) })) {}

export class RefreshBody extends createZodDto(z.object({ refreshToken: z.string().min(1).max(200) })) {}

export class ChangePasswordBody extends createZodDto(z.object({ currentPassword: z.string().min(1).max(256), newPassword: password })) {}

export class RoleBody extends createZodDto(z.object({ role: z.enum(ROLES) })) {}

export class UserPatchBody extends createZodDto(z.object({ status: z.literal('deactivated') })) {}
