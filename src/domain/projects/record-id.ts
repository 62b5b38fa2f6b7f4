/**
 * Projects and tasks are created offline, on the client, under ids the client chose. Only ids of
 * the shape WatermelonDB generates are accepted: 16 letters and digits, safe in stream names, URLs
 * and SQL alike, and too many to guess.
 */
export const RECORD_ID_PATTERN = /^[a-zA-Z0-9]{16}$/;

export const isRecordId = (id: string): boolean => RECORD_ID_PATTERN.test(id);
