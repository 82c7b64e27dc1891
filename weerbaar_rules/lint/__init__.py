"""`rules check`: static analysis of a ruleset, before any case is run.

What the loader refuses (a malformed citation, a field the case model does not
have, an unknown instrument) is reported here too, but all of it at once and
with file and line, instead of stopping at the first error: the lint reads the
ruleset once, through the loader (`ruleset.read_ruleset`), and reports every
diagnostic of that reading. On top of that it looks for what loads fine and is
still wrong, one module per question:

* `sources`: a law cited under two different BWB ids, or under an id that is
  not that law's; a hand-written URL that points elsewhere; unverified sources;
  a rule whose case law is all unverified (`geverifieerd: false`); a power
  without a statute;
* `references`: unknown rules, instruments and derived facts; overlapping
  versions of one rule (error) and gaps between them (warning); facts,
  parameters and instruments nothing uses;
* `never`: rules that can never fire: contradictory tests in every branch
  (equals X and equals Y on one field, a number above 10 and below 5, a fact
  both unknown and tested), a validity period that excludes the peildata the
  rule itself tests, a derived fact that no rule can derive while this rule is
  in force, a parameter test that no value of the parameter can satisfy
  (error) or that the national value makes false (warning: only a profile can
  switch it on);
* `conflicts`: a rule makes an instrument available or suitable and another
  one excludes it, on overlapping conditions and validity periods, without
  either rule declaring `overrides` (the engine lets the exclusion win; the
  author should say that this is intended);
* `apart`: conditions about one record of a list written in separate places,
  so different records can meet them;
* `loading`: whatever `rules evaluate` would still refuse (a broken profile,
  a stratum too large for durable_rules), so check fails on all it fails on.

`satisfiable` holds the reasoning `never`, `conflicts` and `apart` share;
`readable` what they all analyse. The package imports only downward (ruleset,
conditions, compiler, backend, model); only the command line imports it.

Interface: `check_directory(directory, profile=None) -> list[Finding]` (sorted,
deduplicated); `Finding` (level ERROR or WARNING, where, message, kind;
`text()`, `as_dict()`); `summary(findings)`; `split_item_findings(rules)` for
rules already loaded. Errors make `rules check` exit non-zero; warnings do not
(unless --strikt).
"""

from .apart import split_item_findings
from .findings import ERROR, WARNING, Finding, summary
from .run import check_directory

__all__ = ["ERROR", "WARNING", "Finding", "check_directory", "split_item_findings", "summary"]
