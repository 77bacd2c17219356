import type { SampleRandom } from './sample-random.js';
import { sampleVocabulary as words } from './sample-vocabulary.js';

/** A user exactly as JSONPlaceholder's `/users` returns it (coordinates are strings there). */
export interface SampleUser {
  id: number;
  name: string;
  username: string;
  email: string;
  address: {
    street: string;
    suite: string;
    city: string;
    zipcode: string;
    geo: { lat: string; lng: string };
  };
  phone: string;
  website: string;
  company: { name: string; catchPhrase: string; bs: string };
}

/*
 * The awkward features (non-ASCII and CJK names, quotes, commas, stray
 * whitespace, uppercase emails, leading-zero zipcodes) are placed by id,
 * `id % period === phase`, rather than left to chance: every sample of 10 users
 * holds each of them whatever the seed, and larger samples hold them at a steady
 * rate. The random generator picks everything else.
 */

const PHONE_PATTERNS = [
  '1-###-###-#### x#####',
  '0##-###-#### x#####',
  '1-###-###-####',
  '###-###-#### x###',
  '(###)###-####',
  '###.###.####',
  '###.###.#### x###',
  '(###)###-#### x#####',
  '0##-###-####',
];

/** Builds user `id`, consuming a varying amount of `random`. */
export function sampleUser(id: number, random: SampleRandom): SampleUser {
  const { name, latinFirst, latinLast } = samplePerson(id, random);

  const usernameShape = random.int(0, 2);
  const username =
    (usernameShape === 0 ? latinFirst : `${latinFirst}${usernameShape === 1 ? '_' : '.'}${latinLast}`) +
    // The id suffix makes usernames unique: names never end in a digit.
    String(id);

  const local = random.pick([latinFirst, `${latinFirst}.${latinLast}`, `${latinFirst}_${latinLast}`, `${latinLast}${latinFirst.charAt(0)}`]);
  let email = `${local}@${random.pick(words.domainWords)}.${random.pick(words.topLevelDomains)}`;
  // Odd ids keep the capitals of the name; the cleaning rule lowercases them.
  if (id % 2 === 0) email = email.toLowerCase();
  if (id % 9 === 0) email = email.toUpperCase();
  if (id % 12 === 11) email = ` ${email} `;

  const zipcode =
    // A leading zero is what a careless CSV round trip turns into a number.
    (id % 4 === 1 ? '0' : String(random.int(1, 9))) +
    random.digits(4) +
    (random.chance(0.5) ? `-${random.digits(4)}` : '');

  return {
    id,
    name,
    username,
    email,
    address: {
      street: `${random.pick(words.streetNames)} ${random.pick(words.streetSuffixes)}`,
      suite: `${random.chance(0.5) ? 'Apt.' : 'Suite'} ${random.int(100, 999)}`,
      city: random.pick(words.cities),
      zipcode,
      geo: { lat: coordinate(random, 90), lng: coordinate(random, 180) },
    },
    phone: random.pick(PHONE_PATTERNS).replace(/#/g, () => random.digits(1)),
    website: `${latinFirst.toLowerCase()}.${random.pick(words.topLevelDomains)}`,
    company: {
      name: companyName(id, random),
      catchPhrase: `${random.pick(words.catchPhraseAdjectives)} ${random.pick(words.catchPhraseDescriptors)} ${random.pick(words.catchPhraseNouns)}`,
      bs: `${random.pick(words.bsVerbs)} ${random.pick(words.bsAdjectives)} ${random.pick(words.bsNouns)}`,
    },
  };
}

function samplePerson(id: number, random: SampleRandom): { name: string; latinFirst: string; latinLast: string } {
  let name: string;
  let latinFirst: string;
  let latinLast: string;
  if (id % 10 === 4) {
    ({ name, latinFirst, latinLast } = random.pick(words.cjkNames));
  } else {
    const first = random.pick(id % 3 === 2 ? words.foreignFirstNames : words.firstNames);
    const last = random.pick(id % 4 === 3 ? words.foreignLastNames : words.lastNames);
    latinFirst = toLatin(first);
    latinLast = toLatin(last);
    const gap = id % 8 === 6 ? random.pick(['  ', '\t', ' \t ']) : ' ';
    name = id % 10 === 7 ? `${first} "${random.pick(words.nicknames)}"${gap}${last}` : `${first}${gap}${last}`;
    if (random.chance(0.1)) name = `${random.pick(words.honorifics)} ${name}`;
    if (random.chance(0.05)) name = `${name}, ${random.pick(words.nameSuffixes)}`;
  }
  if (id % 6 === 5) name = `  ${name} `;
  return { name, latinFirst, latinLast };
}

function companyName(id: number, random: SampleRandom): string {
  const family = (): string => random.pick(random.chance(0.1) ? words.foreignLastNames : words.lastNames);
  // Ids 2, 7, 12, ... get the comma form, so every sample has a comma inside a field.
  const shape = id % 5 === 2 ? 4 : random.int(0, 3);
  switch (shape) {
    case 0:
      return `${family()}-${family()}`;
    case 1:
      return `${family()} LLC`;
    case 2:
      return `${family()} Group`;
    case 3:
      return `${family()} and Sons`;
    default:
      return `${family()}, ${family()} and ${family()}`;
  }
}

/**
 * A coordinate as JSONPlaceholder writes it: a string with four decimals. Built
 * from an integer count of ten-thousandths so `-0.0000` and float noise never appear.
 */
function coordinate(random: SampleRandom, limit: number): string {
  const steps = random.int(-limit * 10_000, limit * 10_000);
  const magnitude = Math.abs(steps);
  return `${steps < 0 ? '-' : ''}${Math.floor(magnitude / 10_000)}.${String(magnitude % 10_000).padStart(4, '0')}`;
}

/** Letters that Unicode decomposition leaves alone, spelled the usual ASCII way. */
const LATIN_SPELLINGS: Readonly<Record<string, string>> = {
  Ł: 'L', ł: 'l', Ø: 'O', ø: 'o', Þ: 'Th', þ: 'th', Æ: 'Ae', æ: 'ae', ß: 'ss', Đ: 'D', đ: 'd',
};

/** An ASCII spelling of a Latin-script name for usernames, emails and websites. */
function toLatin(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ŁłØøÞþÆæßĐđ]/g, (letter) => LATIN_SPELLINGS[letter] ?? '')
    .replace(/[^A-Za-z0-9]/g, '');
}
