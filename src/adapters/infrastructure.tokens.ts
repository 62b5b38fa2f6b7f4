/** Injection token of the opened Infrastructure (see infrastructure.ts). */
export const INFRASTRUCTURE = Symbol('Infrastructure');
