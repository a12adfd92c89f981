// Small readers of untyped values, and a list for a sentence, shared by every layer.

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An error's message, or the thrown value as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Items for a sentence: "a", "a and b", "a, b and c". */
export function andList(items: string[]): string {
  if (items.length < 2) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

// Control characters (the tab aside), DEL and the C1 controls, and Unicode's line and paragraph
// separators: none belongs in a name, a path or a message, and a line break in text from the
// service would let it start a line of its own in the log (a workflow command) or an output.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g

/** Whether text holds a control character or a line break. */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text)
}

/** Text as one line: each control character shown as an escape (\n, \r, \u001b). */
export function oneLine(text: string): string {
  return text.replace(CONTROL, c =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/**
 * A value from the service, for a message: one line, at most `max` characters, in quotes. The
 * service's text is data: it may be long, and it may hold line breaks meant to start commands.
 */
export function quoted(text: string, max = 200): string {
  const line = oneLine(text)
  return `"${line.length > max ? `${line.slice(0, max)}…` : line}"`
}
