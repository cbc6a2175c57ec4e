import type { Denial, Suggestion } from '../model/denial.js';
import { deniedFilePerms } from './access.js';
import { candidateRules } from './candidates.js';
import { adviceApplies, adviceText, applicableAdvice } from './advice.js';
import { nearestReason } from './nearest.js';
import {
  isFullMatch,
  matchContext,
  reviewBarrier,
  matchInterface,
  onePassMatches,
  type InterfaceMatch,
  type PartialMatch,
} from './match.js';
import { providerMatches } from './provider.js';
import { rankMatches, selectShown } from './rank.js';
import { accessedObject, isOwnServiceSnap, relevance } from './topics.js';
import type { AdviceRule, RuleSet, SlotProvider } from './rules.js';
import { variablesFor } from './variables.js';

export { loadRules } from './load.js';
export { compileGlob, globMatches } from './glob.js';
export { pathPattern } from './pattern.js';
export type { RuleSet, InterfaceRule, AdviceRule } from './rules.js';

/**
 * The ways out of one denial, best first: advice that must come first, then ONE best interface
 * and a few close alternatives, then advice that helps after; or a single `none` that says why
 * nothing fits.
 */
export function suggest(denial: Denial, rules: RuleSet): Suggestion[] {
  return evaluate(denial, rules).suggestions;
}

/** The same answer as suggest(), every rule and grant tried without an index (the reference for tests). */
export function suggestUnindexed(denial: Denial, rules: RuleSet): Suggestion[] {
  return evaluate(denial, rules, true).suggestions;
}

/** Every rule that applies to a denial, before ranking trims the list (for rule samples and tests). */
export interface Evaluation {
  readonly suggestions: Suggestion[];
  /** Interfaces whose policy allows the access, best first. */
  readonly interfaces: readonly string[];
  /** Advice rules whose conditions hold. */
  readonly advice: readonly string[];
}

export function evaluate(denial: Denial, rules: RuleSet, exhaustive = false): Evaluation {
  const variables = variablesFor(denial);
  const ctx = matchContext(denial, variables, exhaustive);
  const matches: InterfaceMatch[] = [];
  const partials: PartialMatch[] = [];
  const object = accessedObject(denial);
  const readOnly = ctx.kind === 'file' && /^r+$/.test(deniedFilePerms(denial));
  let ownInterfaceMatched = false;
  const results =
    onePassMatches(ctx, rules.interfaces) ??
    candidateRules(ctx, rules.interfaces).map((rule) => matchInterface(ctx, rule));
  for (const result of results) {
    if (isFullMatch(result)) {
      const { rule } = result;
      const own = isOwnServiceSnap(rule, denial);
      const score = relevance(rule, denial, object, own);
      const incidental = result.incidental || (result.broad && score === 0);
      if (own && !incidental) ownInterfaceMatched = true;
      matches.push({
        rule: result.rule,
        reason: result.reason,
        exactness: result.exactness,
        literal: result.literal,
        relevance: score,
        reviewWaived: rule.needsReview && own,
        incidental,
        broad: result.broad,
      });
    } else if (result) partials.push(result);
  }
  // An auto-connected interface costs the user nothing: the read-only preference yields to it.
  const observerWins = readOnly && !matches.some((m) => m.rule.autoConnect && !m.incidental);
  const ranked = rankMatches(
    observerWins ? matches.map((m) => ({ ...m, observer: m.rule.id.endsWith('-observe') })) : matches,
  );
  const worthShowing = ranked.filter((m) => !m.incidental);
  // Advice for "no interface grants this" still applies when the only matches are incidental:
  // a store-review interface, or a wildcard rule of an interface that is neither about this
  // object nor connected by default (account-control happening to cover /etc/pam.d/*).
  const interfaceMatched = worthShowing.some((m) => !reviewBarrier(m) && isConfident(m));
  const adviceContext = { denial, variables, interfaceMatched, ownInterfaceMatched };
  const advice = ctx.exhaustive
    ? rules.advice.filter((rule) => adviceApplies(rule.when, adviceContext))
    : applicableAdvice(rules.advice, adviceContext);
  const exclusive = advice.some((a) => a.exclusive);
  const shown = exclusive ? [] : selectShown(worthShowing);
  const provided = exclusive || shown.length > 0 ? [] : providerMatches(ctx, rules.interfaces);
  const interfaces = [...shown.map((m, i) => interfaceSuggestion(m, i, denial)), ...provided];
  const barrier = new Set(shown.filter(reviewBarrier).map((m) => m.rule.id));
  const adviceWhere = (keep: (a: AdviceRule) => boolean) =>
    advice.filter(keep).map((a) => adviceSuggestion(a, denial));
  const out: Suggestion[] = [
    ...adviceWhere((a) => a.priority > 0 || (a.exclusive && a.priority === 0)),
    ...interfaces.filter((s) => !barrier.has(s.id)),
    ...adviceWhere((a) => a.priority === 0 && !a.exclusive),
    ...interfaces.filter((s) => barrier.has(s.id)),
    ...adviceWhere((a) => a.priority < 0),
  ];
  const suggestions: Suggestion[] =
    out.length === 0
      ? [
          {
            kind: 'none',
            id: 'none',
            text: `no interface grants this: ${nearestReason(ctx, [...partials, ...ranked])}`,
          },
        ]
      : numbered(out);
  return { suggestions, interfaces: ranked.map((m) => m.rule.id), advice: advice.map((a) => a.id) };
}

