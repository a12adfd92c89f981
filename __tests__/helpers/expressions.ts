// Enough of GitHub Actions' expression language to evaluate what the workflows compute from
// their inputs (runs-on, push, cache): literals, property paths, !, ==, !=, && and || with
// GitHub's semantics (they return an operand, and || and && short-circuit), parentheses, and the
// functions startsWith (case-insensitive), endsWith, contains, format and fromJSON.
// https://docs.github.com/en/actions/reference/workflows-and-actions/expressions

type Value = unknown

const TOKEN =
  /\s*(?:('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(\|\||&&|==|!=|[!(),])|([A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*))/y

function tokenize(expression: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const at = TOKEN.lastIndex
    const match = TOKEN.exec(expression)
    if (!match) throw new Error(`cannot read "${expression.slice(at)}" in ${expression}`)
    tokens.push(match[0].trim())
  }
  return tokens
}

const truthy = (value: Value): boolean =>
  !(value === false || value === 0 || value === '' || value === null || value === undefined)

const loose = (value: Value): Value => (typeof value === 'string' ? value.toLowerCase() : value)

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  startsWith: (text, prefix) => String(text).toLowerCase().startsWith(String(prefix).toLowerCase()),
  endsWith: (text, suffix) => String(text).toLowerCase().endsWith(String(suffix).toLowerCase()),
  contains: (haystack, needle) =>
    Array.isArray(haystack)
      ? haystack.some(item => loose(item) === loose(needle))
      : String(haystack).toLowerCase().includes(String(needle).toLowerCase()),
  format: (template, ...args) =>
    String(template).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? '')),
  fromJSON: text => JSON.parse(String(text)) as Value
}

/** Evaluates one expression (without ${{ }}) against a context such as { inputs: {...} }. */
export function evaluate(expression: string, context: Record<string, Value>): Value {
  const tokens = tokenize(expression)
  let at = 0
  const peek = () => tokens[at]
  const take = (expected?: string): string => {
    const token = tokens[at++]
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`expected ${expected ?? 'more'} in ${expression}`)
    return token
  }
  // Each level returns a thunk, so that && and || evaluate their right side only when needed.
  type Lazy = () => Value
  const or = (): Lazy => {
    let left = and()
    while (peek() === '||') {
      take()
      const [l, r] = [left, and()]
      left = () => {
        const value = l()
        return truthy(value) ? value : r()
      }
    }
    return left
  }
  const and = (): Lazy => {
    let left = equality()
    while (peek() === '&&') {
      take()
      const [l, r] = [left, equality()]
      left = () => {
        const value = l()
        return truthy(value) ? r() : value
      }
    }
    return left
  }
  const equality = (): Lazy => {
    let left = unary()
    while (peek() === '==' || peek() === '!=') {
      const op = take()
      const [l, r] = [left, unary()]
      left = () => (loose(l()) === loose(r())) === (op === '==')
    }
    return left
  }
  const unary = (): Lazy => {
    if (peek() === '!') {
      take()
      const operand = unary()
      return () => !truthy(operand())
    }
    return primary()
  }
  const primary = (): Lazy => {
    const token = take()
    if (token === '(') {
      const inner = or()
      take(')')
      return inner
    }
    if (token.startsWith("'")) return () => token.slice(1, -1).replace(/''/g, "'")
    if (/^-?\d/.test(token)) return () => Number(token)
    if (token === 'true' || token === 'false') return () => token === 'true'
    if (token === 'null') return () => null
    if (peek() === '(') {
      const fn = FUNCTIONS[token]
      if (!fn) throw new Error(`unknown function ${token} in ${expression}`)
      take('(')
      const args: Lazy[] = []
      while (peek() !== ')') {
        args.push(or())
        if (peek() === ',') take(',')
      }
      take(')')
      return () => fn(...args.map(arg => arg()))
    }
    return () =>
      token
        .split('.')
        .reduce<Value>((object, key) => (object as Record<string, Value>)?.[key], context)
  }
  const result = or()
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]} in ${expression}`)
  return result()
}

/** A workflow value: a lone ${{ }} gives its value as it is; text around one makes a string. */
export function evaluateValue(value: unknown, context: Record<string, Value>): Value {
  if (typeof value !== 'string') return value
  const lone = /^\$\{\{(.*)\}\}$/s.exec(value.trim())
  if (lone && !lone[1]?.includes('}}')) return evaluate(lone[1] ?? '', context)
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_, expression: string) => {
    const result = evaluate(expression, context)
    return typeof result === 'object' && result !== null
      ? JSON.stringify(result)
      : String(result ?? '')
  })
}
