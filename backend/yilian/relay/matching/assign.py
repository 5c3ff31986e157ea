"""Filling needs in one step: an optimal assignment of volunteers to the needs' places (SciPy's
`min_weight_full_bipartite_matching`, LAPJVsp: the assignment problem on a sparse graph). Each
volunteer takes at most one place in a fill, so nobody is double-booked within it, and candidates
already assigned to an overlapping need are filtered out before; each need gets at most its head
count. Among assignments it first fills as many places as possible, then maximises the total score."""

from collections.abc import Sequence

from scipy.sparse import coo_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

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
    # Edges only where a volunteer fits (a district's fill is sparse). A real pairing costs
    # 2 − score, in [1, 2]; each place also has a stand-in of its own, "left empty", costing more
    # than every real pairing together: the most places filled first, then the highest total score.
    empty = 2.0 * len(slots) + 2
    rows, columns, costs, fit_at = [], [], [], {}
    for column, need_id in enumerate(slots):
        for fit in fits.get(need_id, []):
            rows.append(row_of[fit.volunteer_id])
            columns.append(column)
            costs.append(2.0 - fit.score)
            fit_at[row_of[fit.volunteer_id], column] = fit
        rows.append(len(volunteers) + column)
        columns.append(column)
        costs.append(empty)
    graph = coo_array((costs, (rows, columns)), shape=(len(volunteers) + len(slots), len(slots))).tocsr()
    chosen: dict[int, list[Fit]] = {need.id: [] for need in needs}
    for row, column in zip(*min_weight_full_bipartite_matching(graph), strict=True):
        if row < len(volunteers):
            chosen[slots[column]].append(fit_at[row, column])
    return {need_id: sorted(picked, key=lambda fit: -fit.score) for need_id, picked in chosen.items()}
