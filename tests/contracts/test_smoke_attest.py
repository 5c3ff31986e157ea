def test_attested_session_adds_minutes_and_mints_points(ledger, yicoin, activity, volunteers, sign):
    alice, _ = volunteers
    tx = ledger.attest(sign(alice, activity, minutes=45), {"from": alice})

    assert ledger.minutesServed(alice) == 45
    assert yicoin.balanceOf(alice) == 750  # 45 min × 10/h = 7.50 益币
    assert tx.events["HoursAttested"]["volunteer"] == alice
