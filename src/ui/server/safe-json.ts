/**
 * JSON text with `<`, `>`, `&` and the two line separators written as
 * `\uXXXX` escapes: the same JSON to any parser, but no markup to anything
 * that sniffs a response as HTML or splices it into a page. Text from
 * definitions, data, logs and errors reaches the API as is, so every JSON
 * body and every event goes through this (defence in depth: the responses
 * also say `application/json` or `text/event-stream`, with `nosniff`).
 */
export function escapeJsonText(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
