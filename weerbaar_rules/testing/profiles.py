"""Hypothesis profiles for ruleset tests.

* ``ci`` — derandomized and bounded, so a CI run is reproducible and quick: the
  same examples every run, no example database, no deadline (the first
  evaluation of a ruleset compiles it, which would trip a deadline).
* ``thorough`` — many random examples, for a maintainer before a release or in
  a nightly job: ``pytest --hypothesis-profile thorough`` or
  ``rules diff --profile thorough``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

CI = "ci"
THOROUGH = "thorough"
PROFILES = (CI, THOROUGH)


def register_profiles() -> None:
    # Hypothesis' own defaults as the parent, not whatever profile happens to be loaded now.
    base = settings.get_profile("default")
    settings.register_profile(
        CI,
        base,
        derandomize=True,
        max_examples=40,
        deadline=None,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.register_profile(
        THOROUGH,
        base,
        max_examples=1000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def profile_settings(name: str) -> settings:
    """The settings of a registered profile (registering ours first)."""
    register_profiles()
    return settings.get_profile(name)
