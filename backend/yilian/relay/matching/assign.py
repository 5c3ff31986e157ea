"""Filling needs in one step: an optimal assignment (SciPy's `linear_sum_assignment`, the
Hungarian method) of volunteers to the needs' places. Each volunteer takes at most one place in
a fill, so nobody is double-booked within it, and candidates already assigned to an overlapping
need are filtered out before; each need gets at most its head count. Among assignments it first
fills as many places as possible, then maximises the total score."""

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from yilian.relay.matching.models import Need
from yilian.relay.matching.score import Fit


def assign(needs: Sequence[Need], fits: dict[int, list[Fit]]) -> dict[int, list[Fit]]:
    """need id → the volunteers it gets (best first). Needs that share no candidate are solved
    apart (the same optimum, far smaller matrices)."""
    chosen: dict[int, list[Fit]] = {}
    for group in _independent(needs, fits):
        chosen |= _solve(group, fits)
    return chosen


def _independent(needs: Sequence[Need], fits: dict[int, list[Fit]]) -> list[list[Need]]:
    """Groups of needs linked by shared candidates (union-find over volunteers)."""
    parent = {need.id: need.id for need in needs}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    first_need_of: dict[int, int] = {}
    for need in needs:
        for fit in fits.get(need.id, []):
            other = first_need_of.setdefault(fit.volunteer_id, need.id)
            parent[root(need.id)] = root(other)
    groups: dict[int, list[Need]] = {}
    for need in needs:
        groups.setdefault(root(need.id), []).append(need)
    return list(groups.values())


def _solve(needs: Sequence[Need], fits: dict[int, list[Fit]]) -> dict[int, list[Fit]]:
    slots = [need.id for need in needs for _ in range(need.head_count)]
    volunteers = sorted({fit.volunteer_id for need in needs for fit in fits.get(need.id, [])})
    if not slots or not volunteers:
        return {need.id: [] for need in needs}
    row_of = {volunteer: row for row, volunteer in enumerate(volunteers)}
    # An empty pairing costs more than all scores together (each ≤ 1): more places filled always wins.
    empty = len(slots) + 1.0
    cost = np.full((len(volunteers), len(slots)), empty)
    fit_at: dict[tuple[int, int], Fit] = {}
    for column, need_id in enumerate(slots):
        for fit in fits.get(need_id, []):
            cost[row_of[fit.volunteer_id], column] = -fit.score
            fit_at[row_of[fit.volunteer_id], column] = fit
    rows, columns = linear_sum_assignment(cost)
    chosen: dict[int, list[Fit]] = {need.id: [] for need in needs}
    for row, column in zip(rows, columns, strict=True):
        if cost[row, column] < empty:
            chosen[slots[column]].append(fit_at[row, column])
    return {need_id: sorted(picked, key=lambda fit: -fit.score) for need_id, picked in chosen.items()}
