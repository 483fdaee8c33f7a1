/**
 * Characters no writer may pass on: C0 and C1 controls other than tab, line feed and carriage
 * return, U+FFFE/U+FFFF and lone surrogates. They are not XML 1.0 `Char`s or are discouraged
 * there, HTML calls them parse errors, and a file name in a zip must not hold them. Input refuses
 * them (server/http/text-input.ts), but a name stored before that, or written straight to the
 * database, must not break a signboard, a page or a batch: it is printed without them.
 */
// eslint-disable-next-line no-control-regex
const unprintable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export const printable = (text: string): string => text.replace(unprintable, '')
