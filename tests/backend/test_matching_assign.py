"""The fill's solver against brute force on small random instances: the most places filled, then
the highest total score, nobody twice, no need over its head count."""

import itertools
import random

from yilian.relay.matching.assign import assign
from yilian.relay.matching.models import Need
from yilian.relay.matching.score import Fit


def fit(volunteer: int, score_part: float) -> Fit:
    # availability carries the score here: score = 0.4 × availability + 0.2 × 0.5 (a newcomer)
    return Fit(volunteer, f"u{volunteer}", 0.0, 0.0, score_part, 0, 0, {})


def brute_force(needs: list[Need], fits: dict[int, list[Fit]]) -> tuple[int, float]:
    slots = [need.id for need in needs for _ in range(need.head_count)]
    options = [[None, *fits[need_id]] for need_id in slots]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        taken = [f.volunteer_id for f in choice if f is not None]
        if len(taken) == len(set(taken)):
            best = max(best, (len(taken), round(sum(f.score for f in choice if f is not None), 6)))
    return best


def test_assignment_matches_brute_force_on_random_instances():
    rng = random.Random(7)
    for _ in range(60):
        needs = [Need(id=n, head_count=rng.randint(1, 2)) for n in range(rng.randint(1, 3))]
        fits = {need.id: [fit(v, rng.random()) for v in rng.sample(range(5), rng.randint(0, 3))] for need in needs}
        chosen = assign(needs, fits)
        picked = [f for need in needs for f in chosen[need.id]]
        assert len(picked) == len({f.volunteer_id for f in picked}), "a volunteer booked twice"
        assert all(len(chosen[need.id]) <= need.head_count for need in needs)
        assert all(f in fits[need.id] for need in needs for f in chosen[need.id])
        assert (len(picked), round(sum(f.score for f in picked), 6)) == brute_force(needs, fits)
