import { createReadStream } from 'node:fs';

/**
 * The records of an RFC 4180 CSV file, one array of field strings each,
 * streamed: files of gigabytes are compared without being held in memory.
 * Yielded in batches (the records completed by each 1 MiB read), since one
 * await per record would cost more than the parsing.
 * A quoted empty field and an unquoted one both read as '' (Strata writes the
 * empty string as `""`, pandas writes it as nothing; the comparison is about
 * values, not bytes).
 *
 * @example
 * for await (const batch of csvRecordBatches('out/users.csv')) for (const fields of batch) console.log(fields[0]);
 */
export async function* csvRecordBatches(file) {
  let fields = [];
  let field = '';
  let inQuotes = false;
  // A quote seen inside a quoted field: either the closing quote or the first of a doubled pair.
  let pendingQuote = false;
  let afterCr = false;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const batch = [];
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const code = chunk.charCodeAt(index);
      if (inQuotes) {
        if (pendingQuote) {
          pendingQuote = false;
          if (code === 34) {
            // A doubled quote: the first of the pair was already cut off.
            start = index;
            continue;
          }
          inQuotes = false;
          start = index;
          // Fall through: this character ends the quoted field.
        } else {
          if (code === 34) {
            field += chunk.slice(start, index);
            pendingQuote = true;
          }
          continue;
        }
      }
      if (code === 44) {
        fields.push(field + chunk.slice(start, index));
        field = '';
        start = index + 1;
      } else if (code === 10) {
        if (!afterCr) {
          fields.push(field + chunk.slice(start, index));
          batch.push(fields);
        }
        fields = [];
        field = '';
        start = index + 1;
      } else if (code === 13) {
        fields.push(field + chunk.slice(start, index));
        batch.push(fields);
        fields = [];
        field = '';
        start = index + 1;
      } else if (code === 34 && index === start && field === '') {
        inQuotes = true;
        start = index + 1;
      }
      afterCr = code === 13;
    }
    if (!pendingQuote) field += chunk.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (fields.length > 0 || field !== '') {
    fields.push(field);
    yield [fields];
  }
}
