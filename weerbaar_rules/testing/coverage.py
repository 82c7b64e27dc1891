"""Rule coverage of a set of scenarios: which rules no scenario ever fires, or ever holds back.

A rule is only tested when some scenario shows it firing *and* some scenario
shows it held back: a rule that fires in every scenario where it is in force
could be `when: true` and no test would notice. Per rule version (a rule id
can have versions with different validity periods):

* fired — a scenario has a definite ('zeker') firing of it;
* blocked — a scenario's peildatum lies in its validity period and it did not
  fire definitely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..language.ruleset import Rule, Ruleset
from .scenarios import Result

RuleKey = tuple[str, str, dt.date | None, dt.date | None]  # id, origin, geldig_van, geldig_tot


def _key(rule: Rule) -> RuleKey:
    return (rule.id, rule.origin, rule.geldig_van, rule.geldig_tot)


@dataclass
class Coverage:
    rules: dict[RuleKey, Rule] = field(default_factory=dict)
    fired: dict[RuleKey, int] = field(default_factory=dict)
    blocked: dict[RuleKey, int] = field(default_factory=dict)

    @property
    def never_fired(self) -> list[Rule]:
        return [rule for key, rule in sorted(self.rules.items(), key=_order) if not self.fired.get(key)]

    @property
    def never_blocked(self) -> list[Rule]:
        return [rule for key, rule in sorted(self.rules.items(), key=_order) if not self.blocked.get(key)]

    def report(self) -> str:
        total = len(self.rules)
        both = sum(1 for key in self.rules if self.fired.get(key) and self.blocked.get(key))
        lines = [f"dekking: {both} van {total} regels zowel afgevuurd als tegengehouden door een scenario"]
        for title, rules in (
            ("nooit afgevuurd (geen scenario waarin de regel zeker vuurt)", self.never_fired),
            ("nooit tegengehouden (geen scenario waarin de regel geldt en niet vuurt)", self.never_blocked),
        ):
            lines.append(f"{title}: {len(rules)}")
            lines += [f"  {_label(rule)}  {rule.source}" for rule in rules]
        return "\n".join(lines)


def _order(item: tuple[RuleKey, Rule]) -> tuple[str, str, dt.date, dt.date]:
    rule_id, origin, van, tot = item[0]
    return (rule_id, origin, van or dt.date.min, tot or dt.date.max)


def _label(rule: Rule) -> str:
    label = rule.id
    if rule.geldig_van or rule.geldig_tot:
        label += f" (geldig {rule.geldig_van or '…'} t/m {rule.geldig_tot or '…'})"
    if rule.origin != "nationaal":
        label += f" [{rule.origin}]"
    return label


def coverage(results: Iterable[Result], rulesets: Iterable[Ruleset] = ()) -> Coverage:
    """Count, per rule version, the scenarios that fired it and those that held it back.

    `rulesets` adds rules that no scenario ran on (e.g. the national rules when
    every scenario uses a profile), so they show up as never covered.
    """
    cov = Coverage()
    for ruleset in rulesets:
        for rule in ruleset.rules:
            cov.rules.setdefault(_key(rule), rule)
    for result in results:
        if result.ruleset is None:
            continue
        day = result.decision.peildatum
        definite = {f.regel for f in result.decision.afvuringen if f.modus == "zeker"}
        for rule in result.ruleset.rules:
            key = _key(rule)
            cov.rules.setdefault(key, rule)
            if not rule.in_force(day):
                continue
            target = cov.fired if rule.id in definite else cov.blocked
            target[key] = target.get(key, 0) + 1
    return cov
