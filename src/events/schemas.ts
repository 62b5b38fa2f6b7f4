/** Pieces the contexts' event schemas share. Event data is strict: a field the schema does not know is an error, never dropped. */
import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../domain/identity/permissions';

export const id = z.string().min(1);
/** An instant as the domain writes it (`new Date().toISOString()`). */
export const instant = z.string().min(1);
export const role = z.enum(ROLES);
export const permission = z.enum(PERMISSIONS);
