/**
 * `${{ expr }}` templates in runbooks: a deliberately small expression language.
 *
 * Runbooks are untrusted-ish input evaluated inside a Temporal workflow, so this module has no
 * eval/Function, no Node imports, no clock or randomness, and only reads own properties of the
 * context (never `constructor`, `__proto__` and friends). The same parser serves the linter
 * (runbooks/semantics.ts) and the interpreter, so what lints is exactly what runs.
 *
 * Grammar (lowest precedence first):
 *
 *   or         := and ( "||" and )*
 *   and        := equality ( "&&" equality )*
 *   equality   := comparison ( ("==" | "!=") comparison )?       -- not chainable
 *   comparison := unary ( ("<" | ">" | "<=" | ">=") unary )?       -- not chainable
 *   unary      := "!" unary | primary
 *   primary    := literal | path | "(" or ")"
 *   literal    := null | true | false | number | 'string' | "string"
 *   path       := ("inputs" | "steps" | "run") ( "." name | "[" integer "]" | "[" string "]" )*
 *
 * Names may contain hyphens (`steps.block-egress.output.rule_id`): there is no arithmetic, so a
 * hyphen can never mean minus.
 *
 * The modules under ./expression/ hold the pieces (types, tokenize, parse, evaluate, template);
 * this file is the one place the rest of Quell imports them from.
 *
 * Workflow-safe: pure functions; imports only common/.
 */
export * from './expression/types';
export { parseExpression } from './expression/parse';
export { evaluateExpression, isTruthy } from './expression/evaluate';
export * from './expression/template';
