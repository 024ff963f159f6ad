// IAM conditions decided with a real CEL evaluator against the scan's clock, never with
// regular expressions: `request.time < timestamp(...) && resource.name.startsWith(...)` is a
// program, and only an evaluator gets its conjunctions, disjunctions and quoting right.
import { celEnv, isCelError, parse, plan, run } from '@bufbuild/cel';
import { firstLineOf } from '../../src/core/errors.js';

type CelExpr = ReturnType<typeof parse>['expr'];

export type ConditionState =
  /** True at the scan's clock: the binding grants access now. */
  | 'live'
  /** False at the scan's clock (an end date passed, or a start not yet reached): no access now. */
  | 'inactive'
  /** Depends on what only a request knows (the resource, a tag) or cannot be read: treated as live. */
  | 'undecided';

export interface ConditionVerdict {
  state: ConditionState;
  /** The instant a time-bound condition ends, when the expression says so (ISO 8601). */
  expiresAt?: string;
  /** One line for a grant's evidence. */
  explanation: string;
}

const env = celEnv();

export function evaluateCondition(expression: string, now: Date): ConditionVerdict {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (e) {
    return { state: 'undecided', explanation: `cannot be parsed (${firstLineOf(e)}): treated as live` };
  }
  const expiresAt = endOf(parsed.expr);
  const at = expiresAt ? { expiresAt } : {};
  // `request` is the only attribute known at scan time; resource.*, api.getAttribute() and tags
  // stay unbound, so a condition that needs them comes back as an error, not as a guess.
  const result = plan(env, parsed)({ request: new Map([['time', celTimestamp(now)]]) });
  if (result === true) return { state: 'live', ...at, explanation: `true at ${now.toISOString()}` };
  if (result === false) {
    // Working hours or weekdays are false tonight and true tomorrow morning: only a fixed bound
    // ends access for good.
    const ended = expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
    if (!ended && onSchedule(parsed.expr))
      return {
        state: 'undecided',
        ...at,
        explanation: `grants access on a schedule (false at ${now.toISOString()}, true at other times): treated as live`,
      };
    return { state: 'inactive', ...at, explanation: `false at ${now.toISOString()}` };
  }
  if (isCelError(result)) {
    const why = /unresolved attribute|unbound/i.test(result.message)
      ? 'depends on attributes known only when a request is made'
      : `cannot be evaluated (${result.message})`;
    return { state: 'undecided', ...at, explanation: `${why}: treated as live` };
  }
  return { state: 'undecided', ...at, explanation: 'does not evaluate to true or false: treated as live' };
}

/** The parts of a time that recur: a condition reading one grants access again and again. */
const RECURRING = new Set([
  'getHours',
  'getMinutes',
  'getSeconds',
  'getMilliseconds',
  'getDayOfWeek',
  'getDayOfMonth',
  'getDayOfYear',
  'getDate',
  'getMonth',
]);

/** Whether the expression reads a recurring part of a time (request.time.getHours(...)). */
function onSchedule(expr: CelExpr | undefined): boolean {
  if (!expr) return false;
  switch (expr.exprKind.case) {
    case 'callExpr': {
      const call = expr.exprKind.value;
      return RECURRING.has(call.function) || onSchedule(call.target) || call.args.some(onSchedule);
    }
    case 'selectExpr':
      return onSchedule(expr.exprKind.value.operand);
    default:
      return false;
  }
}

/** Whether a binding with this verdict grants access now (fail closed: undecided counts). */
export function isLive(verdict: ConditionVerdict): boolean {
  return verdict.state !== 'inactive';
}

/** A CEL timestamp value, made by CEL itself so we need no protobuf runtime of our own. */
function celTimestamp(at: Date) {
  const value = run('timestamp(t)', { t: at.toISOString() });
  if (isCelError(value)) throw value;
  return value;
}

/**
 * When the condition stops being true through time alone: the `request.time < timestamp(T)` (or
 * `timestamp(T) > request.time`) bound, the earliest one across `&&`, the latest across `||`
 * when every branch has one. Read from the parsed tree, so quoting and spacing never matter.
 */
function endOf(expr: CelExpr): string | undefined {
  if (expr.exprKind.case !== 'callExpr') return undefined;
  const call = expr.exprKind.value;
  const args = call.args;
  switch (call.function) {
    case '_&&_': {
      const ends = args.map(endOf).filter((e): e is string => e !== undefined);
      // Normalised ISO instants sort as text.
      return ends.sort()[0];
    }
    case '_||_': {
      const ends = args.map(endOf);
      if (ends.some((e) => e === undefined)) return undefined;
      return (ends as string[]).sort().at(-1);
    }
    case '_<_':
    case '_<=_':
      return args[0] && args[1] && isRequestTime(args[0]) ? timestampLiteral(args[1]) : undefined;
    case '_>_':
    case '_>=_':
      return args[0] && args[1] && isRequestTime(args[1]) ? timestampLiteral(args[0]) : undefined;
    default:
      return undefined;
  }
}

function isRequestTime(expr: CelExpr): boolean {
  if (expr.exprKind.case !== 'selectExpr') return false;
  const select = expr.exprKind.value;
  const operand = select.operand;
  return select.field === 'time' && operand?.exprKind.case === 'identExpr' && operand.exprKind.value.name === 'request';
}

function timestampLiteral(expr: CelExpr): string | undefined {
  if (expr.exprKind.case !== 'callExpr') return undefined;
  const call = expr.exprKind.value;
  const arg = call.args[0];
  if (call.function !== 'timestamp' || call.args.length !== 1 || arg?.exprKind.case !== 'constExpr') return undefined;
  const constant = arg.exprKind.value.constantKind;
  if (constant.case !== 'stringValue') return undefined;
  const ms = Date.parse(constant.value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
