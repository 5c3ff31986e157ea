"""Discover: what an app lists for a volunteer to choose from. Every list pages with
`?limit=&cursor=` and answers `{items, next_cursor}`."""

from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, Query

from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, require
from yilian.relay.api.discover_schemas import (
    FoundActivityOut,
    LiveOfferOut,
    MerchantListedOut,
    SignupMode,
    SignupTermsOut,
)
from yilian.relay.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.api.presenters import activity_out
from yilian.relay.api.schemas import OrganisationOut
from yilian.relay.api.types import SkillCode
from yilian.relay.db.models import ApiKey
from yilian.relay.discover import activities as found
from yilian.relay.discover import market
from yilian.relay.services.errors import Unprocessable
from yilian.relay.services.merchants import checked_address

router = APIRouter(prefix="/v1", tags=["discover"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/activities", response_model=Page[FoundActivityOut])
def list_activities(
    sessions: SessionsDep, clock: ClockDep, _: Reader, limit: Limit = 20, cursor: Cursor = None,
    when: Annotated[Literal["open_now", "upcoming", "any"], Query(description="open now, or starting later")] = "any",
    category: Annotated[int | None, Query(ge=0, le=65535)] = None,
    organisation_id: Annotated[int | None, Query(ge=0)] = None,
    latitude: Annotated[float | None, Query(ge=-90, le=90, description="Near this point…")] = None,
    longitude: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=100_000, description="…within this distance")] = None,
    free_places: Annotated[bool, Query(description="Only activities with a place left")] = False,
    skill: Annotated[SkillCode | None, Query(description="Only activities needing this skill")] = None,
) -> Page[FoundActivityOut]:  # fmt: skip
    """Activities in order of start, filtered; `latitude`, `longitude` and `radius_m` go together
    and measure to the activity's geofence centre; an unknown `skill` is 422 `unknown_skill`."""
    where = found.ActivityFilter(
        when=when, category=category, organisation_id=organisation_id,
        near=_near(latitude, longitude, radius_m), with_free_places=free_places, skill=skill,
    )  # fmt: skip
    with sessions() as db:
        rows = found.find_activities(
            db=db, where=where, now=int(clock()), after=decode_cursor(cursor, arity=2), limit=limit + 1
        )
    kept, next_cursor = page_of(rows, limit, lambda row: row.key)
    return Page(items=[_found_out(row) for row in kept], next_cursor=next_cursor)


@router.get("/organisations", response_model=Page[OrganisationOut])
def list_organisations(sessions: SessionsDep, _: Reader, limit: Limit = 20, cursor: Cursor = None) -> Page:
    """Volunteer teams, in order of id."""
    with sessions() as db:
        rows = found.find_organisations(db=db, after=decode_cursor(cursor, arity=1), limit=limit + 1)
    kept, next_cursor = page_of(rows, limit, lambda row: [row.id])
    items = [OrganisationOut(id=row.id, name=row.name, profile_hash=row.profile_hash) for row in kept]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/merchants", response_model=Page[MerchantListedOut])
def list_merchants(
    chain: ChainDep, _: Reader, limit: Limit = 20, cursor: Cursor = None,
    active_only: Annotated[bool, Query(description="Leave out suspended merchants")] = True,
) -> Page[MerchantListedOut]:  # fmt: skip
    """Merchants of the 益商联盟 in order of registration, as the chain has them."""
    rows = market.merchants(chain=chain, active_only=active_only, after=decode_cursor(cursor, arity=2), limit=limit + 1)
    kept, next_cursor = page_of(rows, limit, lambda row: row.key)
    items = [
        MerchantListedOut(address=r.address, kind=r.kind, status=r.status, profile_hash=r.profile_hash) for r in kept
    ]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/offers", response_model=Page[LiveOfferOut])
def list_offers(
    chain: ChainDep, _: Reader, limit: Limit = 20, cursor: Cursor = None,
    merchant: Annotated[str | None, Query(max_length=42, description="Only this merchant's offers")] = None,
) -> Page[LiveOfferOut]:  # fmt: skip
    """Offers a volunteer can redeem now (valid, in stock, merchant active), newest first."""
    after = decode_cursor(cursor, arity=1)
    rows = market.live_offers(
        chain=chain, merchant=_address(merchant), after=after[0] if after else None, limit=limit + 1
    )
    kept, next_cursor = page_of(rows, limit, lambda offer: [offer.offer_id])
    items = [
        LiveOfferOut(
            offer_id=o.offer_id,
            merchant=o.merchant,
            price=o.terms.price,
            stock=o.terms.stock,
            valid_from=o.terms.valid_from,
            valid_until=o.terms.valid_until,
            metadata_hash="0x" + o.terms.metadata_hash.hex(),
        )  # fmt: skip
        for o in kept
    ]
    return Page(items=items, next_cursor=next_cursor)


def _near(latitude: float | None, longitude: float | None, radius_m: float | None) -> found.Near | None:
    given = [value is not None for value in (latitude, longitude, radius_m)]
    if not any(given):
        return None
    if not all(given):
        raise Unprocessable("latitude, longitude and radius_m go together", code="incomplete_near")
    return found.Near(latitude, longitude, radius_m)  # type: ignore[arg-type]


def _address(merchant: str | None) -> str | None:
    return None if merchant is None else checked_address(merchant)


def _found_out(row: found.FoundActivity) -> FoundActivityOut:
    terms = row.terms
    signup = None if terms is None else SignupTermsOut(
        places=terms.places, places_taken=terms.places_taken, deadline=terms.deadline,
        mode=cast(SignupMode, terms.mode), requires_signup=terms.requires_signup,
    )  # fmt: skip
    free = None if terms is None or terms.places is None else terms.places - terms.places_taken
    return FoundActivityOut(
        activity=activity_out(row.activity, row.skills), signup=signup, free_places=free, distance_m=row.distance_m
    )
