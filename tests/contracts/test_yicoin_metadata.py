"""益币 describes itself as a two-decimal point token bound to its ledger and alliance."""


def test_name_and_symbol_identify_yicoin(yicoin):
    assert yicoin.name() == "益币 YiCoin"
    assert yicoin.symbol() == "YIC"


def test_points_have_two_decimals_like_fen(yicoin):
    assert yicoin.decimals() == 2


def test_token_is_bound_to_the_ledger_that_deployed_it_and_to_the_alliance(yicoin, ledger, alliance):
    assert yicoin.ledger() == ledger
    assert yicoin.alliance() == alliance


def test_nothing_is_minted_before_any_hours_are_attested(yicoin):
    assert yicoin.totalSupply() == 0
