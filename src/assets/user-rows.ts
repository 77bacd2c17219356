import { z } from 'zod';
import { firstOfEachIdInOrder } from './by-id.js';
import { cleanText } from './clean-text.js';

/** A coordinate: JSONPlaceholder sends "-37.3159" as a string; numbers are accepted too. */
const coordinate = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'a decimal number')]).transform(Number);

/** A user as a JSONPlaceholder-shaped source sends it (only the fields the example keeps). */
export const userPayload = z.object({
  id: z.int(),
  name: z.string(),
  username: z.string(),
  email: z.string(),
  phone: z.string(),
  website: z.string(),
  address: z.object({
    city: z.string(),
    zipcode: z.string(),
    geo: z.object({ lat: coordinate, lng: coordinate }),
  }),
  company: z.object({ name: z.string() }),
});

export type UserPayload = z.infer<typeof userPayload>;

/** The columns of a cleaned users table. */
export const userColumns = z.object({
  id: z.int(),
  name: z.string(),
  username: z.string(),
  email: z.string(),
  phone: z.string(),
  website: z.string(),
  city: z.string(),
  zipcode: z.string(),
  lat: z.number(),
  lng: z.number(),
  company_name: z.string(),
});

export type UserRow = z.infer<typeof userColumns>;

/** Cleans users: text trimmed and collapsed, email lowercased, address and company flattened; the first of duplicate ids kept; sorted by id. */
export function cleanUsers(payload: readonly UserPayload[]): UserRow[] {
  const kept = firstOfEachIdInOrder(payload.map((user) => user.id))?.map((row) => payload[row]!) ?? payload;
  return kept.map((user) => ({
    id: user.id,
    name: cleanText(user.name),
    username: cleanText(user.username),
    email: cleanText(user.email).toLowerCase(),
    phone: cleanText(user.phone),
    website: cleanText(user.website),
    city: cleanText(user.address.city),
    zipcode: cleanText(user.address.zipcode),
    lat: user.address.geo.lat,
    lng: user.address.geo.lng,
    company_name: cleanText(user.company.name),
  }));
}