/**
 * The suggestions numbered in order. Every one of them was made for this evaluation alone
 * (interfaceSuggestion, adviceSuggestion, providerMatches), so each gets its rank itself rather
 * than through a copy: the same members in the same order, rank last. The list is a new one,
 * pushed to: `out`, made of spreads, may be holey (so may a map()'s result, as optimised code
 * allocates it), which V8's serialiser (the suggestion process's answers) writes as a sparse
 * array, longer and slower to read.
 */
function numbered(out: readonly Suggestion[]): Suggestion[] {
  const list: Suggestion[] = [];
  for (let i = 0; i < out.length; i++) {
    const suggestion = out[i]!;
    (suggestion as { rank?: number }).rank = i + 1;
    list.push(suggestion);
  }
  return list;
}

function isConfident(match: InterfaceMatch): boolean {
  return match.exactness >= 3 || match.relevance > 0 || match.rule.autoConnect;
}

const SLOT_ORIGIN: Readonly<Record<Exclude<SlotProvider, 'system'>, string>> = {
  gadget: 'its slot must come from a gadget snap or a hotplugged device',
  app: 'its slot must come from another snap',
  core: 'only Ubuntu Core provides its slot',
};

function interfaceSuggestion(match: InterfaceMatch, index: number, denial: Denial): Suggestion {
  const { rule } = match;
  const snap = denial.instance ?? denial.snap ?? 'SNAP';
  const command = `snap connect ${snap}:${rule.id}`;
  const how = rule.needsReview
    ? ` (needs store review; connect with: ${command})`
    : rule.implicitSlot !== 'system'
      ? ` (${SLOT_ORIGIN[rule.implicitSlot]})`
      : rule.autoConnect
        ? ''
        : ` (not auto-connected: ${command})`;
  return {
    kind: 'interface',
    id: rule.id,
    text: `${index === 0 ? 'add' : 'or add'} '${rule.id}' to 'plugs'${how}`,
    reason: match.reason,
    autoConnect: rule.autoConnect,
    needsReview: rule.needsReview,
    command,
    plugsLine: `plugs: [${rule.id}]`,
  };
}

function adviceSuggestion(rule: AdviceRule, denial: Denial): Suggestion {
  return {
    kind: 'advice',
    id: rule.id,
    text: adviceText(rule, denial),
    reason: `advice rule ${rule.origin}`,
  };
}
