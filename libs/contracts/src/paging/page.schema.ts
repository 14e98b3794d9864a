import { z } from 'zod';

/** `?page=1&pageSize=50` on list endpoints (page numbers start at 1, at most 500 items a page). */
export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

/** A page of `item`s with the total count over all pages. */
export function zPage<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    total: z.number().int().min(0),
  });
}
export interface TPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** An ISO-8601 timestamp as the API writes it (`Date.prototype.toISOString`). */
export const ZTimestamp = z.iso.datetime();

/** A boolean query parameter: "true"/"1" or "false"/"0". */
export const ZQueryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
